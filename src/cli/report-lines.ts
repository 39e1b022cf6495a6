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
}

/** An outcome, and whether its request was abandoned in flight (then TikTok may or may not have the event). */
export type BatchOutcome = RoutedEntry & { abandoned?: boolean }

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
    attempts
  }
  if (item.messageIdGenerated) line.messageIdGenerated = true
  if (delivery?.eventId !== undefined) line.eventId = delivery.eventId
  if (delivery && delivery.dropped.length > 0) line.dropped = delivery.dropped.map((value) => value.message)
  return line
}

export function eventLine(item: InputEvent, entry: BatchOutcome, attempts: number, context: LineContext): ReportEntry {
  const outcome: Outcome = entry.abandoned ? 'unknown' : classifyStatus(entry.status)
  const line = (error: string | null, delivery?: DeliveryFacts): ReportLine =>
    reportLine(item, entry.subscription, context, outcome, entry.status, error, attempts, delivery)
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
    return { line: line(`unknown: the request was abandoned before an answer (${message}); TikTok may have the event`) }
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
        : 'the run stopped first'
  return { line: reportLine(item, subscription, context, 'not-sent', 0, `not sent: ${why}`, 0) }
}

export function skippedLine(item: InputEvent, subscription: number, context: LineContext): ReportEntry {
  return { line: reportLine(item, subscription, context, 'skipped', 200, null, 0) }
}

export function unroutedLine(item: InputEvent, context: LineContext): ReportEntry {
  return {
    line: reportLine(item, null, context, 'unrouted', 0, 'not routed: no subscription matches this event', 0)
  }
}

export function inputErrorLine(item: InputError): ReportEntry {
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
      attempts: 0
    }
  }
}

/** The destination already redacts; this is the last guard before a message reaches a file or a terminal. */
function safeMessage(message: string, secrets: readonly string[]): string {
  return redactSecrets(redactPersonalData(message), secrets)
}
