/**
 * How a `send` run stops before its input ends, in one place:
 *
 * - interrupted (Ctrl-C, SIGTERM): stop reading, launch nothing new, let the
 *   requests in flight finish for at most `stopWaitMs`, then abort them (a
 *   second signal aborts at once);
 * - credentials refused (a 401-class answer), the target unreachable (no
 *   answer at all, from the start or for a sustained stretch mid-run), or the
 *   target failing the credentials check (it answered, but only 5xx / 429):
 *   send nothing more, but read the rest of the input so that every remaining
 *   event is reported "not sent";
 * - the report could not be written (disk full): send nothing more and read
 *   nothing more, at once; what cannot be written is counted in the summary;
 * - the input failed (a file cut short, not UTF-8 further in): stop reading;
 *   what was read before is still sent.
 *
 * The first reason is the run's reason (and decides the exit status); a later
 * one still stops what it stops (a signal after a refusal stops the reading).
 */

export type StopReason =
  'interrupted' | 'credentials-refused' | 'unreachable' | 'target-failed' | 'input-failed' | 'report-failed'

export interface Stop {
  reason: StopReason
  /** What happened, for a person: no raw values, no token. */
  message: string
}

/** Subscribes to interrupt signals (SIGINT, SIGTERM); returns the unsubscribe function. */
export type InterruptSource = (onSignal: (signal: string) => void) => () => void

export const DEFAULT_STOP_WAIT_MS = 30_000

/**
 * The longest wait Node's timers keep (2^31 − 1 ms, about 24.8 days): a longer
 * one fires after 1 ms. Options are checked against it (./options), and every
 * wait is clamped to it.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1

export class RunControl {
  private first: Stop | undefined
  private sendStop: Stop | undefined
  private readonly reading = new AbortController()
  private readonly stopping = new AbortController()
  private readonly aborting = new AbortController()
  private abortTimer: NodeJS.Timeout | undefined
  private signals = 0

  constructor(
    private readonly stopWaitMs = DEFAULT_STOP_WAIT_MS,
    /** Told when a signal arrives, so that the person at the terminal knows what happens next. */
    private readonly notify: (text: string) => void = () => undefined
  ) {}

  /** Why the run stopped early, if it did (the first reason). */
  get stop(): Stop | undefined {
    return this.first
  }

  /** Nothing new may be sent. */
  get sendingStopped(): boolean {
    return this.sendStop !== undefined
  }

  /** Why sending stopped, for the "not sent" lines. */
  get sendingStoppedBy(): Stop | undefined {
    return this.sendStop
  }

  /** Nothing more may be read. */
  get readingStopped(): boolean {
    return this.reading.signal.aborted
  }

  /** Fires when reading must stop (a read waiting on stdin is abandoned). */
  get readingSignal(): AbortSignal {
    return this.reading.signal
  }

  /** Fires when sending stops: back-off waits end early. */
  get stopSignal(): AbortSignal {
    return this.stopping.signal
  }

  /** Fires when the requests in flight must be abandoned. */
  get abortSignal(): AbortSignal {
    return this.aborting.signal
  }

  get aborted(): boolean {
    return this.aborting.signal.aborted
  }

  /** Stops what `reason` stops (see above). The first reason is the run's. */
  halt(reason: StopReason, message: string): void {
    const stop = { reason, message }
    this.first ??= stop
    if (reason === 'interrupted' || reason === 'input-failed' || reason === 'report-failed') this.reading.abort()
    if (reason !== 'input-failed' && !this.sendStop) {
      this.sendStop = stop
      this.stopping.abort()
    }
  }

  /**
   * A signal: the first stops gracefully (bounded wait), the second aborts
   * what is in flight: batches, or the credentials check (`checking`).
   */
  interrupt(signal: string, inFlight: number, checking = false): void {
    if (++this.signals > 1) {
      if (!this.aborted)
        this.notify(
          checking
            ? `${signal} again: abandoning the credentials check`
            : `${signal} again: abandoning the requests in flight (their events are reported unknown)`
        )
      this.abortNow()
      return
    }
    this.halt('interrupted', `interrupted by ${signal}`)
    if (inFlight === 0 && !checking) {
      this.notify(`${signal}: stopping (no batch in flight).`)
      return
    }
    const wait = this.stopWaitMs < 1000 ? `${this.stopWaitMs} ms` : `${Math.round(this.stopWaitMs / 100) / 10} s`
    this.notify(
      checking
        ? `${signal}: stopping. Waiting up to ${wait} for the credentials check in flight; ${signal} again abandons it.`
        : `${signal}: stopping. Waiting up to ${wait} for the ${inFlight} batch${inFlight === 1 ? '' : 'es'} in flight; ${signal} again abandons them.`
    )
    this.abortTimer = setTimeout(
      () => {
        this.notify(
          checking
            ? `no answer within ${wait}: abandoning the credentials check`
            : `no answer within ${wait}: abandoning the requests in flight (their events are reported unknown)`
        )
        this.abortNow()
      },
      Math.min(this.stopWaitMs, MAX_TIMER_MS)
    )
    this.abortTimer.unref()
  }

  /** Subscribes to `source` until `dispose`; `checking` says whether the credentials check is what is in flight. */
  listen(
    source: InterruptSource | undefined,
    inFlight: () => number,
    checking: () => boolean = () => false
  ): () => void {
    const unsubscribe = source?.((signal) => this.interrupt(signal, inFlight(), checking())) ?? (() => undefined)
    return () => {
      unsubscribe()
      clearTimeout(this.abortTimer)
    }
  }

  private abortNow(): void {
    clearTimeout(this.abortTimer)
    this.aborting.abort()
  }
}

/** Resolves with the promise's value, or with `undefined` as soon as `signal` fires. */
export function unlessAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T | undefined> {
  if (signal.aborted) return Promise.resolve(undefined)
  return new Promise<T | undefined>((resolve, reject) => {
    const onAbort = (): void => resolve(undefined)
    signal.addEventListener('abort', onAbort, { once: true })
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort)
        resolve(value)
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort)
        reject(error)
      }
    )
  })
}
