/**
 * The credentials check: the destination's own authentication test (what
 * Segment runs when settings are saved; it records no conversion). `send` runs
 * it before its first batch; `check-auth` runs only it.
 */
import definition from '../destinations/tiktok-offline-conversions'
import { redactPersonalData, redactSecrets } from '../destinations/tiktok-offline-conversions/privacy'
import { errorMessage } from './errors'
import { validateCheckAuthOptions, type CheckAuthOptions } from './options'
import { PaceController, paceOutcome, underPermit, type PaceOutcome } from './pace'
import { DEFAULT_RETRY_POLICY, isRetryableStatus, settleWithRetries, type RetryPolicy, type Sleep } from './retry'
import { Router } from './router'
import { openTarget } from './target'

export type { CheckAuthOptions } from './options'

export type CheckAuthResult = { ok: true; target: string } | { ok: false; target: string; message: string }

/**
 * accepted; refused (the target answered, and said no: a 4xx, TikTok's
 * 401-class codes); failed (no answer, or 5xx / 429 after the retries).
 */
export type CredentialsVerdict = { ok: true } | { ok: false; verdict: 'refused' | 'failed'; message: string }

/** `check-auth` asks once: its answer is what a person wants to see. */
const NO_RETRIES: RetryPolicy = { ...DEFAULT_RETRY_POLICY, maxRetries: 0 }

export interface VerifyRetries {
  policy: RetryPolicy
  sleep?: Sleep
  random?: () => number
  /** Stops retrying (a Ctrl-C during the check). */
  stop?: AbortSignal
  /** Abandons the check's request in flight (a second Ctrl-C, or the stop wait running out). */
  abort?: AbortSignal
}

/** One run of the check: accepted, or the error's status (0 when it carried none: no answer) and message. */
interface CheckAttempt {
  accepted: boolean
  status: number
  message: string
}

/**
 * Runs the check through `router` (so its request goes where the run's
 * requests go, and is counted), each attempt under a permit of `pace` (the
 * run's controller: the check is paced, and tells it what came back).
 */
export async function verifyCredentials(
  router: Router,
  secrets: readonly string[],
  pace: PaceController,
  retries?: VerifyRetries
): Promise<CredentialsVerdict> {
  const check = async (): Promise<CheckAttempt> => {
    try {
      await router.testAuthentication(retries?.abort)
      return { accepted: true, status: 200, message: '' }
    } catch (error) {
      return {
        accepted: false,
        status: statusOf(error) ?? 0,
        message: redactSecrets(redactPersonalData(errorMessage(error)), secrets)
      }
    }
  }
  /** An attempt; not sent (undefined) when the stop fires while it waits for its permit. */
  const attempt = async (): Promise<CheckAttempt | undefined> =>
    (await underPermit(pace, retries?.stop, check, checkPace))?.answer
  const first = await attempt()
  if (!first) return { ok: false, verdict: 'failed', message: 'the run was stopped before the check was sent' }
  const [last] = await settleWithRetries([{ item: 0, outcome: first }], (items) => Promise.all(items.map(attempt)), {
    policy: retries?.policy ?? NO_RETRIES,
    sleep: retries?.sleep,
    random: retries?.random,
    stop: retries?.stop,
    // An error without a status is no answer at all: worth another try.
    retryable: (outcome) => !outcome.accepted && (outcome.status === 0 || isRetryableStatus(outcome.status))
  })
  const { accepted, status, message } = last.outcome
  if (accepted) return { ok: true }
  if (status !== 0 && !isRetryableStatus(status)) return { ok: false, verdict: 'refused', message }
  return { ok: false, verdict: 'failed', message }
}

/** What an attempt tells the pace controller: no answer at all counts as overload. */
function checkPace(attempt: CheckAttempt): PaceOutcome {
  if (attempt.accepted) return {}
  return attempt.status === 0 ? { overloaded: true } : paceOutcome([attempt.status])
}

/** The HTTP-like status actions-core's errors carry (InvalidAuthenticationError: 401; IntegrationError: its own). */
function statusOf(error: unknown): number | undefined {
  const status = typeof error === 'object' && error !== null ? (error as { status?: unknown }).status : undefined
  return typeof status === 'number' ? status : undefined
}

export async function runCheckAuth(options: CheckAuthOptions): Promise<CheckAuthResult> {
  validateCheckAuthOptions(options)
  const target = await openTarget({
    accessToken: options.accessToken,
    eventSetId: options.eventSetId,
    sandboxUrl: options.sandboxUrl,
    apiUrl: options.apiUrl
  })
  try {
    const settings = {
      accessToken: target.accessToken,
      eventSetID: target.eventSetId,
      ...(options.defaultPhoneCountry ? { defaultPhoneCountry: options.defaultPhoneCountry } : {})
    }
    const router = new Router(definition, [], settings, { baseUrl: target.url })
    // Paced as a run's requests are: one attempt, held back by nothing but its own controller.
    const verdict = await verifyCredentials(router, [target.accessToken], new PaceController())
    return verdict.ok ? { ok: true, target: target.url } : { ok: false, target: target.url, message: verdict.message }
  } finally {
    await target.close()
  }
}
