/** The summary as a person reads it, and the target in a few words (the progress bar's first frame says it too). */
import type { Stop } from './control'
import type { PaceStats } from './pace'
import type { MatchQuality } from './quality'
import type { CredentialsCheck, ReasonCount, RouteCount, RunSummary, StopSummary, TargetKind } from './summary-types'

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
  interrupted: 'not finished: interrupted during the check; nothing was sent',
  skipped: 'not checked (--no-auth-check)',
  none: 'not needed (dry run)'
}

const STOP_TEXT: Record<Stop['reason'], string> = {
  interrupted: 'Interrupted',
  'credentials-refused': 'Stopped: credentials refused',
  unreachable: 'Stopped: the target could not be reached',
  'target-failed': 'Stopped: the target answered only with errors',
  'input-failed': 'Stopped: the input could not be read',
  'report-failed': 'Stopped: the report could not be written'
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
  if (
    summary.credentialsCheck === 'refused' ||
    summary.credentialsCheck === 'failed' ||
    summary.credentialsCheck === 'interrupted'
  ) {
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
  if (summary.resume) row('Skipped', summary.skipped, resumeNote(summary.resume))
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
  if (summary.pace && summary.httpRequests > 0) row('Concurrency', summary.pace.mode, paceText(summary.pace))
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
  if (summary.report) row('Report', '', reportNote(summary))
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

/** "up to 64: peak 12, mean 7.4 in flight; 3 requests refused for rate; 1.2 s waiting to send". */
function paceText(pace: PaceStats): string {
  const limit = pace.mode === 'fixed' ? `${pace.maxConcurrency} in flight` : `up to ${pace.maxConcurrency}`
  const refused = `${number(pace.throttledRequests)} request${pace.throttledRequests === 1 ? '' : 's'} refused for rate`
  const overloaded = pace.overloadedRequests > 0 ? `, ${number(pace.overloadedRequests)} overloaded` : ''
  return `${limit}: peak ${pace.peakConcurrency}, mean ${pace.meanConcurrency} in flight; ${refused}${overloaded}; ${(pace.waitingMs / 1000).toFixed(1)} s waiting to send`
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
    case 'target-failed':
      return 'not sent: the target answered only with errors'
    case 'report-failed':
      return 'read, but not sent: the report could not be written (the rest of the input was not read)'
  }
}

/** Where the skipped deliveries come from, and the recorded ones not used (other targets, earlier versions). */
function resumeNote(resume: NonNullable<RunSummary['resume']>): string {
  const { reports, deliveries, unreadableLines, otherTargets, untargeted, withoutEventId } = resume
  const notes = [`${number(deliveries)} deliveries to this target recorded`]
  for (const [target, count] of Object.entries(otherTargets ?? {})) {
    const why = target === 'dry-run' ? ': a dry run delivers nothing' : ''
    notes.push(`${number(count)} to ${target} not used${why}`)
  }
  if (untargeted) {
    notes.push(
      untargeted.used
        ? `${number(untargeted.lines)} lines that name no target taken as this target's (--resume-untargeted)`
        : `${number(untargeted.lines)} lines that name no target (an earlier version's) not used: add --resume-untargeted if they went to this target`
    )
  }
  if (withoutEventId) notes.push(`${number(withoutEventId)} lines without an event_id not used`)
  if (unreadableLines > 0) notes.push(`${unreadableLines} unreadable report lines ignored`)
  return `delivered before, per ${reports.join(', ')} (${notes.join('; ')})`
}

/** The report's name, and what it is missing when it failed mid-run. */
function reportNote(summary: RunSummary): string {
  const missing = summary.notInReport
  if (!summary.report || !missing) return summary.report ?? ''
  return `${summary.report}: ${number(missing.lines)} outcome${missing.lines === 1 ? ' is' : 's are'} not in it (it could not be written), ${number(missing.delivered)} of them delivered: counted above, TikTok has them`
}

/** What to do next, when the run left events unsent. */
export function nextStep(summary: RunSummary): string | undefined {
  const reason = summary.stopped?.reason
  if (reason === undefined || reason === 'credentials-refused') return undefined
  if (!summary.report)
    return 'To continue later, a run needs --report: this one kept no record, so a new run sends everything again (TikTok de-duplicates by event_id).'
  const resume = `run the same command with --resume ${summary.report} (and another --report file)`
  switch (reason) {
    case 'interrupted':
    case 'input-failed':
      return `To continue: ${resume}: events delivered so far are skipped.`
    case 'unreachable':
    case 'target-failed':
      return `To continue once the target answers: ${resume}: events delivered so far are skipped.`
    case 'report-failed':
      return `To continue once the report's disk has room: ${resume}: events it records as delivered are skipped; those it could not record are sent again, and TikTok de-duplicates them by event_id.`
  }
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
