import { droppedValue } from '../../../destinations/tiktok-offline-conversions/reasons'
import { escapeHtml, formatDuration, renderHtmlReport } from '../render'
import { RunSeries, SeriesCollector, type ReportedRun } from '../series'
import { delivered, reportLine } from './fixtures'

const TOKEN = 'tok_Secret_12345'
const EMAIL = 'jane.doe@example.com'
const PHONE = '+1 415 555 0134'

const facts = delivered
const line = reportLine

/** A run through the real collectors: 3 delivered, 1 rejected as outside the window, 1 with a message holding PII. */
function run(overrides: Partial<ReportedRun> = {}): ReportedRun {
  const started = Date.now() - 1500
  const series = new RunSeries(started)
  const collector = new SeriesCollector(series)
  const anHourAgo = new Date(Date.now() - 3_600_000).toISOString()
  for (const index of [1, 2, 3]) {
    collector.countEvent({ routed: true })
    collector.record(line(index, 'delivered'), {
      delivery: facts(index === 2 ? [droppedValue('phone_numbers', 1, 'no_country_code')] : []),
      timestamp: anHourAgo
    })
  }
  collector.countEvent({ routed: true })
  collector.record(line(4, 'rejected', { error: 'timestamp: outside the window' }), {
    refusal: { reason: 'outside_time_window', dropped: [] },
    timestamp: new Date(Date.now() - 40 * 86_400_000).toISOString()
  })
  collector.countEvent({ routed: true })
  collector.record(
    line(5, 'rejected', {
      error: `TikTok refused ${EMAIL} and ${PHONE} with token ${TOKEN}`,
      preset: '<b>"Odd" & \'x\'</b>'
    })
  )
  const summary = collector.summary({
    target: 'tiktok',
    targetUrl: 'https://business-api.tiktok.com',
    inputs: ['events.ndjson'],
    files: 1,
    gzipFiles: 0,
    format: 'ndjson',
    credentialsCheck: 'accepted',
    elapsedMs: 1500,
    report: 'report.ndjson',
    dryRun: false
  })
  return { ...series.attach(summary), ...overrides }
}

describe('renderHtmlReport', () => {
  it('shows each outcome of the summary with its number, marked for tests', () => {
    const data = run()
    const html = renderHtmlReport(data)
    const shown = [...html.matchAll(/data-outcome="(\w+)"><span class="n" data-count="(\d+)">([\d,]+)</g)].map(
      (match) => [match[1], Number(match[2]), match[3]]
    )
    expect(shown).toEqual([
      ['delivered', 3, '3'],
      ['rejected', 2, '2'],
      ['failed', 0, '0'],
      ['notSent', 0, '0'],
      ['unknown', 0, '0'],
      ['inputErrors', 0, '0'],
      ['skipped', 0, '0']
    ])
    expect(data.delivered).toBe(3)
    expect(data.rejected).toBe(2)
  })

  it('escapes every text and never shows an email, a phone number or the token', () => {
    const html = renderHtmlReport(run(), { secrets: [TOKEN] })
    expect(html).toContain('<strong>&#60;b&#62;&#34;Odd&#34; &#38; &#39;x&#39;&#60;/b&#62;</strong>')
    expect(html).not.toContain('<b>')
    expect(html).toContain('TikTok refused [redacted] and [redacted] with token [redacted]')
    for (const secret of [EMAIL, PHONE, TOKEN, '415 555', 'example.com']) expect(html).not.toContain(secret)
  })

  it('redacts the token wherever it appears, file names and the target included', () => {
    const html = renderHtmlReport(
      run({ inputs: [`exports/${TOKEN}.ndjson`], targetUrl: `https://proxy.example/?t=${TOKEN}` }),
      { secrets: [TOKEN] }
    )
    expect(html).toContain('<code>exports/[redacted].ndjson</code>')
    expect(html).not.toContain(TOKEN)
  })

  it('shows file names as the summary and the report do: a date in a path is not taken for a phone number', () => {
    const html = renderHtmlReport(run({ inputs: ['archive/2026-11-27/00.gz'] }), { secrets: [TOKEN] })
    expect(html).toContain('<code>archive/2026-11-27/00.gz</code>')
  })

  it('loads nothing: no script, no link, no external URL in an attribute or the stylesheet', () => {
    const html = renderHtmlReport(run())
    expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\(|\ssrc=|\shref=/i)
    // The only URLs are the SVG namespace and the target named in the text.
    expect(new Set([...html.matchAll(/https?:\/\/[^\s"<)]+/g)].map((match) => match[0]))).toEqual(
      new Set(['http://www.w3.org/2000/svg', 'https://business-api.tiktok.com'])
    )
  })

  it('shows the target, the inputs, the start and the duration', () => {
    const data = run()
    const html = renderHtmlReport(data)
    expect(html).toContain('<dt>Target</dt><dd>TikTok at https://business-api.tiktok.com</dd>')
    expect(html).toContain('<dt>Inputs</dt><dd><code>events.ndjson</code> (1 file, NDJSON)</dd>')
    const started = `${data.startedAt.slice(0, 10)} ${data.startedAt.slice(11, 19)} UTC`
    expect(html).toContain(`<dt>Started</dt><dd>${started}</dd>`)
    expect(html).toContain('<dt>Duration</dt><dd>1.50 s (3 events read per second)</dd>')
    expect(html).toContain('data-status="completed"')
  })

  it('says when the run was interrupted, where reading stopped, and the --resume command', () => {
    const html = renderHtmlReport(
      run({
        stopped: {
          reason: 'interrupted',
          message: 'interrupted by SIGINT',
          readUpTo: { file: 'archive/a.ndjson', index: 381 },
          filesNotRead: 2
        }
      })
    )
    expect(html).toContain(
      '<div class="banner stopped" data-status="interrupted"><p><strong>The run was interrupted</strong>: interrupted by SIGINT. Reading stopped after <code>archive/a.ndjson:381</code> (2 more files not read).</p>'
    )
    expect(html).toContain(
      '<p class="next" data-next-step>To continue: run the same command with --resume report.ndjson (and another --report file): events delivered so far are skipped.</p>'
    )
    expect(html).not.toContain('data-status="completed"')
  })

  it('shows the dropped values and refused events by reason code, with where they are', () => {
    const html = renderHtmlReport(run())
    expect(html).toContain(
      '<li data-dropped="phone_numbers/no_country_code" data-count="1"><p><code>phone_numbers</code> · <code>no_country_code</code>: no country code and no Default Phone Country: <strong>1</strong></p>'
    )
    expect(html).toContain('<p class="refs">First at <code>events.ndjson:2</code></p>')
    expect(html).toContain(
      `<li data-refused="outside_time_window" data-count="1"><p><code>outside_time_window</code>: outside TikTok&#39;s window (28 days ago to 5 minutes ahead): <strong>1</strong></p>`
    )
    expect(html).toContain('<p class="refs">First at <code>events.ndjson:4</code></p>')
    expect(html).toContain('<li data-refused="no code" data-count="1">')
    expect(html).toContain(
      '<li>Hint: 1 phone number had no country code: add --default-phone-country with their country (an ISO code such as US)</li>'
    )
  })

  it('draws the events by day: the delivered today, the refused before the window', () => {
    const data = run()
    expect(data.eventTimes.before).toEqual({ delivered: 0, refusedOutsideWindow: 1 })
    const html = renderHtmlReport(data)
    expect(html).toContain('<title>Before the window: 1 refused as outside the window</title>')
    const anHourAgo = new Date(Date.now() - 3_600_000).toISOString().slice(0, 10)
    expect(html).toContain(`<title>${anHourAgo}: 3 delivered</title>`)
    expect(html).toContain(`<tr><td>${anHourAgo}</td><td class="num">3</td><td class="num">0</td></tr>`)
  })

  it('draws the sending timeline, one point per interval', () => {
    const data = run()
    expect(data.timeline.points).toHaveLength(1)
    const html = renderHtmlReport(data)
    expect(html).toContain('<p class="lead">One point per 2 s of the run.</p>')
    expect(html).toContain('aria-label="Events settled per second"')
    expect(html).toContain('aria-label="Batches in flight"')
  })
})

describe('escapeHtml', () => {
  it('escapes the five characters that matter in text and attributes', () => {
    expect(escapeHtml(`<a href="x">Tom & 'Jerry'</a>`)).toBe(
      '&#60;a href=&#34;x&#34;&#62;Tom &#38; &#39;Jerry&#39;&#60;/a&#62;'
    )
  })
})

describe('formatDuration', () => {
  it('says a duration in a few words', () => {
    expect(formatDuration(280)).toBe('0.28 s')
    expect(formatDuration(59_994)).toBe('59.99 s')
    expect(formatDuration(245_000)).toBe('4 min 05 s')
    expect(formatDuration(7_380_000)).toBe('2 h 03 min')
  })
})
