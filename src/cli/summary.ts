/**
 * What a run did, in counters only (memory does not grow with the number of
 * events, apart from one counter per distinct reason, itself bounded), and how
 * it is shown to a person.
 */
import type { Stop } from './control'
import { QualityCollector, type MatchQuality, type OutcomeFacts } from './quality'
import type { Outcome, ReportLine } from './report'
import type { ResumeSource } from './resume'

export type TargetKind = 'sandbox' | 'sandbox-url' | 'tiktok' | 'dry-run'

/**
 * The credentials check before the first batch: accepted, refused (4xx), or
 * could not be made (no answer, 5xx after retries); skipped with
 * --no-auth-check; none for a dry run.
 */
export type CredentialsCheck = 'accepted' | 'refused' | 'failed' | 'skipped' | 'none'

export interface RouteCount {
  preset: string
  action: string
  /** Events this subscription matched. */
  events: number
  delivered: number
  skipped: number
  rejected: number
  failed: number
  notSent: number
  unknown: number
}

export interface ReasonCount {
  reason: string
  count: number
}

/** What the sandbox recorded (the built-in one, or the one at --sandbox-url when it answers). */
export interface SandboxReport {
  /** Requests the sandbox received, faulted ones included. */
  requests: number
  /** Events in requests it accepted, each re-send counted again. */
  acceptedEvents: number
  uniqueEventIds: number
  duplicateEventIds: number
  /** Requests it refused, by TikTok code. */
  rejectedRequests: Record<string, number>
  faults: Record<string, number>
}

/** Why and where a run stopped before the end of its input. */
export interface StopSummary extends Stop {
  /** The last item read, when reading stopped early. */
  readUpTo?: { file: string; index: number }
  /** Files (of those named) not opened at all. */
  filesNotRead: number
}

export interface RunSummary {
  target: TargetKind
  /** Where requests went (for "tiktok", TikTok's host). */
  targetUrl: string
  /** The inputs as named on the command line ("-" for stdin). */
  inputs: string[]
  /** Files read, stdin counted as one… */
  files: number
  /** …of which gzip. */
  gzipFiles: number
  format: 'ndjson' | 'json-array' | 'mixed' | 'empty'
  credentialsCheck: CredentialsCheck
  /** Lines / array elements read (blank lines excepted), bad ones included. */
  eventsRead: number
  inputErrors: number
  /** Events that had no messageId and got one derived from their content. */
  messageIdsGenerated: number
  /** Events no subscription matched (an identify call, an event no preset names). */
  unrouted: number
  /** Events at least one subscription matched. */
  routedEvents: number
  /** Per subscription (preset and action), most events first. */
  routes: RouteCount[]
  /** Outcomes per routed event and subscription (an event two subscriptions matched counts twice). */
  delivered: number
  /** Delivered by an earlier run (--resume), not sent again. */
  skipped: number
  rejected: number
  failed: number
  /** Read, but never sent: the run stopped first. */
  notSent: number
  /** Sent, but their requests were abandoned: TikTok may have them. */
  unknown: number
  /** Reasons, most common first (request IDs left out so that alike errors group). */
  reasons: {
    inputErrors: ReasonCount[]
    rejected: ReasonCount[]
    failed: ReasonCount[]
  }
  quality: MatchQuality
  /** Event re-sends (an event sent three times counts 2). */
  retried: number
  /** HTTP requests the destination made, the credentials check included (in a dry run, to the stub). */
  httpRequests: number
  /** HTTP answers by status. */
  httpStatuses: Record<string, number>
  elapsedMs: number
  eventsPerSecond: number
  resume?: ResumeSource
  stopped?: StopSummary
  sandbox?: SandboxReport
  report?: string
  dryRun: boolean
}

/** Distinct reasons kept per group; the rest are counted under one line. */
const MAX_REASONS = 200
const OTHER_REASONS = '(other reasons)'

class ReasonCounter {
  private counts = new Map<string, number>()

  add(message: string): void {
    let key = reasonKey(message)
    if (!this.counts.has(key) && this.counts.size >= MAX_REASONS) key = OTHER_REASONS
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1)
  }

  sorted(): ReasonCount[] {
    return [...this.counts]
      .map(([reason, count]) => ({ reason, count }))
      .sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason))
  }
}

/**
 * A message without what makes alike errors differ: TikTok request IDs and
 * event positions inside a request.
 */
export function reasonKey(message: string): string {
  return message
    .replace(/,\s*request_id\s+[\w-]+/g, '')
    .replace(/\s*\(request_id\s+[\w-]+\)/g, '')
    .replace(/\bdata\[\d+\]/g, 'data[i]')
    .trim()
}

/** Report outcomes a route counts, and its counter for each. */
const ROUTE_FIELDS: Partial<Record<Outcome, keyof Omit<RouteCount, 'preset' | 'action' | 'events'>>> = {
  delivered: 'delivered',
  skipped: 'skipped',
  rejected: 'rejected',
  failed: 'failed',
  'not-sent': 'notSent',
  unknown: 'unknown'
}

/** Live counts, for the progress bar. */
export interface LiveCounts {
  read: number
  delivered: number
  rejected: number
  failed: number
}

export class SummaryCollector {
  private counts: Record<Outcome, number> = {
    delivered: 0,
    skipped: 0,
    rejected: 0,
    failed: 0,
    'not-sent': 0,
    unknown: 0,
    unrouted: 0,
    'input-error': 0
  }
  private routes = new Map<string, RouteCount>()
  private reasons = { inputErrors: new ReasonCounter(), rejected: new ReasonCounter(), failed: new ReasonCounter() }
  private statuses: Record<string, number> = {}
  readonly quality = new QualityCollector()
  eventsRead = 0
  routedEvents = 0
  messageIdsGenerated = 0
  retried = 0
  httpRequests = 0

  /** One input item was read: counted once, whatever its lines. */
  countEvent(item: { messageIdGenerated?: boolean; routed: boolean }): void {
    this.eventsRead++
    if (item.messageIdGenerated) this.messageIdsGenerated++
    if (item.routed) this.routedEvents++
  }

  /** One report line, with what match quality needs of a delivered or refused event. */
  record(line: ReportLine, facts?: OutcomeFacts): void {
    this.counts[line.outcome]++
    if (line.outcome === 'input-error') this.reasons.inputErrors.add(line.error ?? 'input error')
    if (line.outcome === 'rejected') {
      this.reasons.rejected.add(line.error ?? `status ${line.status}`)
      this.quality.addRefused(facts?.refusal, facts?.locale)
    }
    if (line.outcome === 'failed') this.reasons.failed.add(line.error ?? `status ${line.status}`)
    if (line.outcome === 'delivered' && facts?.delivery) this.quality.addDelivered(facts.delivery, facts.locale)
    const field = ROUTE_FIELDS[line.outcome]
    if (field) {
      const preset = line.preset ?? '(none)'
      const action = line.action ?? '(none)'
      const key = `${preset}\u0000${action}`
      const route = this.routes.get(key) ?? {
        preset,
        action,
        events: 0,
        delivered: 0,
        skipped: 0,
        rejected: 0,
        failed: 0,
        notSent: 0,
        unknown: 0
      }
      route.events++
      route[field]++
      this.routes.set(key, route)
    }
  }

  countStatus(status: number): void {
    this.statuses[status] = (this.statuses[status] ?? 0) + 1
  }

  /** HTTP answers received so far (any status): none means the target was never reached. */
  get answers(): number {
    let total = 0
    for (const count of Object.values(this.statuses)) total += count
    return total
  }

  live(): LiveCounts {
    return {
      read: this.eventsRead,
      delivered: this.counts.delivered,
      rejected: this.counts.rejected,
      failed: this.counts.failed
    }
  }

  summary(fields: {
    target: TargetKind
    targetUrl: string
    inputs: string[]
    files: number
    gzipFiles: number
    format: RunSummary['format']
    credentialsCheck: CredentialsCheck
    elapsedMs: number
    resume?: ResumeSource
    stopped?: StopSummary
    sandbox?: SandboxReport
    report?: string
    dryRun: boolean
  }): RunSummary {
    const seconds = fields.elapsedMs / 1000
    return {
      target: fields.target,
      targetUrl: fields.targetUrl,
      inputs: fields.inputs,
      files: fields.files,
      gzipFiles: fields.gzipFiles,
      format: fields.format,
      credentialsCheck: fields.credentialsCheck,
      eventsRead: this.eventsRead,
      inputErrors: this.counts['input-error'],
      messageIdsGenerated: this.messageIdsGenerated,
      unrouted: this.counts.unrouted,
      routedEvents: this.routedEvents,
      routes: [...this.routes.values()].sort((a, b) => b.events - a.events || a.preset.localeCompare(b.preset)),
      delivered: this.counts.delivered,
      skipped: this.counts.skipped,
      rejected: this.counts.rejected,
      failed: this.counts.failed,
      notSent: this.counts['not-sent'],
      unknown: this.counts.unknown,
      reasons: {
        inputErrors: this.reasons.inputErrors.sorted(),
        rejected: this.reasons.rejected.sorted(),
        failed: this.reasons.failed.sorted()
      },
      quality: this.quality.result(),
      retried: this.retried,
      httpRequests: this.httpRequests,
      httpStatuses: { ...this.statuses },
      elapsedMs: fields.elapsedMs,
      eventsPerSecond: seconds > 0 ? Math.round(this.eventsRead / seconds) : this.eventsRead,
      ...(fields.resume ? { resume: fields.resume } : {}),
      ...(fields.stopped ? { stopped: fields.stopped } : {}),
      ...(fields.sandbox ? { sandbox: fields.sandbox } : {}),
      ...(fields.report ? { report: fields.report } : {}),
      dryRun: fields.dryRun
    }
  }
}

const TARGET_TEXT: Record<TargetKind, string> = {
  sandbox: 'the built-in TikTok sandbox (no TikTok account needed)',
  'sandbox-url': 'the TikTok sandbox',
  tiktok: 'TikTok',
  'dry-run': 'nowhere (dry run: request bodies printed, nothing sent)'
}

/** "TikTok at https://…", "the TikTok sandbox at http://…": the target in a few words, from the start of a run. */
export function targetText(target: TargetKind, url: string): string {
  return `${TARGET_TEXT[target]}${target === 'dry-run' ? '' : ` at ${url}`}`
}

const CREDENTIALS_TEXT: Record<CredentialsCheck, string> = {
  accepted: 'accepted (checked before sending with a request that holds no events; a sandbox counts it refused)',
  refused: 'refused: nothing was sent',
  failed: 'could not be checked: nothing was sent',
  skipped: 'not checked (--no-auth-check)',
  none: 'not needed (dry run)'
}

const STOP_TEXT: Record<Stop['reason'], string> = {
  interrupted: 'Interrupted',
  'credentials-refused': 'Stopped: credentials refused',
  unreachable: 'Stopped: the target could not be reached',
  'input-failed': 'Stopped: the input could not be read'
}

/** The summary as a person reads it. */
export function formatSummary(summary: RunSummary): string {
  const lines: string[] = []
  const width = Math.max(28, ...summary.routes.map((route) => route.preset.length + 6))
  const row = (label: string, value: string | number, note = ''): void => {
    const shown = typeof value === 'number' ? value.toLocaleString('en-US') : value
    lines.push(`${label.padEnd(width)}${shown.padStart(10)}${note ? `  ${note}` : ''}`)
  }
  const reasons = (list: readonly ReasonCount[]): void => {
    const shown = list.slice(0, 10)
    for (const { reason, count } of shown) {
      lines.push(`${''.padEnd(width)}${count.toLocaleString('en-US').padStart(10)}    ${reason}`)
    }
    if (list.length > shown.length) {
      const rest = list.slice(shown.length).reduce((sum, item) => sum + item.count, 0)
      lines.push(
        `${''.padEnd(width)}${rest.toLocaleString('en-US').padStart(10)}    (${list.length - shown.length} more reasons: see the report)`
      )
    }
  }

  lines.push(`Target: ${targetText(summary.target, summary.targetUrl)}`)
  if (summary.stopped) lines.push(`${STOP_TEXT[summary.stopped.reason]}: ${stopDetail(summary.stopped)}`)
  if (summary.target !== 'dry-run') row('Credentials', '', CREDENTIALS_TEXT[summary.credentialsCheck])
  if (summary.credentialsCheck === 'refused' || summary.credentialsCheck === 'failed') {
    // Nothing was read or sent: the check is the whole story.
    row('HTTP requests', summary.httpRequests, httpAnswers(summary))
    return lines.join('\n')
  }
  row('Events read', summary.eventsRead, summary.files > 0 ? inputText(summary) : '')
  row('  input errors', summary.inputErrors)
  reasons(summary.reasons.inputErrors)
  if (summary.messageIdsGenerated > 0) {
    row(
      '  messageId generated',
      summary.messageIdsGenerated,
      'had none: derived from the event, so re-sends de-duplicate'
    )
  }
  row('  not routed', summary.unrouted, 'no preset or mapping subscribes to them (not an error)')
  row('  routed', summary.routedEvents)
  for (const route of summary.routes)
    row(`    ${route.preset}`, route.events, `→ ${route.action}: ${routeParts(route)}`)
  if (summary.resume) {
    const { reports, deliveries, unreadableLines } = summary.resume
    const unreadable = unreadableLines > 0 ? `; ${unreadableLines} unreadable report lines ignored` : ''
    row(
      'Skipped',
      summary.skipped,
      `delivered before, per ${reports.join(', ')} (${deliveries.toLocaleString('en-US')} deliveries recorded${unreadable})`
    )
  }
  row(summary.dryRun ? 'Delivered (dry run)' : 'Delivered', summary.delivered)
  row('Rejected', summary.rejected)
  reasons(summary.reasons.rejected)
  row('Failed after retries', summary.failed)
  reasons(summary.reasons.failed)
  if (summary.notSent > 0 || summary.stopped?.reason === 'interrupted') {
    row('Not sent', summary.notSent, notSentNote(summary.stopped))
  }
  if (summary.unknown > 0) {
    row(
      'Unknown',
      summary.unknown,
      'requests abandoned before TikTok answered: it may have them (sending them again is safe)'
    )
  }
  if (summary.delivered > 0 || summary.quality.outsideTimeWindow > 0) lines.push(...formatQuality(summary.quality, row))
  row('Retried (re-sends)', summary.retried)
  row('HTTP requests', summary.httpRequests, httpAnswers(summary))
  row(
    'Elapsed',
    `${(summary.elapsedMs / 1000).toFixed(2)} s`,
    `${summary.eventsPerSecond.toLocaleString('en-US')} events/s`
  )
  if (summary.sandbox) {
    const sandbox = summary.sandbox
    const refused = Object.entries(sandbox.rejectedRequests)
      .map(([code, count]) => `${code}×${count}`)
      .join(' ')
    const faults = Object.entries(sandbox.faults)
      .map(([kind, count]) => `${kind}×${count}`)
      .join(' ')
    const scope = summary.target === 'sandbox-url' ? 'Sandbox (all runs)' : 'Sandbox accepted'
    row(
      scope,
      sandbox.acceptedEvents,
      `events; ${number(sandbox.uniqueEventIds)} unique event ids, ${number(sandbox.duplicateEventIds)} sent more than once`
    )
    if (refused) {
      row('  requests refused', sum(Object.values(sandbox.rejectedRequests)), `by code: ${refused}`)
    }
    if (faults) row('  faults injected', sum(Object.values(sandbox.faults)), faults)
  }
  if (summary.report) row('Report', '', summary.report)
  const next = nextStep(summary)
  if (next) lines.push(next)
  return lines.join('\n')
}

function formatQuality(
  quality: MatchQuality,
  row: (label: string, value: string | number, note?: string) => void
): string[] {
  const percent = (share: number): string => `${Math.round(share * 100)} %`
  row('Match quality', '', `of the ${quality.delivered.toLocaleString('en-US')} delivered events`)
  row('  with an email', quality.email.count, percent(quality.email.share))
  row('  with a phone', quality.phone.count, percent(quality.phone.share))
  row('  with an external ID', quality.externalId.count, percent(quality.externalId.share))
  row('  with a ttclid', quality.ttclid.count, percent(quality.ttclid.share))
  row('  values dropped', sum(quality.dropped.map((entry) => entry.count)))
  for (const { field, rule, count } of quality.dropped) row('', count, `  ${field}: ${rule}`)
  row('  outside the time window', quality.outsideTimeWindow, 'refused: older than TikTok takes, or in the future')
  row(
    '  purchases without revenue',
    quality.purchasesWithoutRevenue,
    `of ${quality.purchases.toLocaleString('en-US')} purchases delivered`
  )
  return quality.hints.map((hint) => `Hint: ${hint}`)
}

function httpAnswers(summary: RunSummary): string {
  const statuses = Object.entries(summary.httpStatuses)
    .map(([status, count]) => `${status}×${count}`)
    .join(' ')
  return statuses ? `answers: ${statuses}` : 'no answer'
}

function routeParts(route: RouteCount): string {
  const parts = [`delivered ${number(route.delivered)}`]
  if (route.skipped) parts.push(`skipped ${number(route.skipped)}`)
  if (route.rejected) parts.push(`rejected ${number(route.rejected)}`)
  if (route.failed) parts.push(`failed ${number(route.failed)}`)
  if (route.notSent) parts.push(`not sent ${number(route.notSent)}`)
  if (route.unknown) parts.push(`unknown ${number(route.unknown)}`)
  return parts.join(', ')
}

/** 12,345: counts in the summary are read by people. */
function number(value: number): string {
  return value.toLocaleString('en-US')
}

function inputText(summary: RunSummary): string {
  const gzip =
    summary.gzipFiles === 0 ? '' : summary.gzipFiles === summary.files ? ', gzip' : `, ${summary.gzipFiles} gzip`
  const kinds = `${formatName(summary.format)}${gzip}`
  const named = summary.inputs.map((input) => (input === '-' ? 'stdin' : input)).join(', ')
  return summary.files === 1 ? `${named} (${kinds})` : `${summary.files} files from ${named} (${kinds})`
}

function stopDetail(stop: StopSummary): string {
  // file:line (or file:element, for a JSON array), as editors and grep write it.
  const where = stop.readUpTo ? `; reading stopped after ${stop.readUpTo.file}:${stop.readUpTo.index}` : ''
  const unread =
    stop.readUpTo && stop.filesNotRead > 0
      ? ` (${stop.filesNotRead} more file${stop.filesNotRead === 1 ? '' : 's'} not read)`
      : ''
  return `${stop.message}${where}${unread}`
}

function notSentNote(stop: StopSummary | undefined): string {
  if (!stop) return ''
  switch (stop.reason) {
    case 'interrupted':
    case 'input-failed':
      return 'read, but the run stopped before sending them (the rest of the input was not read)'
    case 'credentials-refused':
      return 'not sent: credentials refused'
    case 'unreachable':
      return 'not sent: the target could not be reached'
  }
}

/** What to do next, when the run left events unsent. */
export function nextStep(summary: RunSummary): string | undefined {
  const reason = summary.stopped?.reason
  if (reason !== 'interrupted' && reason !== 'input-failed') return undefined
  if (!summary.report)
    return 'To continue later, a run needs --report: this one kept no record, so a new run sends everything again (TikTok de-duplicates by event_id).'
  return `To continue: run the same command with --resume ${summary.report} (and another --report file): events delivered so far are skipped.`
}

function formatName(format: RunSummary['format']): string {
  switch (format) {
    case 'json-array':
      return 'JSON array'
    case 'ndjson':
      return 'NDJSON'
    case 'mixed':
      return 'NDJSON and JSON arrays'
    case 'empty':
      return 'empty'
  }
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0)
}
