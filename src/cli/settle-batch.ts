/**
 * Settling one batch of one subscription: it is sent through the router,
 * what comes back retryable is re-sent (only that part, by the retry engine),
 * every event gets its report line, and a batch that shows sending more is
 * pointless (credentials refused, the target never answering) stops the run.
 */
import type { SegmentEvent } from '@segment/actions-core'
import type { RunControl } from './control'
import type { InputEvent } from './input'
import { paceOutcome, underPermit, type PaceController, type PaceOutcome } from './pace'
import { recordEntries, type OutcomeSinks } from './record'
import { eventLine, notSentLine, type BatchOutcome, type LineContext, type ReportEntry } from './report-lines'
import { RetryAfterGate, isRetryableStatus, settleWithRetries, type Sleep } from './retry'
import type { Router } from './router'

export interface BatchContext extends LineContext, OutcomeSinks {
  router: Router
  /** Every request (first attempt and re-send) starts when it says, and tells it what came back. */
  pace: PaceController
  gate: RetryAfterGate
  sleep: Sleep
  random?: () => number
  /** Where requests go, in words, for the "unreachable" message. */
  targetName: string
  control: RunControl
}

/** An event of the batch (its position) and the subscription an outcome of it came from. */
type EventRef = { position: number; subscription: number | null }

/** One batch of one subscription: send it, retry what is retryable, record its lines, stop the run if it must. */
export async function settleBatch(
  batch: readonly InputEvent[],
  subscription: number,
  context: BatchContext
): Promise<void> {
  const { router, gate, sleep, control, pace } = context

  /**
   * One call to the destination, under a permit of the pace controller (which
   * holds it back for a Retry-After too); its retryable outcomes are "abandoned"
   * if the run aborted requests meanwhile. Undefined: sending stopped before
   * the permit came, nothing was sent.
   */
  const sendOnce = async (events: SegmentEvent[], only: number): Promise<BatchOutcome[][] | undefined> => {
    const sent = await underPermit(
      pace,
      control.stopSignal,
      async () => {
        const abortedBefore = control.aborted
        const routing = await router.runBatch(events, only, control.abortSignal)
        if (abortedBefore || !control.aborted) return routing
        return routing.map((entries) =>
          entries.map((entry) => (isRetryableStatus(entry.status) ? { ...entry, abandoned: true } : entry))
        )
      },
      routingPace
    )
    return sent?.answer
  }

  const routing = await sendOnce(
    batch.map((item) => item.event),
    subscription
  )
  if (!routing)
    return recordEntries(
      context,
      batch.map((item) => notSentLine(item, subscription, context))
    )
  const first: Array<{ item: EventRef; outcome: BatchOutcome }> = []
  routing.forEach((entries, position) => {
    for (const entry of entries) first.push({ item: { position, subscription: entry.subscription }, outcome: entry })
  })

  const resend = async (refs: EventRef[]): Promise<Array<BatchOutcome | undefined>> => {
    const outcomes: Array<BatchOutcome | undefined> = new Array(refs.length)
    const bySubscription = new Map<number, number[]>()
    refs.forEach((ref, slot) => {
      // Only subscription-less entries (events actions-core cannot run) have none; they are never retryable.
      const key = ref.subscription ?? -1
      const slots = bySubscription.get(key)
      if (slots) slots.push(slot)
      else bySubscription.set(key, [slot])
    })
    await Promise.all(
      [...bySubscription].map(async ([only, slots]) => {
        const events = slots.map((slot) => batch[refs[slot].position].event)
        const answers = only >= 0 ? await sendOnce(events, only) : []
        // Not sent (the run stopped while it waited for a permit): the engine keeps the last outcomes.
        if (!answers) return
        slots.forEach((slot, k) => {
          outcomes[slot] = answers[k]?.find((entry) => entry.subscription === only) ?? {
            subscription: refs[slot].subscription,
            status: 500,
            message: 'the event was not run again on retry'
          }
        })
      })
    )
    return outcomes
  }

  const settled = await settleWithRetries(first, resend, {
    policy: context.policy,
    sleep,
    random: context.random,
    gate,
    stop: control.stopSignal,
    onResend: (count) => context.collector.countResends(count)
  })

  const lines: ReportEntry[] = []
  let next = 0
  batch.forEach((item, position) => {
    const start = lines.length
    while (next < settled.length && settled[next].item.position === position) {
      const { outcome, attempts } = settled[next++]
      lines.push(eventLine(item, outcome, attempts, context))
    }
    // The runner matched the event to this subscription; actions-core must answer for it.
    if (lines.length === start) {
      const missing = { subscription, status: 500, message: 'actions-core gave no answer for this event' }
      lines.push(eventLine(item, missing, 1, context))
    }
  })
  await recordEntries(context, lines)
  stopIfHopeless(lines, context)
}

/** What a call's answers tell the pace controller: nothing when it was abandoned, else throttled / overloaded / fine. */
function routingPace(routing: readonly BatchOutcome[][]): PaceOutcome {
  const entries = routing.flat()
  if (entries.some((entry) => entry.abandoned)) return { abandoned: true }
  return paceOutcome(entries.map((entry) => entry.status))
}

/**
 * A 401-class answer: the credentials will be refused for every other event
 * too. Events that failed while the run never got any HTTP answer: the target
 * cannot be reached. Either way, sending more is pointless.
 */
function stopIfHopeless(lines: readonly ReportEntry[], context: BatchContext): void {
  const refused = lines.find(({ line }) => line.outcome === 'rejected' && line.status === 401)
  if (refused) {
    context.control.halt(
      'credentials-refused',
      `the target refused the credentials: ${refused.line.error ?? 'status 401'}`
    )
    return
  }
  const failed = lines.find(({ line }) => line.outcome === 'failed')
  if (failed && context.collector.answers === 0) {
    context.control.halt(
      'unreachable',
      `no answer from ${context.targetName} after ${failed.line.attempts} attempts: ${failed.line.error ?? ''}`
    )
  }
}
