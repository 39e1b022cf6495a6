/**
 * The retry engine of the run and of the credentials check: retryable outcomes
 * (408, 429, 5xx) are sent again after an exponential back-off with full
 * jitter, bounded, and never earlier than a Retry-After the target asked for.
 * Re-sending is safe: events keep their messageId, TikTok de-duplicates by event_id.
 *
 * Why not a library: retry packages re-run a whole call; this re-sends only the items of a batch still retryable.
 */
import { setTimeout as wait } from 'node:timers/promises'
import { MAX_TIMER_MS } from './control'

export interface RetryPolicy {
  /** Re-sends after the first attempt (0 = never retry). */
  maxRetries: number
  /** Back-off before retry n is random in [0, min(maxDelayMs, baseDelayMs × 2^(n-1))]. */
  baseDelayMs: number
  maxDelayMs: number
  /** A Retry-After longer than this is shortened to it (a broken header must not stall a run for hours). */
  maxRetryAfterMs: number
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxRetries: 5,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 300_000
}

/** Waits `ms`; resolves early when `signal` fires (a stopping run does not sit out a 30-second back-off). */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>

/** Node's abortable timer (never past its limit, where it would fire at once); the abort ends the wait, it is not an error. */
export const realSleep: Sleep = (ms, signal) =>
  wait(Math.min(ms, MAX_TIMER_MS), undefined, { signal }).catch((error: unknown) => {
    if (!signal?.aborted) throw error
  })

/** Statuses worth sending again: timeouts, rate limits and server-side failures. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status <= 599)
}

/** "Full jitter" back-off before retry number `retry` (from 1). */
export function backoffDelayMs(retry: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry - 1))
  return Math.floor(random() * ceiling)
}

/** A Retry-After header (seconds or an HTTP date) in milliseconds from `nowMs`; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  const text = value?.trim()
  if (!text) return undefined
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000)
  const date = Date.parse(text)
  if (Number.isNaN(date)) return undefined
  return Math.max(0, date - nowMs)
}

/**
 * The earliest time anything may be sent again, shared by the whole run: a
 * Retry-After applies to the credentials, not to one batch.
 */
export class RetryAfterGate {
  private notBefore = 0

  constructor(
    private readonly maxWaitMs: number,
    private readonly now: () => number = Date.now
  ) {}

  /** The target asked to wait `ms` from now. */
  note(ms: number): void {
    this.notBefore = Math.max(this.notBefore, this.now() + Math.min(Math.max(0, ms), this.maxWaitMs))
  }

  remainingMs(): number {
    return Math.max(0, this.notBefore - this.now())
  }
}

export interface RetryOptions<O extends { status: number } = { status: number }> {
  policy: RetryPolicy
  sleep?: Sleep
  random?: () => number
  gate?: RetryAfterGate
  /** Called after each re-send with the number of items sent again. */
  onResend?: (count: number) => void
  /** When it fires, nothing more is re-sent: what is pending keeps its last outcome. */
  stop?: AbortSignal
  /** Whether an outcome is worth sending again (default: its status is retryable). */
  retryable?: (outcome: O) => boolean
}

/** An item's last outcome, and how many times it was sent. */
export interface RetriedOutcome<T, O> {
  item: T
  outcome: O
  /** How many times it was sent (1 = no retry). */
  attempts: number
}

/**
 * Settles every item: those whose first outcome is not retryable at once; the
 * others are re-sent (together, by `resend`, which answers one outcome per item
 * in order) after a back-off, until they are not retryable or the retries run
 * out, or the run stops. The last outcome of an item that never succeeded is
 * kept, never dropped. `resend` answers undefined for an item it did not send
 * (the run stopped while the request waited for the pace controller): it keeps
 * its last outcome and its count of attempts.
 */
export async function settleWithRetries<T, O extends { status: number }>(
  first: ReadonlyArray<{ item: T; outcome: O }>,
  resend: (items: T[]) => Promise<Array<O | undefined>>,
  options: RetryOptions<O>
): Promise<RetriedOutcome<T, O>[]> {
  const sleep = options.sleep ?? realSleep
  const retryable = options.retryable ?? ((outcome: O) => isRetryableStatus(outcome.status))
  const settled: RetriedOutcome<T, O>[] = first.map(({ item, outcome }) => ({ item, outcome, attempts: 1 }))
  let pending = settled.filter((entry) => retryable(entry.outcome))

  for (let retry = 1; retry <= options.policy.maxRetries && pending.length > 0; retry++) {
    const backoff = backoffDelayMs(retry, options.policy, options.random)
    await sleep(Math.max(backoff, options.gate?.remainingMs() ?? 0), options.stop)
    if (options.stop?.aborted) break
    const outcomes = await resend(pending.map((entry) => entry.item))
    let sent = 0
    pending.forEach((entry, position) => {
      const outcome = outcomes[position]
      if (outcome === undefined) return
      entry.outcome = outcome
      entry.attempts++
      sent++
    })
    if (sent > 0) options.onResend?.(sent)
    pending = pending.filter((entry) => retryable(entry.outcome))
  }
  return settled
}
