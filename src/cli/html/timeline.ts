/**
 * The sending over a run: events settled per second and batches in flight,
 * one point per interval (2 s to start with). A run too long for `maxPoints`
 * points of that interval has its points merged in pairs and its interval
 * doubled, so memory stays bounded whatever the run's length.
 */

export const TIMELINE_INTERVAL_MS = 2000
export const TIMELINE_MAX_POINTS = 600

export interface TimelinePoint {
  /** The end of the interval, in seconds since the run started (the last one ends with the run). */
  atSeconds: number
  /** Events settled (delivered, rejected, failed or abandoned) per second over the interval, one decimal. */
  eventsPerSecond: number
  /** The most batches in flight at once during the interval. */
  batchesInFlight: number
}

export interface TimelineData {
  /** Seconds each point covers. */
  intervalSeconds: number
  points: TimelinePoint[]
}

export class SendingTimeline {
  private settledCounts: number[] = []
  private peaks: number[] = []
  private current = 0
  private intervalMs: number

  constructor(
    private readonly startMs: number,
    private readonly clock: () => number = Date.now,
    intervalMs = TIMELINE_INTERVAL_MS,
    private readonly maxPoints = TIMELINE_MAX_POINTS
  ) {
    if (maxPoints < 2) throw new RangeError('a timeline needs room for 2 points at least')
    this.intervalMs = intervalMs
  }

  /** Events whose outcome came back now. */
  settled(count = 1): void {
    // The slot first: reaching it may merge the points, replacing the lists.
    const slot = this.reach(this.clock())
    this.settledCounts[slot] += count
  }

  /** The number of batches in flight changed to `batches`. */
  inFlight(batches: number): void {
    this.current = batches
    const slot = this.reach(this.clock())
    this.peaks[slot] = Math.max(this.peaks[slot], batches)
  }

  /** The points up to `endMs` (default: now). */
  result(endMs = this.clock()): TimelineData {
    const last = this.reach(endMs)
    const elapsedMs = Math.max(0, endMs - this.startMs)
    const points = this.settledCounts.slice(0, last + 1).map((settled, slot) => {
      const from = slot * this.intervalMs
      const to = Math.min((slot + 1) * this.intervalMs, Math.max(elapsedMs, from))
      const seconds = (to - from) / 1000
      return {
        atSeconds: round(to / 1000, 3),
        eventsPerSecond: seconds > 0 ? round(settled / seconds, 1) : settled,
        batchesInFlight: this.peaks[slot]
      }
    })
    return { intervalSeconds: this.intervalMs / 1000, points }
  }

  /** The slot of time `ms`, every slot up to it made (a batch in flight across an empty slot counts in it). */
  private reach(ms: number): number {
    let slot = Math.max(0, Math.floor((ms - this.startMs) / this.intervalMs))
    while (slot >= this.maxPoints) {
      this.mergePairs()
      slot = Math.max(0, Math.floor((ms - this.startMs) / this.intervalMs))
    }
    while (this.settledCounts.length <= slot) {
      this.settledCounts.push(0)
      this.peaks.push(this.current)
    }
    return slot
  }

  private mergePairs(): void {
    const settled: number[] = []
    const peaks: number[] = []
    for (let slot = 0; slot < this.settledCounts.length; slot += 2) {
      settled.push(this.settledCounts[slot] + (this.settledCounts[slot + 1] ?? 0))
      peaks.push(Math.max(this.peaks[slot], this.peaks[slot + 1] ?? 0))
    }
    this.settledCounts = settled
    this.peaks = peaks
    this.intervalMs *= 2
  }
}

function round(value: number, decimals: number): number {
  const factor = 10 ** decimals
  return Math.round(value * factor) / factor
}
