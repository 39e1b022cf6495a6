/**
 * The report line of each outcome, built field by field in the report's order
 * (millions are made), with what match quality needs of it. Messages pass
 * one last redaction here before they reach a file or a terminal.
 */
import { redactPersonalData, redactSecrets } from '../destinations/tiktok-offline-conversions/privacy'
import type { RunControl } from './control'
import type { InputError, InputEvent } from './input'
import type { DeliveryFacts, OutcomeFacts } from './quality'
import { classifyStatus, type Outcome, type ReportLine } from './report'
import type { RetryPolicy } from './retry'
import type { RoutedEntry } from './router'
import type { RouteSubscription } from './subscriptions'

/** What the lines are made with. */
export interface LineContext {
  subscriptions: readonly RouteSubscription[]
  /** Removed from every message (the access token). */
  secrets: readonly string[]
  control: RunControl
  policy: RetryPolicy
  /** Where the events go, as every report line names it (./target's targetId). */
  target: string
}

/**
 * An outcome, and whether TikTok may have the event although it did not say
 * so: its request was abandoned in flight, or one of its requests timed out.
 */
export type BatchOutcome = RoutedEntry & { abandoned?: boolean; maybeAccepted?: boolean }

/** What TikTok de-duplicates an event by: its event_id and event name. */
export interface SentEvent {
  eventId?: string
  event?: string
}

/** A report line, with what match quality needs of a delivered or refused event. */
export interface ReportEntry {
  line: ReportLine
  facts?: OutcomeFacts
}

/** A report line, its fields in the report's order (built field by field: millions are made). */
function reportLine(
  item: InputEvent,
  subscription: number | null,
  context: LineContext,
  outcome: Outcome,
  status: number,
  error: string | null,
  attempts: number,
  sent?: SentEvent,
  delivery?: DeliveryFacts
): ReportLine {
  const route = subscription === null ? undefined : context.subscriptions[subscription]
  const line: ReportLine = {
    file: item.file,
    index: item.index,
    messageId: item.messageId,
    action: route?.partnerAction ?? null,
    preset: route?.name ?? null,
    status,
    outcome,
    error,
    attempts,
    target: context.target
  }
  if (item.messageIdGenerated) line.messageIdGenerated = true
  if (sent?.event !== undefined) line.event = sent.event
  if (sent?.eventId !== undefined) line.eventId = sent.eventId
  if (delivery && delivery.dropped.length > 0) line.dropped = delivery.dropped.map((value) => value.message)
  return line
}

export function eventLine(item: InputEvent, entry: BatchOutcome, attempts: number, context: LineContext): ReportEntry {
  const status = classifyStatus(entry.status)
  // Still retryable at the end, but TikTok may have it: a request of it was abandoned or timed out.
  const unknown = status === 'failed' && (entry.abandoned === true || entry.maybeAccepted === true)
  const outcome: Outcome = unknown ? 'unknown' : status
  const line = (error: string | null, delivery?: DeliveryFacts): ReportLine =>
    reportLine(
      item,
      entry.subscription,
      context,
      outcome,
      entry.status,
      error,
      attempts,
      delivery ?? entry.sent,
      delivery
    )
  const locale = item.event.context?.locale
  const timestamp = item.event.timestamp
  if (outcome === 'delivered') {
    const { delivery } = entry
    return delivery ? { line: line(null, delivery), facts: { delivery, locale, timestamp } } : { line: line(null) }
  }
  const message = safeMessage(entry.message ?? `status ${entry.status}`, context.secrets)
  if (outcome === 'rejected' && entry.refusal)
    return { line: line(message), facts: { refusal: entry.refusal, locale, timestamp } }
  if (outcome === 'unknown') {
    const why = entry.abandoned
      ? 'the request was abandoned before an answer'
      : 'a request of it got no answer in time, so TikTok may have accepted it'
    return { line: line(`unknown: ${why} (${message}); TikTok may have the event`) }
  }
  const retriesLeft = outcome === 'failed' && context.control.sendingStopped && attempts <= context.policy.maxRetries
  return { line: line(retriesLeft ? `${message} (not retried: the run stopped)` : message) }
}

export function notSentLine(item: InputEvent, subscription: number, context: LineContext): ReportEntry {
  const reason = context.control.sendingStoppedBy?.reason
  const why =
    reason === 'credentials-refused'
      ? 'credentials refused'
      : reason === 'unreachable'
        ? 'the target could not be reached'
        : reason === 'target-failed'
          ? 'the target answered only with errors'
          : 'the run stopped first'
  return { line: reportLine(item, subscription, context, 'not-sent', 0, `not sent: ${why}`, 0) }
}

/** An event an earlier run delivered to this target (--resume): `sent` is the TikTok event it would be again. */
export function skippedLine(
  item: InputEvent,
  subscription: number,
  sent: SentEvent,
  context: LineContext
): ReportEntry {
  return { line: reportLine(item, subscription, context, 'skipped', 200, null, 0, sent) }
}

export function unroutedLine(item: InputEvent, context: LineContext): ReportEntry {
  return {
    line: reportLine(item, null, context, 'unrouted', 0, 'not routed: no subscription matches this event', 0)
  }
}

export function inputErrorLine(item: InputError, context: Pick<LineContext, 'target'>): ReportEntry {
  return {
    line: {
      file: item.file,
      index: item.index,
      messageId: item.messageId,
      action: null,
      preset: null,
      status: 400,
      outcome: 'input-error',
      error: `input: ${item.message}`,
      attempts: 0,
      target: context.target
    }
  }
}

/** The destination already redacts; this is the last guard before a message reaches a file or a terminal. */
function safeMessage(message: string, secrets: readonly string[]): string {
  return redactSecrets(redactPersonalData(message), secrets)
}
