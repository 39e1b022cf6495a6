/**
 * How many batches may be in flight, and the wait for a free place before the
 * next one starts. The run asks only this interface: a run has the pace
 * controller's (./pace: adaptive, or fixed with --concurrency).
 */
import { unlessAborted } from './control'
import type { PaceController } from './pace'

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

/** At most `limit()` batches in flight, the limit read again each time a batch settles. */
class BoundedBatches implements BatchScheduler {
  private readonly running = new Set<Promise<void>>()

  constructor(private readonly limit: () => number) {}

  get inFlight(): number {
    return this.running.size
  }

  async waitForSlot(stop: AbortSignal): Promise<void> {
    while (this.running.size >= this.limit() && !stop.aborted) {
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

/** At most `limit` batches in flight, whatever the answers. */
export class FixedConcurrency extends BoundedBatches {
  constructor(limit: number) {
    super(() => limit)
  }
}

/**
 * As many batches under way as the pace controller has room for: those its
 * limit lets in flight and one ready behind them (`batchSlots`). Each batch's
 * requests then take their own permits (./settle-batch).
 */
export class PacedBatches extends BoundedBatches {
  constructor(pace: Pick<PaceController, 'batchSlots'>) {
    super(() => pace.batchSlots)
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
