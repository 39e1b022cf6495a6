/**
 * The HTML report of a `send` run: one self-contained page drawn from the very
 * object `--json` prints (summary and series), so both show the same numbers.
 * Inline CSS (system fonts, a print stylesheet for A4, a layout that fits a
 * 390 px phone), inline SVG charts (./charts), no script, nothing fetched.
 * Every text from the run is redacted as the report redacts messages (emails,
 * phone numbers, the access token) and then escaped.
 */
import type { RefusalReason } from '../../destinations/tiktok-offline-conversions/reasons'
import { redactPersonalData, redactSecrets } from '../../destinations/tiktok-offline-conversions/privacy'
import type { IdentifierCount } from '../quality'
import { nextStep, targetText } from '../summary-format'
import type { ReasonCount, RouteCount, RunSummary } from '../summary-types'
import { columns, line, shareBar, stackedBar, steps, type Segment } from './charts'
import type { TimeCounts } from './event-times'
import type { InputReference } from './references'
import type { ReportedRun } from './series'
import { STYLE } from './style'

export interface RenderOptions {
  /** Removed from every text shown (the access token). */
  secrets?: readonly (string | undefined)[]
}

/** The outcomes of the summary, in the order the page shows them; keys are the summary's. */
export const OUTCOMES = [
  { key: 'delivered', label: 'Delivered', color: '#2e7d32' },
  { key: 'rejected', label: 'Rejected', color: '#c62828' },
  { key: 'failed', label: 'Failed after retries', color: '#ef6c00' },
  { key: 'notSent', label: 'Not sent', color: '#78909c' },
  { key: 'unknown', label: 'Unknown', color: '#6a1b9a' },
  { key: 'inputErrors', label: 'Input errors', color: '#ad1457' },
  { key: 'skipped', label: 'Skipped (resume)', color: '#1565c0' }
] as const

type RouteOutcome = Exclude<keyof RouteCount, 'preset' | 'action' | 'events'>
const ROUTE_OUTCOMES = OUTCOMES.filter(
  (outcome): outcome is (typeof OUTCOMES)[number] & { key: RouteOutcome } => outcome.key !== 'inputErrors'
)

const REFUSAL_TEXT: Record<RefusalReason, string> = {
  not_an_offline_event: 'not one of the offline standard events',
  no_email_or_phone: 'no usable email address or phone number',
  outside_time_window: "outside TikTok's window (28 days ago to 5 minutes ahead)",
  unreadable_timestamp: 'a timestamp that cannot be read',
  currency_required: 'a value without a currency',
  invalid_currency: 'a currency that is not an ISO 4217 code',
  invalid_amount: 'a value, price or quantity that is not a number of 0 or more'
}
const NO_REFUSAL_CODE = 'refused by TikTok or by actions-core (no reason code: see the messages below)'

const STOP_TITLE: Record<NonNullable<RunSummary['stopped']>['reason'], string> = {
  interrupted: 'The run was interrupted',
  'credentials-refused': 'The run stopped: the credentials were refused',
  unreachable: 'The run stopped: the target could not be reached',
  'target-failed': 'The run stopped: the target answered only with errors',
  'report-failed': 'The run stopped: the report could not be written',
  'input-failed': 'The run stopped: an input could not be read'
}

const CREDENTIALS: Record<RunSummary['credentialsCheck'], string> = {
  accepted: 'accepted (checked before sending, with a request that holds no events)',
  refused: 'refused: nothing was sent',
  failed: 'could not be checked: nothing was sent',
  interrupted: 'not finished: interrupted during the check; nothing was sent',
  skipped: 'not checked (--no-auth-check)',
  none: 'not needed (dry run)'
}

const IDENTIFIERS = [
  { key: 'email', label: 'with an email' },
  { key: 'phone', label: 'with a phone number' },
  { key: 'externalId', label: 'with an external ID' },
  { key: 'ttclid', label: 'with a ttclid' }
] as const

const DELIVERED_COLOR = '#2e7d32'
const REFUSED_COLOR = '#c62828'
const RATE_COLOR = '#1565c0'
const IN_FLIGHT_COLOR = '#8e24aa'

/** `&`, `<`, `>`, `"` and `'` as entities: safe in text and in quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`)
}

/** 12,345 */
function number(value: number): string {
  return value.toLocaleString('en-US')
}

function percent(share: number): string {
  return `${Math.round(share * 100)} %`
}

/** "0.28 s", "4 min 05 s", "2 h 03 min". */
export function formatDuration(ms: number): string {
  const seconds = ms / 1000
  if (seconds < 60) return `${seconds.toFixed(2)} s`
  const whole = Math.round(seconds)
  const h = Math.floor(whole / 3600)
  const min = Math.floor((whole % 3600) / 60)
  const s = whole % 60
  return h > 0 ? `${h} h ${String(min).padStart(2, '0')} min` : `${min} min ${String(s).padStart(2, '0')} s`
}

/** "2026-11-29 14:05:09 UTC" */
function formatTime(iso: string): string {
  const date = new Date(iso)
  return Number.isNaN(date.getTime()) ? iso : `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`
}

export function renderHtmlReport(run: ReportedRun, options: RenderOptions = {}): string {
  const secrets = options.secrets ?? []
  /** Every text from the run: redacted, then escaped. */
  const t = (text: string): string => escapeHtml(redactSecrets(redactPersonalData(text), secrets))
  /**
   * A file name or a command naming files, as the terminal summary and the report show them: only
   * the token is removed (the phone rule would take the date out of archive/2026-11-27/00.gz).
   */
  const path = (text: string): string => escapeHtml(redactSecrets(text, secrets))
  const sections = [
    header(run, t, path),
    outcomes(run),
    routes(run, t),
    quality(run, t, path),
    reasons(run, t),
    eventTimes(run),
    sending(run, t)
  ]
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>TikTok offline conversions: run of ${escapeHtml(formatTime(run.startedAt))}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${sections.join('\n')}
<footer>Written by tiktok-offline-conversions send --html. The numbers are those of <code>--json</code> for the same run. Emails, phone numbers and the access token are never shown. This page loads nothing: no script, no font, no image from elsewhere.</footer>
</main>
</body>
</html>
`
}

type Text = (text: string) => string

function header(run: ReportedRun, t: Text, path: Text): string {
  const facts: Array<[string, string]> = [
    ['Target', t(targetText(run.target, run.targetUrl))],
    ['Inputs', inputs(run, path)],
    ['Started', escapeHtml(formatTime(run.startedAt))],
    ['Duration', `${escapeHtml(formatDuration(run.elapsedMs))} (${number(run.eventsPerSecond)} events read per second)`]
  ]
  if (run.target !== 'dry-run') facts.push(['Credentials', escapeHtml(CREDENTIALS[run.credentialsCheck])])
  if (run.report) facts.push(['Report', `<code>${path(run.report)}</code>`])
  if (run.resume) {
    const { reports, deliveries } = run.resume
    facts.push([
      'Resumed from',
      `${reports.map((report) => `<code>${path(report)}</code>`).join(', ')} (${number(deliveries)} deliveries recorded)`
    ])
  }
  return `<header>
<h1>TikTok offline conversions: run report</h1>
${status(run, t, path)}
<dl class="facts">${facts.map(([term, value]) => `<dt>${term}</dt><dd>${value}</dd>`).join('')}</dl>
</header>`
}

function inputs(run: RunSummary, path: Text): string {
  const named = run.inputs.map((input) => `<code>${path(input === '-' ? 'stdin' : input)}</code>`).join(', ')
  const format = { ndjson: 'NDJSON', 'json-array': 'JSON array', mixed: 'NDJSON and JSON arrays', empty: 'empty' }[
    run.format
  ]
  const gzip = run.gzipFiles > 0 ? `, ${number(run.gzipFiles)} gzip` : ''
  const files = `${number(run.files)} file${run.files === 1 ? '' : 's'}`
  return `${named} (${files}, ${format}${gzip})`
}

function status(run: ReportedRun, t: Text, path: Text): string {
  const stop = run.stopped
  if (!stop) {
    const dry = run.dryRun ? ' (dry run: nothing was sent)' : ''
    return `<p class="banner ok" data-status="completed">The run completed: every event read has an outcome below${dry}.</p>`
  }
  const where = stop.readUpTo
    ? ` Reading stopped after <code>${path(`${stop.readUpTo.file}:${stop.readUpTo.index}`)}</code>${
        stop.filesNotRead > 0
          ? ` (${number(stop.filesNotRead)} more file${stop.filesNotRead === 1 ? '' : 's'} not read)`
          : ''
      }.`
    : ''
  const next = nextStep(run)
  const resume = next ? `<p class="next" data-next-step>${path(next)}</p>` : ''
  return `<div class="banner stopped" data-status="${escapeHtml(stop.reason)}"><p><strong>${STOP_TITLE[stop.reason]}</strong>: ${t(stop.message)}.${where}</p>${resume}</div>`
}

function outcomes(run: ReportedRun): string {
  const tiles = OUTCOMES.map(
    ({ key, label, color }) =>
      `<div class="tile" style="--c:${color}" data-outcome="${key}"><span class="n" data-count="${run[key]}">${number(run[key])}</span>${
        key === 'delivered' && run.dryRun ? 'Delivered (dry run)' : label
      }</div>`
  ).join('')
  const segments: Segment[] = OUTCOMES.map(({ key, label, color }) => ({
    value: run[key],
    color,
    title: `${label}: ${number(run[key])}`
  }))
  const counted = segments.reduce((sum, segment) => sum + segment.value, 0)
  return `<section id="outcomes">
<h2>Outcomes</h2>
<p class="lead">${number(run.eventsRead)} events read; ${number(run.routedEvents)} routed to a preset or mapping, ${number(run.unrouted)} not routed (no subscription takes them: not an error). An event two subscriptions take has an outcome for each.</p>
<div class="tiles">${tiles}</div>
${stackedBar(segments, `Outcomes of ${number(counted)} events`)}
${legend(OUTCOMES.filter(({ key }) => run[key] > 0))}
</section>`
}

function legend(items: ReadonlyArray<{ label: string; color: string }>): string {
  return `<p class="legend">${items.map(({ label, color }) => `<span><i class="swatch" style="--c:${color}"></i>${label}</span>`).join('')}</p>`
}

function routes(run: ReportedRun, t: Text): string {
  if (run.routes.length === 0) return ''
  const largest = Math.max(...run.routes.map((route) => route.events))
  const rows = run.routes.map((route, index) => {
    const shown = ROUTE_OUTCOMES.filter(({ key }) => route[key] > 0)
    const parts = shown
      .map(
        ({ key, label }) =>
          `<span data-route-outcome="${key}" data-count="${route[key]}">${label.toLowerCase()} ${number(route[key])}</span>`
      )
      .join(', ')
    const segments = ROUTE_OUTCOMES.map(({ key, label, color }) => ({
      value: route[key],
      color,
      title: `${label}: ${number(route[key])}`
    }))
    return `<div class="route" data-route-index="${index}">
<p><strong>${t(route.preset)}</strong> → <code>${t(route.action)}</code>: <span class="num" data-route-events="${route.events}">${number(route.events)}</span> events; ${parts}</p>
${stackedBar(segments, `${t(route.preset)}: ${number(route.events)} events`, largest)}
</div>`
  })
  return `<section id="routes">
<h2>By preset and action</h2>
${rows.join('\n')}
</section>`
}

function quality(run: ReportedRun, t: Text, path: Text): string {
  const q = run.quality
  const bars = IDENTIFIERS.map(({ key, label }) => {
    const count: IdentifierCount = q[key]
    return `<div class="share" data-identifier="${key}"><p>${label}: <strong>${number(count.count)}</strong> (${percent(count.share)})</p>${shareBar(count.share, DELIVERED_COLOR, `${label}: ${percent(count.share)}`)}</div>`
  })
  const revenue =
    q.purchases > 0
      ? `<p>Purchases without revenue: <strong>${number(q.purchasesWithoutRevenue)}</strong> of ${number(q.purchases)} purchases delivered.</p>`
      : ''
  const hints =
    q.hints.length > 0
      ? `<ul class="hints">${q.hints.map((hint) => `<li>Hint: ${t(hint)}</li>`).join('')}</ul>`
      : '<p class="muted">No hint: nothing lost that a setting or a mapping could win back.</p>'
  return `<section id="quality">
<h2>Match quality</h2>
<p class="lead">TikTok matches offline events by email and phone number. Of the <strong>${number(q.delivered)}</strong> delivered events:</p>
<div class="shares">${bars.join('')}</div>
${revenue}
${hints}
${dropped(run, t, path)}
${refused(run, t, path)}
</section>`
}

function references(list: readonly InputReference[], path: Text): string {
  if (list.length === 0) return ''
  return `<p class="refs">First at ${list.map(({ file, index }) => `<code>${path(`${file}:${index}`)}</code>`).join(' ')}</p>`
}

function countBar(count: number, largest: number, color: string, label: string): string {
  return stackedBar([{ value: count, color, title: label }], label, largest, 'bar thin')
}

function dropped(run: ReportedRun, t: Text, path: Text): string {
  const list = run.quality.dropped
  if (list.length === 0)
    return '<h3>Values dropped</h3><p class="muted">None: every email, phone number and external ID given was used.</p>'
  const largest = Math.max(...list.map((entry) => entry.count))
  const rows = list.map((entry) => {
    const refs =
      run.references.dropped.find((item) => item.field === entry.field && item.reason === entry.reason)?.references ??
      []
    return `<li data-dropped="${escapeHtml(`${entry.field}/${entry.reason}`)}" data-count="${entry.count}"><p><code>${t(entry.field)}</code> · <code>${t(entry.reason)}</code>: ${t(entry.rule)}: <strong>${number(entry.count)}</strong></p>${countBar(entry.count, largest, '#f9a825', `${number(entry.count)} values`)}${references(refs, path)}</li>`
  })
  return `<h3>Values dropped, by reason</h3>
<p class="muted">Left out of the event, which was sent without them (or refused when nothing usable was left). Where: <code>file:index</code>, the line of an NDJSON file or the element of a JSON array, from 1; the first few of each.</p>
<ul class="reasons">${rows.join('')}</ul>`
}

function refused(run: ReportedRun, t: Text, path: Text): string {
  const list = run.references.refused
  if (list.length === 0) return '<h3>Events refused</h3><p class="muted">None.</p>'
  const largest = Math.max(...list.map((entry) => entry.count))
  const rows = list.map((entry) => {
    const code = entry.reason ?? 'no code'
    const text = entry.reason ? REFUSAL_TEXT[entry.reason] : NO_REFUSAL_CODE
    return `<li data-refused="${t(code)}" data-count="${entry.count}"><p><code>${t(code)}</code>: ${t(text)}: <strong>${number(entry.count)}</strong></p>${countBar(entry.count, largest, REFUSED_COLOR, `${number(entry.count)} events`)}${references(entry.references, path)}</li>`
  })
  return `<h3>Events refused, by reason code</h3>
<ul class="reasons">${rows.join('')}</ul>`
}

function reasons(run: ReportedRun, t: Text): string {
  const groups: Array<[string, readonly ReasonCount[]]> = [
    ['Rejected', run.reasons.rejected],
    ['Failed after retries', run.reasons.failed],
    ['Input errors', run.reasons.inputErrors]
  ]
  const shown = groups.filter(([, list]) => list.length > 0)
  if (shown.length === 0) return ''
  const lists = shown.map(([title, list]) => {
    const top = list.slice(0, 10)
    const rest = list.slice(top.length).reduce((sum, item) => sum + item.count, 0)
    const more =
      rest > 0
        ? `<tr><td class="num">${number(rest)}</td><td>(${number(list.length - top.length)} more reasons: see the report)</td></tr>`
        : ''
    return `<h3>${title}</h3><table class="messages"><tbody>${top
      .map(({ reason, count }) => `<tr><td class="num">${number(count)}</td><td>${t(reason)}</td></tr>`)
      .join('')}${more}</tbody></table>`
  })
  return `<section id="messages">
<h2>Messages</h2>
${lists.join('\n')}
</section>`
}

function eventTimes(run: ReportedRun): string {
  const { days, before, after, refusedWithoutTime } = run.eventTimes
  const segments = (counts: TimeCounts, label: string): Segment[] => [
    { value: counts.delivered, color: DELIVERED_COLOR, title: `${label}: ${number(counts.delivered)} delivered` },
    {
      value: counts.refusedOutsideWindow,
      color: REFUSED_COLOR,
      title: `${label}: ${number(counts.refusedOutsideWindow)} refused as outside the window`
    }
  ]
  const entries = [
    { segments: segments(before, 'Before the window') },
    ...days.map((day) => ({ segments: segments(day, day.day) })),
    { segments: segments(after, 'After the window') }
  ]
  const rows = [['before', before] as const, ...days.map((day) => [day.day, day] as const), ['after', after] as const]
    .filter(([, counts]) => counts.delivered + counts.refusedOutsideWindow > 0)
    .map(
      ([label, counts]) =>
        `<tr><td>${label}</td><td class="num">${number(counts.delivered)}</td><td class="num">${number(counts.refusedOutsideWindow)}</td></tr>`
    )
  const first = days[0]?.day ?? ''
  const last = days[days.length - 1]?.day ?? ''
  const undated =
    refusedWithoutTime > 0
      ? `<p class="muted">${number(refusedWithoutTime)} events refused as outside the window had a time the runner could not place on a day.</p>`
      : ''
  return `<section id="event-times">
<h2>Events by event time</h2>
<p class="lead">One bar per UTC day of TikTok's 28-day window as it stood when the run started (${first} to ${last}), by the events' <code>timestamp</code>, with one bar before and one after: <span class="key" style="--c:${DELIVERED_COLOR}">delivered</span> against <span class="key" style="--c:${REFUSED_COLOR}">refused as outside the window</span>.</p>
${columns(entries, 'Delivered and refused events by day')}
<p class="axis"><span>before the window, then ${first}</span><span>${last}, then after</span></p>
${undated}
<details><summary>Counts by day</summary><table class="days"><thead><tr><th>Day (UTC)</th><th class="num">Delivered</th><th class="num">Outside the window</th></tr></thead><tbody>${rows.join('')}</tbody></table></details>
</section>`
}

function sending(run: ReportedRun, t: Text): string {
  const points = run.timeline.points
  const rates = points.map((point) => point.eventsPerSecond)
  const flights = points.map((point) => point.batchesInFlight)
  const topRate = Math.max(0, ...rates)
  const topFlight = Math.max(0, ...flights)
  const end = points.length > 0 ? points[points.length - 1].atSeconds : 0
  const charts =
    points.length > 0
      ? `<p class="chart-title"><span class="key" style="--c:${RATE_COLOR}">events settled per second</span> (most: ${number(topRate)})</p>
${line(rates, topRate, RATE_COLOR, 'Events settled per second')}
<p class="chart-title"><span class="key" style="--c:${IN_FLIGHT_COLOR}">batches in flight</span> (most: ${number(topFlight)})</p>
${steps(flights, topFlight, IN_FLIGHT_COLOR, 'Batches in flight')}
<p class="axis"><span>0 s</span><span>${escapeHtml(formatDuration(end * 1000))}</span></p>`
      : '<p class="muted">Nothing was sent.</p>'
  const statuses = Object.entries(run.httpStatuses)
    .map(([code, count]) => `${t(code)}×${number(count)}`)
    .join(' ')
  const sandbox = run.sandbox
    ? `<dt>Sandbox</dt><dd>${number(run.sandbox.acceptedEvents)} events accepted; ${number(run.sandbox.uniqueEventIds)} unique event IDs, ${number(run.sandbox.duplicateEventIds)} sent more than once</dd>`
    : ''
  return `<section id="sending">
<h2>Sending</h2>
<p class="lead">One point per ${number(run.timeline.intervalSeconds)} s of the run.</p>
${charts}
<dl class="facts"><dt>HTTP requests</dt><dd>${number(run.httpRequests)}${statuses ? ` (answers: ${statuses})` : ''}</dd><dt>Re-sends</dt><dd>${number(run.retried)}</dd>${sandbox}</dl>
</section>`
}
