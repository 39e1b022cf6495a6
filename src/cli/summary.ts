/**
 * What a run did, in counters only (memory does not grow with the number of
 * events, apart from one counter per distinct reason, itself bounded), and how
 * it is shown to a person.
 */
import type { Outcome, ReportLine } from './report'

export type TargetKind = 'sandbox' | 'sandbox-url' | 'tiktok' | 'dry-run'

export interface RouteCount {
  preset: string
  action: string
  /** Events this subscription matched. */
  events: number
  delivered: number
  rejected: number
  failed: number
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

export interface RunSummary {
  target: TargetKind
  /** Where requests went (for "tiktok", TikTok's host). */
  targetUrl: string
  input: string
  format: 'ndjson' | 'json-array' | 'empty'
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
  rejected: number
  failed: number
  /** Reasons, most common first (request IDs left out so that alike errors group). */
  reasons: {
    inputErrors: ReasonCount[]
    rejected: ReasonCount[]
    failed: ReasonCount[]
  }
  /** Event re-sends (an event sent three times counts 2). */
  retried: number
  /** HTTP requests the destination made (in a dry run, to the stub). */
  httpRequests: number
  /** HTTP answers by status. */
  httpStatuses: Record<string, number>
  elapsedMs: number
  eventsPerSecond: number
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

export class SummaryCollector {
  private counts: Record<Outcome, number> = { delivered: 0, rejected: 0, failed: 0, unrouted: 0, 'input-error': 0 }
  private routes = new Map<string, RouteCount>()
  private reasons = { inputErrors: new ReasonCounter(), rejected: new ReasonCounter(), failed: new ReasonCounter() }
  private statuses: Record<string, number> = {}
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

  record(line: ReportLine): void {
    this.counts[line.outcome]++
    if (line.outcome === 'input-error') this.reasons.inputErrors.add(line.error ?? 'input error')
    if (line.outcome === 'rejected') this.reasons.rejected.add(line.error ?? `status ${line.status}`)
    if (line.outcome === 'failed') this.reasons.failed.add(line.error ?? `status ${line.status}`)
    if (line.outcome === 'delivered' || line.outcome === 'rejected' || line.outcome === 'failed') {
      const preset = line.preset ?? '(none)'
      const action = line.action ?? '(none)'
      const key = `${preset}\u0000${action}`
      const route = this.routes.get(key) ?? { preset, action, events: 0, delivered: 0, rejected: 0, failed: 0 }
      route.events++
      route[line.outcome]++
      this.routes.set(key, route)
    }
  }

  countStatus(status: number): void {
    this.statuses[status] = (this.statuses[status] ?? 0) + 1
  }

  summary(fields: {
    target: TargetKind
    targetUrl: string
    input: string
    format: RunSummary['format']
    elapsedMs: number
    sandbox?: SandboxReport
    report?: string
    dryRun: boolean
  }): RunSummary {
    const seconds = fields.elapsedMs / 1000
    return {
      target: fields.target,
      targetUrl: fields.targetUrl,
      input: fields.input,
      format: fields.format,
      eventsRead: this.eventsRead,
      inputErrors: this.counts['input-error'],
      messageIdsGenerated: this.messageIdsGenerated,
      unrouted: this.counts.unrouted,
      routedEvents: this.routedEvents,
      routes: [...this.routes.values()].sort((a, b) => b.events - a.events || a.preset.localeCompare(b.preset)),
      delivered: this.counts.delivered,
      rejected: this.counts.rejected,
      failed: this.counts.failed,
      reasons: {
        inputErrors: this.reasons.inputErrors.sorted(),
        rejected: this.reasons.rejected.sorted(),
        failed: this.reasons.failed.sorted()
      },
      retried: this.retried,
      httpRequests: this.httpRequests,
      httpStatuses: { ...this.statuses },
      elapsedMs: fields.elapsedMs,
      eventsPerSecond: seconds > 0 ? Math.round(this.eventsRead / seconds) : this.eventsRead,
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

/** The summary as a person reads it. */
export function formatSummary(summary: RunSummary): string {
  const lines: string[] = []
  const width = Math.max(24, ...summary.routes.map((route) => route.preset.length + 6))
  const row = (label: string, value: string | number, note = ''): void => {
    lines.push(`${label.padEnd(width)}${String(value).padStart(8)}${note ? `  ${note}` : ''}`)
  }
  const reasons = (list: ReasonCount[]): void => {
    const shown = list.slice(0, 10)
    for (const { reason, count } of shown) lines.push(`${''.padEnd(width)}${String(count).padStart(8)}    ${reason}`)
    if (list.length > shown.length) {
      const rest = list.slice(shown.length).reduce((sum, item) => sum + item.count, 0)
      lines.push(
        `${''.padEnd(width)}${String(rest).padStart(8)}    (${list.length - shown.length} more reasons: see the report)`
      )
    }
  }

  lines.push(`Target: ${TARGET_TEXT[summary.target]}${summary.target === 'dry-run' ? '' : ` at ${summary.targetUrl}`}`)
  row('Events read', summary.eventsRead, `${summary.input} (${formatName(summary.format)})`)
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
  for (const route of summary.routes) {
    const parts = [`delivered ${route.delivered}`]
    if (route.rejected) parts.push(`rejected ${route.rejected}`)
    if (route.failed) parts.push(`failed ${route.failed}`)
    row(`    ${route.preset}`, route.events, `→ ${route.action}: ${parts.join(', ')}`)
  }
  row(summary.dryRun ? 'Delivered (dry run)' : 'Delivered', summary.delivered)
  row('Rejected', summary.rejected)
  reasons(summary.reasons.rejected)
  row('Failed after retries', summary.failed)
  reasons(summary.reasons.failed)
  row('Retried (re-sends)', summary.retried)
  const statuses = Object.entries(summary.httpStatuses)
    .map(([status, count]) => `${status}×${count}`)
    .join(' ')
  row('HTTP requests', summary.httpRequests, statuses ? `answers: ${statuses}` : '')
  row('Elapsed', `${(summary.elapsedMs / 1000).toFixed(2)} s`, `${summary.eventsPerSecond} events/s`)
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
      `events; ${sandbox.uniqueEventIds} unique event ids, ${sandbox.duplicateEventIds} sent more than once`
    )
    if (refused)
      row(
        '  requests refused',
        Object.values(sandbox.rejectedRequests).reduce((a, b) => a + b, 0),
        `by code: ${refused}`
      )
    if (faults)
      row(
        '  faults injected',
        Object.values(sandbox.faults).reduce((a, b) => a + b, 0),
        faults
      )
  }
  if (summary.report) row('Report', '', summary.report)
  return lines.join('\n')
}

function formatName(format: RunSummary['format']): string {
  return format === 'json-array' ? 'JSON array' : format === 'ndjson' ? 'NDJSON' : 'empty'
}
