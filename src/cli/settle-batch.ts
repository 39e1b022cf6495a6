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
import type { AlreadyDelivered } from './already-delivered'
import {
  eventLine,
  notSentLine,
  skippedLine,
  type BatchOutcome,
  type LineContext,
  type ReportEntry,
  type SentEvent
} from './report-lines'
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
  /** --resume: what earlier runs delivered to this target, found by the event_id the destination derives. */
  alreadyDelivered?: AlreadyDelivered
}

/** An event of the batch (its position) and the subscription an outcome of it came from. */
type EventRef = { position: number; subscription: number | null }

/**
 * One batch of one subscription: skip what an earlier run delivered (--resume),
 * send the rest, retry what is retryable, record its lines (in input order),
 * stop the run if it must.
 */
export async function settleBatch(
  batch: readonly InputEvent[],
  subscription: number,
  context: BatchContext
): Promise<void> {
  const skipped = await context.alreadyDelivered?.find(batch, subscription)
  const toSend = skipped?.size ? batch.filter((_, position) => !skipped.has(position)) : batch
  const answersBefore = context.collector.answers
  const startedAt = Date.now()
  const sentLines = toSend.length > 0 ? await sendBatch(toSend, subscription, context) : []
  const lines = inInputOrder(batch, subscription, skipped, sentLines, context)
  await recordEntries(context, lines)
  stopIfHopeless(sentLines.flat(), context, answersBefore, startedAt)
}

/** The lines of a batch the run will not send (it stopped): skipped when delivered before (--resume), else not sent. */
export async function unsentLines(
  batch: readonly InputEvent[],
  subscription: number,
  context: BatchContext
): Promise<ReportEntry[]> {
  const skipped = await context.alreadyDelivered?.find(batch, subscription)
  const notSent = batch
    .filter((_, position) => !skipped?.has(position))
    .map((item) => [notSentLine(item, subscription, context)])
  return inInputOrder(batch, subscription, skipped, notSent, context)
}

/** The skipped events' lines and the others' (`rest`, in order, for the events not skipped), merged in input order. */
function inInputOrder(
  batch: readonly InputEvent[],
  subscription: number,
  skipped: ReadonlyMap<number, SentEvent> | undefined,
  rest: readonly ReportEntry[][],
  context: BatchContext
): ReportEntry[] {
  const lines: ReportEntry[] = []
  let next = 0
  batch.forEach((item, position) => {
    const sent = skipped?.get(position)
    if (sent) lines.push(skippedLine(item, subscription, sent, context))
    else lines.push(...rest[next++])
  })
  return lines
}

/** Sends the events, retries what is retryable; each event's lines (one per subscription that answered), in order. */
async function sendBatch(
  batch: readonly InputEvent[],
  subscription: number,
  context: BatchContext
): Promise<ReportEntry[][]> {
  const { router, gate, sleep, control, pace } = context
  if (control.sendingStopped) return batch.map((item) => [notSentLine(item, subscription, context)])

  /** Events (position and subscription) of which a request timed out: TikTok may have them, whatever comes later. */
  const timedOut = new Set<string>()
  const key = (position: number, entry: BatchOutcome): string => `${position}\u0000${entry.subscription ?? -1}`

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
  /** The outcome, marked when any request of the event timed out (this one or an earlier one). */
  const noting = (position: number, entry: BatchOutcome): BatchOutcome => {
    if (entry.timedOut) timedOut.add(key(position, entry))
    return timedOut.has(key(position, entry)) ? { ...entry, maybeAccepted: true } : entry
  }

  const routing = await sendOnce(
    batch.map((item) => item.event),
    subscription
  )
  if (!routing) return batch.map((item) => [notSentLine(item, subscription, context)])
  const first: Array<{ item: EventRef; outcome: BatchOutcome }> = []
  routing.forEach((entries, position) => {
    for (const entry of entries)
      first.push({ item: { position, subscription: entry.subscription }, outcome: noting(position, entry) })
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
          const answer = answers[k]?.find((entry) => entry.subscription === only) ?? {
            subscription: refs[slot].subscription,
            status: 500,
            message: 'the event was not run again on retry'
          }
          outcomes[slot] = noting(refs[slot].position, answer)
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

  const lines: ReportEntry[][] = []
  let next = 0
  batch.forEach((item, position) => {
    const own: ReportEntry[] = []
    while (next < settled.length && settled[next].item.position === position) {
      const { outcome, attempts } = settled[next++]
      own.push(eventLine(item, outcome, attempts, context))
    }
    // The runner matched the event to this subscription; actions-core must answer for it.
    if (own.length === 0) {
      const missing = { subscription, status: 500, message: 'actions-core gave no answer for this event' }
      own.push(eventLine(item, missing, 1, context))
    }
    lines.push(own)
  })
  return lines
}

/** What a call's answers tell the pace controller: nothing when it was abandoned, else throttled / overloaded / fine. */
function routingPace(routing: readonly BatchOutcome[][]): PaceOutcome {
  const entries = routing.flat()
  if (entries.some((entry) => entry.abandoned)) return { abandoned: true }
  return paceOutcome(entries.map((entry) => entry.status))
}

/**
 * A 401-class answer: the credentials will be refused for every other event
 * too. Events still retryable after their batch's last retry (failed, or
 * unknown after timeouts) while no request of the run got any HTTP answer
 * since the batch was first sent: the target cannot be reached, from the
 * start, or no longer (a sustained stretch: all of one batch's attempts, with
 * their back-off and timeouts, and every other request meanwhile, unanswered).
 * Either way, sending more is pointless; a later run resumes.
 */
function stopIfHopeless(
  lines: readonly ReportEntry[],
  context: BatchContext,
  answersBefore: number,
  startedAt: number
): void {
  const refused = lines.find(({ line }) => line.outcome === 'rejected' && line.status === 401)
  if (refused) {
    context.control.halt(
      'credentials-refused',
      `the target refused the credentials: ${refused.line.error ?? 'status 401'}`
    )
    return
  }
  if (context.control.aborted || context.collector.answers > answersBefore) return
  const failed = lines.find(
    ({ line }) => line.outcome === 'failed' || (line.outcome === 'unknown' && isRetryableStatus(line.status))
  )
  if (!failed) return
  const error = rawError(failed.line.error)
  if (context.collector.answers === 0) {
    context.control.halt(
      'unreachable',
      `no answer from ${context.targetName} after ${failed.line.attempts} attempts: ${error}`
    )
    return
  }
  const seconds = Math.round((Date.now() - startedAt) / 100) / 10
  context.control.halt(
    'unreachable',
    `${context.targetName} stopped answering: no answer to any request for ${seconds} s (${failed.line.attempts} attempts of a batch): ${error}`
  )
}

/** A line's error without the "unknown: …" framing, for the stop message. */
function rawError(error: string | null): string {
  const match = /^unknown: [^(]*\((.*)\); TikTok may have the event$/.exec(error ?? '')
  return match ? match[1] : (error ?? '')
}
