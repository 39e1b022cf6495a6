/**
 * How many requests the runner keeps in flight, and how fast they start: the
 * pace controller. Every request to the target (the credentials check, each
 * batch's first attempt, each retry) takes a permit here before it starts and
 * hands it back, with what the target answered, when it is settled.
 *
 * The scheme is TCP's congestion control applied to requests instead of
 * packets: additive increase / multiplicative decrease with slow start
 * (Jacobson 1988, RFC 5681), a delay check in the manner of TCP Vegas to stop
 * growing once more in flight no longer brings more throughput, a cut sized
 * from the measured delivery rate as TCP Westwood does, and pacing, so that
 * the limit may fall below one request in flight. In numbers:
 *
 * - The limit L is a real number in [PACE.minLimit, max] (max: --max-concurrency,
 *   at most 64). At most ceil(L) requests are in flight, and starts are at
 *   least srtt / L apart (srtt: the smoothed time a request takes), so that
 *   L = 0.25 means one request every four round trips, not none.
 * - Slow start: from L = 1, +1 per request answered well (L doubles every
 *   round trip), until the first cut or until the delay check says the
 *   requests queue: Vegas's estimate of requests waiting, L × (1 − minRtt /
 *   srtt; minRtt: the fastest answer of the last one to two minutes), reaches
 *   PACE.vegasAlpha (2). Above PACE.vegasBeta (4), L shrinks by one per
 *   round trip: more in flight only made each slower (the runner's own CPU,
 *   or the target, is the bottleneck).
 * - A throttle (HTTP 429, TikTok 40100 and its other rate-limit codes) cuts L
 *   at once to 0.95 × the rate of requests the target accepted over the last
 *   second × srtt (Westwood's bandwidth estimate: the rate limit, seen from
 *   here; never above L), or, when no request was accepted in that second,
 *   to 0.7 × L (the factor of the AWS SDKs' adaptive retry mode). Overload (5xx, 408,
 *   timeouts) cuts L to 0.5 × L (TCP's halving).
 *   One cut per round trip: answers to requests that started before the last
 *   cut do not cut again (they were sent at the old pace).
 * - After a cut, L returns quickly towards 0.9 × the limit it was cut from
 *   (a quarter of the gap per answer, the binary-search increase of BIC-TCP),
 *   then probes above it slowly (+0.3 % of L per answer, at most +1 per round
 *   trip): under a fixed rate limit the runner spends most of its time just
 *   below the limit, and meets it again only after dozens of requests.
 * - A Retry-After holds every start until it has passed.
 *
 * Why this scheme: the target's limits are unpublished (TikTok's rate limit)
 * or change (latency, load), and the only signals are answers: throttled,
 * overloaded, slower. AIMD is what converges to a fair, stable share under
 * such signals and is well understood; a pure latency gradient (Gradient2,
 * Vegas alone) does not see a rate limit answered at full speed, and plain
 * halving on every throttle would spend a quarter of the time below the limit.
 *
 * A fixed limit (--concurrency N) is the same interface with L = N: no pacing,
 * no growth or cut, a Retry-After still honoured.
 *
 * The clock is injected: tests run the decisions on a simulated one.
 */

/** What a settled request told the controller. */
export interface PaceOutcome {
  /** Refused for rate: HTTP 429, TikTok 40100 (the destination answers 429). */
  throttled?: boolean
  /** Overloaded or unanswered: 5xx, 408, a timeout. */
  overloaded?: boolean
  /** The target asked to wait this long before anything is sent again. */
  retryAfterMs?: number
  /** Abandoned before an answer (the run was aborted): no signal, no latency sample. */
  abandoned?: boolean
}

export interface Permit {
  /** Hands the permit back with what happened; a second call is ignored. */
  release(outcome?: PaceOutcome): void
}

/** The time source: real (Date.now, setTimeout) in a run, simulated in tests. */
export interface PaceClock {
  now(): number
  /** Calls `callback` after `ms`; the returned function cancels it. */
  setTimer(callback: () => void, ms: number): () => void
}

export const REAL_CLOCK: PaceClock = {
  now: () => Date.now(),
  setTimer: (callback, ms) => {
    const timer = setTimeout(callback, ms)
    return () => clearTimeout(timer)
  }
}

/** Something that knows the earliest moment anything may be sent again (./retry's RetryAfterGate). */
export interface RetryAfterSource {
  note(ms: number): void
  remainingMs(): number
}

export interface PaceStats {
  mode: 'adaptive' | 'fixed'
  /** The limit at the end (requests in flight; below 1: a share of the round trips). */
  limit: number
  maxConcurrency: number
  /** Most requests in flight at once. */
  peakConcurrency: number
  /** Requests in flight, averaged over time from the first start to the last answer. */
  meanConcurrency: number
  /** Requests the target refused for rate (429 / 40100). */
  throttledRequests: number
  /** Requests answered 5xx / 408 or not answered. */
  overloadedRequests: number
  /** Wall time during which a request was ready but held back (limit, pacing, Retry-After). */
  waitingMs: number
}

/** The scheme's parameters (see the top of this file). */
export const PACE = {
  /** The pacing floor: one request every 20 round trips. */
  minLimit: 0.05,
  maxLimit: 64,
  /** Vegas: slow start ends once this many requests queue… */
  vegasAlpha: 2,
  /** …and above this many the limit shrinks. */
  vegasBeta: 4,
  throttleDecrease: 0.7,
  overloadDecrease: 0.5,
  /** After a cut, L returns towards this share of the limit it was cut from… */
  recoveryTarget: 0.9,
  /** …closing this share of the remaining gap per answer. */
  recoveryStep: 0.25,
  /** Growth per answer while probing above the recovery target, as a share of L (at most 1/L: +1 per round trip). */
  probeGrowth: 0.003,
  /** A throttle cuts to this share of the rate the target accepted over the last rateWindowMs. */
  measuredRateMargin: 0.95,
  rateWindowMs: 1000,
  /** Weight of a new latency sample in srtt (TCP's 1/8). */
  srttGain: 0.125,
  /** minRtt is the lowest latency of the current and the previous window of this length (so it follows a target that got slower). */
  minRttWindowMs: 60_000
} as const

interface Waiter {
  resolve(permit: Permit | undefined): void
  signal?: AbortSignal
  onAbort?: () => void
}

export interface PaceOptions {
  /** A fixed number in flight (--concurrency N); undefined: adaptive. */
  fixed?: number
  /** The adaptive limit's ceiling (--max-concurrency). */
  max?: number
  clock?: PaceClock
  /** Shared with the retries' own waits (the run's RetryAfterGate). */
  retryAfter?: RetryAfterSource
}

export class PaceController {
  readonly mode: 'adaptive' | 'fixed'
  readonly max: number
  private currentLimit: number
  private slowStartThreshold = Infinity
  /** The limit recovery returns towards, after a cut. */
  private recoveryTarget: number | undefined
  private lastCutAt = -Infinity
  private srtt: number | undefined
  private minRtt = { current: Infinity, previous: Infinity, since: 0 }
  private accepted: number[] = []
  private nextStartAt = -Infinity
  private running = 0
  private readonly waiters: Waiter[] = []
  private cancelTimer: (() => void) | undefined
  private timerAt = Infinity
  private readonly clock: PaceClock
  private readonly retryAfter: RetryAfterSource | undefined
  private ownNotBefore = 0
  // Statistics
  private peak = 0
  private firstStartAt: number | undefined
  private lastChangeAt = 0
  private area = 0
  private lastReleaseAt: number | undefined
  private throttled = 0
  private overloaded = 0
  private waitingSince: number | undefined
  private waited = 0

  constructor(options: PaceOptions = {}) {
    this.clock = options.clock ?? REAL_CLOCK
    this.retryAfter = options.retryAfter
    this.mode = options.fixed === undefined ? 'adaptive' : 'fixed'
    this.max = Math.min(PACE.maxLimit, options.fixed ?? options.max ?? PACE.maxLimit)
    if (!(this.max >= 1)) throw new RangeError('the pace limit must be at least 1')
    this.currentLimit = options.fixed ?? 1
    this.minRtt.since = this.clock.now()
  }

  /** The current limit: requests in flight (below 1: one request every 1/limit round trips). */
  get limit(): number {
    return this.currentLimit
  }

  /** Requests holding a permit. */
  get inFlight(): number {
    return this.running
  }

  /** Requests waiting for a permit. */
  get waiting(): number {
    return this.waiters.length
  }

  /** Requests refused for rate so far (the progress bar shows them). */
  get throttledRequests(): number {
    return this.throttled
  }

  /** How many batches the scheduler should have under way: those in flight and one ready behind them. */
  get batchSlots(): number {
    return this.mode === 'fixed' ? this.max : Math.min(this.max, Math.ceil(this.currentLimit) + 1)
  }

  /** The smoothed latency, ms (undefined before the first answer). */
  get smoothedLatencyMs(): number | undefined {
    return this.srtt
  }

  /**
   * Resolves with a permit when a request may start: fewer than ceil(limit)
   * in flight, the pacing interval passed, no Retry-After pending; first come,
   * first served. Resolves undefined, at once, when `signal` fires first.
   */
  acquire(signal?: AbortSignal): Promise<Permit | undefined> {
    if (signal?.aborted) return Promise.resolve(undefined)
    return new Promise((resolve) => {
      const waiter: Waiter = { resolve, signal }
      if (signal) {
        waiter.onAbort = () => {
          const index = this.waiters.indexOf(waiter)
          if (index < 0) return
          this.waiters.splice(index, 1)
          this.noteWaiting()
          resolve(undefined)
          this.pump()
        }
        signal.addEventListener('abort', waiter.onAbort, { once: true })
      }
      this.waiters.push(waiter)
      this.noteWaiting()
      this.pump()
    })
  }

  /** The target asked to wait (a Retry-After): nothing starts before it has passed. */
  noteRetryAfter(ms: number): void {
    if (this.retryAfter) this.retryAfter.note(ms)
    else this.ownNotBefore = Math.max(this.ownNotBefore, this.clock.now() + Math.max(0, ms))
    this.pump()
  }

  stats(): PaceStats {
    const end = this.running > 0 ? this.clock.now() : (this.lastReleaseAt ?? this.clock.now())
    const area = this.area + this.running * Math.max(0, end - this.lastChangeAt)
    const span = this.firstStartAt === undefined ? 0 : end - this.firstStartAt
    const waitingMs = this.waited + (this.waitingSince === undefined ? 0 : this.clock.now() - this.waitingSince)
    return {
      mode: this.mode,
      limit: round(this.currentLimit, 3),
      maxConcurrency: this.max,
      peakConcurrency: this.peak,
      meanConcurrency: span > 0 ? round(area / span, 2) : this.peak,
      throttledRequests: this.throttled,
      overloadedRequests: this.overloaded,
      waitingMs: Math.round(waitingMs)
    }
  }

  // -------------------------------------------------------------------------

  private remainingRetryAfter(now: number): number {
    return Math.max(this.retryAfter?.remainingMs() ?? 0, this.ownNotBefore - now)
  }

  /** Grants permits while it may; otherwise sets one timer for the moment it may. */
  private pump(): void {
    while (this.waiters.length > 0) {
      const now = this.clock.now()
      if (this.running >= Math.max(1, Math.ceil(this.currentLimit))) return
      const wait = Math.max(this.remainingRetryAfter(now), this.nextStartAt - now)
      if (wait > 0) return this.wakeAt(now + wait)
      const waiter = this.waiters.shift() as Waiter
      if (waiter.onAbort) waiter.signal?.removeEventListener('abort', waiter.onAbort)
      this.noteWaiting()
      waiter.resolve(this.start(now))
    }
  }

  private wakeAt(at: number): void {
    if (this.cancelTimer && this.timerAt <= at) return
    this.cancelTimer?.()
    this.timerAt = at
    this.cancelTimer = this.clock.setTimer(
      () => {
        this.cancelTimer = undefined
        this.timerAt = Infinity
        this.pump()
      },
      Math.max(0, at - this.clock.now())
    )
  }

  private start(now: number): Permit {
    this.account(now)
    this.firstStartAt ??= now
    this.running++
    this.peak = Math.max(this.peak, this.running)
    if (this.mode === 'adaptive' && this.srtt !== undefined) this.nextStartAt = now + this.srtt / this.currentLimit
    const limitAtStart = this.currentLimit
    let released = false
    return {
      release: (outcome = {}) => {
        if (released) return
        released = true
        const end = this.clock.now()
        this.account(end)
        this.running--
        this.lastReleaseAt = end
        this.settle(outcome, now, end, limitAtStart)
        this.pump()
      }
    }
  }

  private settle(outcome: PaceOutcome, startedAt: number, now: number, limitAtStart: number): void {
    if (outcome.retryAfterMs !== undefined) this.noteRetryAfter(outcome.retryAfterMs)
    if (outcome.abandoned) return
    if (outcome.throttled) this.throttled++
    else if (outcome.overloaded) this.overloaded++
    if (this.mode === 'fixed') return
    const latency = now - startedAt
    if (outcome.throttled || outcome.overloaded) {
      // One cut per round trip: a request sent before the last cut was sent at the old pace.
      if (startedAt < this.lastCutAt) return
      this.cut(outcome.throttled === true, now, Math.max(limitAtStart, this.currentLimit))
      return
    }
    this.sample(latency, now)
    this.accepted.push(now)
    this.grow()
  }

  private cut(throttled: boolean, now: number, from: number): void {
    let next = from * (throttled ? PACE.throttleDecrease : PACE.overloadDecrease)
    let target = from * PACE.recoveryTarget
    if (throttled && this.srtt !== undefined) {
      // Westwood: what the target accepted over the last second, as a limit, is what it allows.
      this.dropOldAccepted(now)
      const allowed = (this.accepted.length / PACE.rateWindowMs) * this.srtt * PACE.measuredRateMargin
      if (allowed > 0) {
        next = Math.min(from, allowed)
        target = next
      }
    }
    this.currentLimit = this.bounded(next)
    this.recoveryTarget = this.bounded(Math.max(target, this.currentLimit))
    this.slowStartThreshold = this.currentLimit
    this.lastCutAt = now
    this.nextStartAt = this.srtt === undefined ? now : now + this.srtt / this.currentLimit
  }

  private grow(): void {
    const limit = this.currentLimit
    const queued = this.queueEstimate()
    if (queued > PACE.vegasBeta) {
      this.slowStartThreshold = Math.min(this.slowStartThreshold, limit)
      this.currentLimit = this.bounded(limit - 1 / Math.max(1, limit))
      return
    }
    if (limit < this.slowStartThreshold) {
      if (queued >= PACE.vegasAlpha) {
        this.slowStartThreshold = limit
        return
      }
      this.currentLimit = this.bounded(limit + Math.min(1, limit))
      return
    }
    if (queued >= PACE.vegasAlpha) return
    const probe = Math.min(PACE.probeGrowth * limit, 1 / Math.max(1, limit))
    const target = this.recoveryTarget
    const step = target !== undefined && limit < target ? Math.max(probe, (target - limit) * PACE.recoveryStep) : probe
    this.currentLimit = this.bounded(limit + step)
  }

  /** Vegas: requests queued somewhere (here or at the target) beyond what the fastest round trip needs. */
  private queueEstimate(): number {
    const minRtt = Math.min(this.minRtt.current, this.minRtt.previous)
    if (this.srtt === undefined || !Number.isFinite(minRtt) || this.srtt <= 0) return 0
    return this.currentLimit * Math.max(0, 1 - minRtt / this.srtt)
  }

  private sample(latency: number, now: number): void {
    this.srtt = this.srtt === undefined ? latency : this.srtt + PACE.srttGain * (latency - this.srtt)
    if (now - this.minRtt.since >= PACE.minRttWindowMs) {
      this.minRtt = { current: Infinity, previous: this.minRtt.current, since: now }
    }
    this.minRtt.current = Math.min(this.minRtt.current, latency)
  }

  private dropOldAccepted(now: number): void {
    let old = 0
    while (old < this.accepted.length && this.accepted[old] <= now - PACE.rateWindowMs) old++
    if (old > 0) this.accepted.splice(0, old)
  }

  private bounded(limit: number): number {
    return Math.min(this.max, Math.max(PACE.minLimit, limit))
  }

  /** Time-weighted in-flight area, for the mean. */
  private account(now: number): void {
    if (this.firstStartAt !== undefined) this.area += this.running * Math.max(0, now - this.lastChangeAt)
    this.lastChangeAt = now
  }

  private noteWaiting(): void {
    const now = this.clock.now()
    if (this.waiters.length > 0 && this.waitingSince === undefined) this.waitingSince = now
    if (this.waiters.length === 0 && this.waitingSince !== undefined) {
      this.waited += now - this.waitingSince
      this.waitingSince = undefined
    }
  }
}

/**
 * One request under a permit of `pace`: it starts when the controller says,
 * and the permit goes back with what `judge` makes of the answer (abandoned
 * when the request throws). Undefined, with nothing sent, when `stop` fires
 * before the permit comes.
 */
export async function underPermit<R>(
  pace: PaceController,
  stop: AbortSignal | undefined,
  request: () => Promise<R>,
  judge: (answer: R) => PaceOutcome
): Promise<{ answer: R } | undefined> {
  const permit = await pace.acquire(stop)
  if (!permit) return undefined
  if (stop?.aborted) {
    permit.release({ abandoned: true })
    return undefined
  }
  let outcome: PaceOutcome = { abandoned: true }
  try {
    const answer = await request()
    outcome = judge(answer)
    return { answer }
  } finally {
    permit.release(outcome)
  }
}

/** What a set of per-event statuses says about the request(s) they came from. */
export function paceOutcome(statuses: Iterable<number>): PaceOutcome {
  let throttled = false
  let overloaded = false
  for (const status of statuses) {
    if (status === 429) throttled = true
    else if (status === 408 || (status >= 500 && status <= 599)) overloaded = true
  }
  return { ...(throttled ? { throttled } : {}), ...(overloaded ? { overloaded } : {}) }
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits
  return Math.round(value * factor) / factor
}
