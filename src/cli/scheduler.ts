/**
 * How many batches may be in flight, and the wait for a free place before the
 * next one starts. The run asks only this interface, so a scheduler that
 * adapts how many it lets through can take the fixed one's place.
 */
import { unlessAborted } from './control'

export interface BatchScheduler {
  /** Resolves when another batch may start, or as soon as `stop` fires. */
  waitForSlot(stop: AbortSignal): Promise<void>
  /** Counts a started batch in flight until it settles (it must not reject). */
  track(batch: Promise<void>): void
  /** Batches in flight now. */
  readonly inFlight: number
  /** Resolves once every batch started has settled. */
  drain(): Promise<void>
}

/** At most `limit` batches in flight (--concurrency). */
export class FixedConcurrency implements BatchScheduler {
  private readonly running = new Set<Promise<void>>()

  constructor(private readonly limit: number) {}

  get inFlight(): number {
    return this.running.size
  }

  async waitForSlot(stop: AbortSignal): Promise<void> {
    while (this.running.size >= this.limit && !stop.aborted) {
      await unlessAborted(Promise.race(this.running), stop)
    }
  }

  track(batch: Promise<void>): void {
    const tracked: Promise<void> = batch.finally(() => this.running.delete(tracked))
    this.running.add(tracked)
  }

  async drain(): Promise<void> {
    await Promise.all(this.running)
  }
}

/** `scheduler`, telling `onChange` the batches in flight each time a batch starts or settles. */
export function observeInFlight(scheduler: BatchScheduler, onChange: (inFlight: number) => void): BatchScheduler {
  const changed = (): void => onChange(scheduler.inFlight)
  return {
    waitForSlot: (stop) => scheduler.waitForSlot(stop),
    track(batch) {
      scheduler.track(batch)
      changed()
      // After the scheduler's own bookkeeping of the settled batch (registered first, so run first).
      batch.then(changed, changed)
    },
    get inFlight() {
      return scheduler.inFlight
    },
    drain: () => scheduler.drain()
  }
}
