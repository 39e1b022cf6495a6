/**
 * How many batches may be in flight, and the wait for a free place before the
 * next one starts. The run asks only this interface: a run has the pace
 * controller's (./pace: adaptive, or fixed with --concurrency).
 */
import { unlessAborted } from './control'
import type { PaceController } from './pace'

export interface BatchScheduler {
  /** Resolves when another batch (of `size` characters of input) may start, or as soon as `stop` fires. */
  waitForSlot(stop: AbortSignal, size?: number): Promise<void>
  /** Counts a started batch (and its size) in flight until it settles (it must not reject). */
  track(batch: Promise<void>, size?: number): void
  /** Batches in flight now. */
  readonly inFlight: number
  /** Resolves once every batch started has settled. */
  drain(): Promise<void>
}

/**
 * At most `limit()` batches in flight, the limit read again each time a batch
 * settles; and, however many that is, at most `maxSize` characters of input
 * among them (a batch larger than that still goes, alone), so that the memory
 * the batches hold stays bounded when many are allowed in flight.
 */
class BoundedBatches implements BatchScheduler {
  private readonly running = new Set<Promise<void>>()
  private size = 0

  constructor(
    private readonly limit: () => number,
    private readonly maxSize: number
  ) {}

  get inFlight(): number {
    return this.running.size
  }

  async waitForSlot(stop: AbortSignal, size = 0): Promise<void> {
    while (this.full(size) && !stop.aborted) {
      await unlessAborted(Promise.race(this.running), stop)
    }
  }

  track(batch: Promise<void>, size = 0): void {
    this.size += size
    const tracked: Promise<void> = batch.finally(() => {
      this.running.delete(tracked)
      this.size -= size
    })
    this.running.add(tracked)
  }

  async drain(): Promise<void> {
    await Promise.all(this.running)
  }

  private full(size: number): boolean {
    if (this.running.size === 0) return false
    return this.running.size >= this.limit() || this.size + size > this.maxSize
  }
}

/** At most `limit` batches in flight, whatever the answers. */
export class FixedConcurrency extends BoundedBatches {
  constructor(limit: number, maxSize = Infinity) {
    super(() => limit, maxSize)
  }
}

/**
 * As many batches under way as the pace controller has room for: those its
 * limit lets in flight and one ready behind them (`batchSlots`). Each batch's
 * requests then take their own permits (./settle-batch).
 */
export class PacedBatches extends BoundedBatches {
  constructor(pace: Pick<PaceController, 'batchSlots'>, maxSize = Infinity) {
    super(() => pace.batchSlots, maxSize)
  }
}

/** `scheduler`, telling `onChange` the batches in flight each time a batch starts or settles. */
export function observeInFlight(scheduler: BatchScheduler, onChange: (inFlight: number) => void): BatchScheduler {
  const changed = (): void => onChange(scheduler.inFlight)
  return {
    waitForSlot: (stop, size) => scheduler.waitForSlot(stop, size),
    track(batch, size) {
      scheduler.track(batch, size)
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
