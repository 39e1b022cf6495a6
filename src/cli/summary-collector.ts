/**
 * Counts a run as it goes (one counter per outcome, route, reason and HTTP
 * status; one per distinct reason, itself bounded) and makes the summary at
 * the end. Only its methods change its counts.
 */
import type { PaceStats } from './pace'
import { QualityCollector, type OutcomeFacts } from './quality'
import type { Outcome, ReportLine } from './report'
import type { ResumeSource } from './resume'
import type {
  CredentialsCheck,
  LiveCounts,
  NotInReport,
  OutcomeCounts,
  ReasonCount,
  RouteCount,
  RunSummary,
  SandboxReport,
  StopSummary,
  TargetKind
} from './summary-types'

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
const ROUTE_FIELDS: Partial<Record<Outcome, keyof OutcomeCounts>> = {
  delivered: 'delivered',
  skipped: 'skipped',
  rejected: 'rejected',
  failed: 'failed',
  'not-sent': 'notSent',
  unknown: 'unknown'
}

/** The summary's counters, changed only through its methods. */
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
  private readonly quality = new QualityCollector()
  private eventsRead = 0
  private routedEvents = 0
  private messageIdsGenerated = 0
  private retried = 0
  private httpRequests = 0
  private notInReport: NotInReport | undefined

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

  /** Lines the report could not take (it failed): the summary says how many, and how many were deliveries. */
  countNotInReport(lines: readonly ReportLine[]): void {
    const missing = (this.notInReport ??= { lines: 0, delivered: 0 })
    missing.lines += lines.length
    for (const line of lines) if (line.outcome === 'delivered') missing.delivered++
  }

  /** One HTTP request the destination started (the credentials check included). */
  countRequest(): void {
    this.httpRequests++
  }

  /** Events sent again (an event sent three times counts 2). */
  countResends(events: number): void {
    this.retried += events
  }

  /** One HTTP answer, by status. */
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
    pace?: PaceStats
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
      ...(fields.pace ? { pace: fields.pace } : {}),
      ...(fields.resume ? { resume: fields.resume } : {}),
      ...(fields.stopped ? { stopped: fields.stopped } : {}),
      ...(fields.sandbox ? { sandbox: fields.sandbox } : {}),
      ...(fields.report ? { report: fields.report } : {}),
      ...(this.notInReport ? { notInReport: { ...this.notInReport } } : {}),
      dryRun: fields.dryRun
    }
  }
}
