import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough, Readable } from 'node:stream'
import { startSandbox, type Sandbox } from '../../sandbox/server'
import { InputOutputError, UsageError } from '../errors'
import type { ReportLine } from '../report'
import { runSend, type RunSendOptions } from '../run-send'
import { freshSample, readReport } from './helpers'

/** The sample file, dated for today (see samples/fresh-dates.ts), and its lines. */
let SAMPLE: string
let SAMPLE_LINES: string[]

/** What the sample file holds: 60 lines, 54 conversions TikTok takes, and these six that it cannot. */
const EXPECTED_PROBLEMS: Record<number, Pick<ReportLine, 'outcome' | 'status' | 'preset' | 'error'>> = {
  18: {
    outcome: 'rejected',
    status: 400,
    preset: 'Submit Form',
    error:
      'email_addresses, phone_numbers: no usable email address or phone number; TikTok matches offline events by email or phone only, so an external ID alone cannot be matched'
  },
  27: {
    outcome: 'rejected',
    status: 400,
    preset: 'Complete Payment',
    error: 'currency: must be a 3-letter ISO 4217 code, such as USD'
  },
  34: {
    outcome: 'rejected',
    status: 400,
    preset: 'Contact',
    error: 'timestamp: must be an ISO 8601 date (UTC when it has no offset) or a Unix time in seconds or milliseconds'
  },
  42: { outcome: 'input-error', status: 400, preset: null, error: 'input: not valid JSON' },
  49: {
    outcome: 'rejected',
    status: 400,
    preset: 'Complete Payment',
    error: 'currency: required when value is given; TikTok reports a value only with its ISO 4217 currency code'
  },
  57: { outcome: 'unrouted', status: 0, preset: null, error: 'not routed: no subscription matches this event' }
}
const DELIVERABLE = 54

let dir: string
let sandbox: Sandbox
const quiet: Partial<RunSendOptions> = { progress: false, retry: { baseDelayMs: 1, maxDelayMs: 5 } }

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'runner-send-'))
  SAMPLE = freshSample(dir)
  SAMPLE_LINES = readFileSync(SAMPLE, 'utf8').trimEnd().split('\n')
  sandbox = await startSandbox()
})
afterAll(async () => {
  await sandbox.close()
  rmSync(dir, { recursive: true, force: true })
})
beforeEach(() => sandbox.reset())

describe('send: the sample file against a running sandbox', () => {
  it('gives every input line exactly one outcome: accepted once by event_id, or reported with a reason', async () => {
    const report = join(dir, 'sample-report.ndjson')
    const environment = { ...process.env }
    const summary = await runSend({ ...quiet, inputs: [SAMPLE], sandboxUrl: sandbox.url, report })
    // The destination is pointed at the sandbox through its request client, never through the environment.
    expect(process.env).toEqual(environment)

    const lines = readReport(report)
    expect(lines.map((line) => line.index)).toEqual(SAMPLE_LINES.map((_, i) => i + 1))
    expect(new Set(lines.map((line) => line.file))).toEqual(new Set([SAMPLE]))

    const problems: Record<number, unknown> = {}
    for (const line of lines) {
      if (line.outcome === 'delivered') {
        expect(line).toMatchObject({ status: 200, error: null, attempts: 1 })
        expect(line.action).toMatch(/^track(Non)?PaymentOfflineConversion$/)
        expect(sandbox.acceptedCount(line.eventId ?? '')).toBe(1)
      } else {
        problems[line.index] = { outcome: line.outcome, status: line.status, preset: line.preset, error: line.error }
        if (line.messageId) expect(sandbox.acceptedCount(line.messageId)).toBe(0)
      }
    }
    expect(problems).toEqual(EXPECTED_PROBLEMS)
    // US numbers written without +1 (no Default Phone Country): left out of the event and said so, by position.
    const noCountry = ['phone_numbers[0]: no country code and no Default Phone Country']
    const withDropped = lines.filter((line) => line.dropped).sort((a, b) => a.index - b.index)
    expect(withDropped.map((line) => [line.index, line.dropped])).toEqual(
      [2, 5, 6, 16, 21, 30, 33, 36, 56].map((index) => [index, noCountry])
    )

    const stats = sandbox.stats()
    expect(stats).toMatchObject({
      acceptedEvents: DELIVERABLE,
      uniqueEventIds: DELIVERABLE,
      duplicateEventIds: 0,
      acceptedEventsWithoutId: 0,
      // The credentials check: a request with no events, which the sandbox (like TikTok) refuses for that.
      rejected: { '40002': 1 }
    })
    expect(summary).toMatchObject({
      target: 'sandbox-url',
      targetUrl: sandbox.url,
      inputs: [SAMPLE],
      files: 1,
      gzipFiles: 0,
      format: 'ndjson',
      credentialsCheck: 'accepted',
      eventsRead: 60,
      inputErrors: 1,
      messageIdsGenerated: 1,
      unrouted: 1,
      routedEvents: 58,
      delivered: DELIVERABLE,
      skipped: 0,
      rejected: 4,
      failed: 0,
      notSent: 0,
      unknown: 0,
      retried: 0,
      httpRequests: stats.requests,
      httpStatuses: { '200': stats.requests },
      sandbox: {
        acceptedEvents: DELIVERABLE,
        uniqueEventIds: DELIVERABLE,
        duplicateEventIds: 0,
        requests: stats.requests
      },
      report
    })
    expect(summary.delivered + summary.rejected + summary.failed + summary.unrouted + summary.inputErrors).toBe(
      SAMPLE_LINES.length
    )
    expect(summary.stopped).toBeUndefined()
    expect(
      summary.routes.map(({ preset, events, delivered, rejected, failed }) => [
        preset,
        events,
        delivered,
        rejected,
        failed
      ])
    ).toEqual([
      ['Complete Payment', 19, 17, 2, 0],
      ['Contact', 11, 10, 1, 0],
      ['Submit Form', 9, 8, 1, 0],
      ['Subscribe', 7, 7, 0, 0],
      ['Complete Registration', 6, 6, 0, 0],
      ['Add to Cart', 3, 3, 0, 0],
      ['Initiate Checkout', 3, 3, 0, 0]
    ])

    const generated = lines.filter((line) => line.messageIdGenerated)
    expect(generated).toHaveLength(1)
    expect(generated[0]).toMatchObject({ index: 10, outcome: 'delivered', preset: 'Complete Registration' })
    expect(generated[0].messageId).toMatch(/^runner-[0-9a-f]{32}$/)

    // Every request held hashed identifiers only, and the report holds none of the raw values.
    for (const { event } of sandbox.events()) {
      for (const hash of [
        ...(event.user.email ?? []),
        ...(event.user.phone ?? []),
        ...(event.user.external_id ?? [])
      ]) {
        expect(hash).toMatch(/^[0-9a-f]{64}$/)
      }
    }
    const reportText = readFileSync(report, 'utf8')
    expect(reportText).not.toMatch(/@example\./i)
    expect(reportText).not.toMatch(/555[\s.-]?01\d\d/)
  })

  it('sends it again with the same event_ids, so TikTok de-duplicates a re-run', async () => {
    await runSend({ ...quiet, inputs: [SAMPLE], sandboxUrl: sandbox.url })
    await runSend({ ...quiet, inputs: [SAMPLE], sandboxUrl: sandbox.url })
    expect(sandbox.stats()).toMatchObject({ acceptedEvents: 2 * DELIVERABLE, uniqueEventIds: DELIVERABLE })
    expect([...sandbox.eventIdCounts().values()].every((count) => count === 2)).toBe(true)
  })

  it('gives the same outcomes in small batches run concurrently', async () => {
    const summary = await runSend({ ...quiet, inputs: [SAMPLE], sandboxUrl: sandbox.url, batchSize: 3, concurrency: 8 })
    expect(summary).toMatchObject({ eventsRead: 60, delivered: DELIVERABLE, rejected: 4, unrouted: 1, inputErrors: 1 })
    expect(sandbox.stats()).toMatchObject({ acceptedEvents: DELIVERABLE, uniqueEventIds: DELIVERABLE })
  })

  it('reads the same events as a JSON array, numbering elements', async () => {
    const path = join(dir, 'sample.json')
    const elements = SAMPLE_LINES.map((line, i) => (i === 41 ? JSON.stringify('{"broken": ') : line))
    writeFileSync(path, `[\n${elements.join(',\n')}\n]\n`)
    const report = join(dir, 'array-report.ndjson')
    const summary = await runSend({ ...quiet, inputs: [path], sandboxUrl: sandbox.url, report })
    expect(summary).toMatchObject({
      format: 'json-array',
      eventsRead: 60,
      delivered: DELIVERABLE,
      rejected: 4,
      unrouted: 1,
      inputErrors: 1
    })
    expect(readReport(report).find((line) => line.index === 42)).toMatchObject({
      outcome: 'input-error',
      error: 'input: not a JSON object (got a string)'
    })
  })

  it('reads stdin for "-"', async () => {
    const report = join(dir, 'stdin-report.ndjson')
    const summary = await runSend({
      ...quiet,
      inputs: ['-'],
      stdin: Readable.from([Buffer.from(SAMPLE_LINES.slice(0, 10).join('\n'))]),
      sandboxUrl: sandbox.url,
      report
    })
    expect(summary).toMatchObject({ inputs: ['-'], files: 1, eventsRead: 10, delivered: 10 })
    expect(new Set(readReport(report).map((line) => line.file))).toEqual(new Set(['stdin']))
  })

  it('runs a custom action and mapping instead of the presets', async () => {
    const mappingFile = join(dir, 'contact.json')
    writeFileSync(
      mappingFile,
      JSON.stringify({
        event: 'Contact',
        event_id: { '@path': '$.messageId' },
        timestamp: { '@path': '$.timestamp' },
        phone_numbers: { '@path': '$.context.traits.phone' },
        external_ids: { '@path': '$.userId' }
      })
    )
    const summary = await runSend({
      ...quiet,
      inputs: [SAMPLE],
      sandboxUrl: sandbox.url,
      action: 'trackNonPaymentOfflineConversion',
      mappingFile,
      subscribe: 'type = "track" and event = "Callback Started"',
      defaultPhoneCountry: 'us'
    })
    expect(summary).toMatchObject({
      eventsRead: 60,
      routedEvents: 11,
      delivered: 10,
      rejected: 1,
      unrouted: 48,
      inputErrors: 1
    })
    expect(summary.routes).toEqual([
      {
        preset: 'custom',
        action: 'trackNonPaymentOfflineConversion',
        events: 11,
        delivered: 10,
        skipped: 0,
        rejected: 1,
        failed: 0,
        notSent: 0,
        unknown: 0
      }
    ])
    expect(new Set(sandbox.events().map(({ event }) => event.event))).toEqual(new Set(['Contact']))
  })
})

describe('send: the built-in sandbox, faults and retries', () => {
  it('starts its own sandbox when no credentials are given, and says what it accepted', async () => {
    const summary = await runSend({ ...quiet, inputs: [SAMPLE] })
    expect(summary.target).toBe('sandbox')
    expect(summary.targetUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(summary.sandbox).toMatchObject({
      acceptedEvents: DELIVERABLE,
      uniqueEventIds: DELIVERABLE,
      duplicateEventIds: 0
    })
  })

  it('retries through injected faults until every event is accepted exactly once', async () => {
    const report = join(dir, 'faults-report.ndjson')
    const summary = await runSend({
      ...quiet,
      inputs: [SAMPLE],
      report,
      batchSize: 4,
      sandbox: {
        seed: 7,
        serverErrorRate: 0.2,
        http5xxRate: 0.15,
        dropConnectionRate: 0.1,
        malformedBodyRate: 0.1
      },
      retry: { maxRetries: 20, baseDelayMs: 1, maxDelayMs: 2 }
    })
    expect(summary).toMatchObject({ delivered: DELIVERABLE, rejected: 4, failed: 0, unrouted: 1, inputErrors: 1 })
    expect(summary.retried).toBeGreaterThan(0)
    expect(summary.sandbox).toMatchObject({
      acceptedEvents: DELIVERABLE,
      uniqueEventIds: DELIVERABLE,
      duplicateEventIds: 0
    })
    expect(Object.keys(summary.sandbox?.faults ?? {}).length).toBeGreaterThan(1)
    const lines = readReport(report)
    const retried = lines.filter((line) => line.attempts > 1)
    expect(retried.length).toBeGreaterThan(0)
    expect(retried.every((line) => line.outcome === 'delivered')).toBe(true)
    expect(lines.reduce((sum, line) => sum + Math.max(0, line.attempts - 1), 0)).toBe(summary.retried)
  })

  it('reports what still fails after the last retry, with its last status and message', async () => {
    const report = join(dir, 'failing-report.ndjson')
    const summary = await runSend({
      ...quiet,
      inputs: [SAMPLE],
      report,
      authCheck: false,
      sandbox: { http5xxRate: 1 },
      retry: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 1 }
    })
    expect(summary).toMatchObject({ delivered: 0, rejected: 4, failed: DELIVERABLE, retried: 2 * DELIVERABLE })
    expect(summary.reasons.failed).toEqual([
      { reason: 'TikTok answered HTTP 503: Service Unavailable', count: DELIVERABLE }
    ])
    const failed = readReport(report).filter((line) => line.outcome === 'failed')
    expect(failed).toHaveLength(DELIVERABLE)
    for (const line of failed) {
      expect(line).toMatchObject({ status: 503, attempts: 3 })
      expect(line.error).toMatch(/^TikTok answered HTTP 503: Service Unavailable \(request_id \w+\)$/)
    }
  })

  it('waits as long as a Retry-After asks before re-sending', async () => {
    const waits: number[] = []
    const summary = await runSend({
      ...quiet,
      inputs: ['-'],
      stdin: Readable.from([SAMPLE_LINES[0]]),
      authCheck: false,
      sandbox: { http429Rate: 1 },
      retry: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 1 },
      sleep: async (ms) => void waits.push(ms)
    })
    expect(summary).toMatchObject({ failed: 1, retried: 2, httpStatuses: { '429': 3 } })
    expect(waits).toHaveLength(2)
    for (const ms of waits) expect(ms).toBeGreaterThan(900)
  })
})

describe('send --dry-run', () => {
  it('prints the hashed request bodies and sends nothing anywhere', async () => {
    const output = new PassThrough()
    const chunks: Buffer[] = []
    output.on('data', (chunk: Buffer) => chunks.push(chunk))
    const summary = await runSend({ ...quiet, inputs: [SAMPLE], dryRun: true, output, sandboxUrl: sandbox.url })
    const bodies = Buffer.concat(chunks)
      .toString('utf8')
      .trimEnd()
      .split('\n')
      .map(
        (text) =>
          JSON.parse(text) as { event_source: string; data: Array<{ event_id: string; user: Record<string, unknown> }> }
      )
    expect(summary).toMatchObject({
      target: 'dry-run',
      credentialsCheck: 'none',
      dryRun: true,
      delivered: DELIVERABLE,
      rejected: 4,
      httpRequests: bodies.length
    })
    expect(bodies.every((body) => body.event_source === 'offline')).toBe(true)
    expect(bodies.flatMap((body) => body.data)).toHaveLength(DELIVERABLE)
    expect(Buffer.concat(chunks).toString('utf8')).not.toMatch(/@example\.|555[\s.-]?01\d\d/i)
    expect(sandbox.stats().requests).toBe(0)
  })
})

describe('send: usage and I/O errors', () => {
  it.each<[string, Partial<RunSendOptions>, typeof UsageError | typeof InputOutputError, RegExp]>([
    [
      'a missing file',
      { inputs: ['/no/such/file.ndjson'] },
      InputOutputError,
      /^cannot read \/no\/such\/file\.ndjson: no such file or directory \(ENOENT\)$/
    ],
    ['no input', { inputs: [] }, UsageError, /^send needs at least one file, folder, or "-" for stdin$/],
    ['stdin twice', { inputs: ['-', '-'] }, UsageError, /^"-" \(stdin\) can be read only once$/],
    [
      'one credential only',
      { accessToken: 'token', sandboxUrl: undefined },
      UsageError,
      /give both --access-token and --event-set-id/
    ],
    ['an unknown action', { action: 'nope', mapping: {} }, UsageError, /unknown action "nope"/],
    ['--action without --mapping', { action: 'trackPaymentOfflineConversion' }, UsageError, /--action needs --mapping/],
    ['--mapping without --action', { mapping: { event: 'x' } }, UsageError, /--mapping needs --action/],
    [
      'a missing mapping file',
      { action: 'trackPaymentOfflineConversion', mappingFile: '/no/mapping.json' },
      InputOutputError,
      /cannot read the mapping/
    ],
    ['a bad phone country', { defaultPhoneCountry: 'Narnia' }, UsageError, /not an ISO 3166 alpha-2/],
    ['batch size 0', { batchSize: 0 }, UsageError, /batch size/],
    [
      'a report in a missing directory',
      { report: '/no/such/dir/report.ndjson' },
      InputOutputError,
      /cannot write the report/
    ],
    ['a sandbox URL that is not one', { sandboxUrl: 'not a url' }, UsageError, /--sandbox-url/],
    [
      'an API URL that is not one',
      { apiUrl: 'ftp://x', accessToken: 't', eventSetId: 'e', sandboxUrl: undefined },
      UsageError,
      /^--api-url: must be an http\(s\) URL$/
    ],
    [
      'two targets',
      { apiUrl: 'http://127.0.0.1:1', sandboxUrl: 'http://127.0.0.1:2' },
      UsageError,
      /choose one target/
    ],
    [
      'a report that is also a resume report',
      { report: '/tmp/r.ndjson', resume: ['/tmp/r.ndjson'] },
      UsageError,
      /is also a --resume report/
    ],
    [
      'a missing resume report',
      { resume: ['/no/such/report.ndjson'] },
      InputOutputError,
      /^cannot read the report \/no\/such\/report\.ndjson \(--resume\)/
    ]
  ])('throws for %s, before sending anything', async (_, options, type, message) => {
    const run = runSend({ ...quiet, inputs: [SAMPLE], sandboxUrl: sandbox.url, ...options })
    await expect(run).rejects.toThrow(type)
    await expect(runSend({ ...quiet, inputs: [SAMPLE], sandboxUrl: sandbox.url, ...options })).rejects.toThrow(message)
    expect(sandbox.stats().requests).toBe(0)
  })

  it('throws for an empty folder', async () => {
    const empty = join(dir, 'empty-folder')
    mkdirSync(empty, { recursive: true })
    await expect(runSend({ ...quiet, inputs: [empty] })).rejects.toThrow(
      new InputOutputError(`cannot read ${empty}: the folder holds no files`)
    )
  })

  it('throws a usage error for mapping JSON that does not parse', async () => {
    const mappingFile = join(dir, 'bad.json')
    writeFileSync(mappingFile, '{"event": ')
    await expect(
      runSend({ ...quiet, inputs: [SAMPLE], action: 'trackPaymentOfflineConversion', mappingFile })
    ).rejects.toThrow(/the mapping .*bad\.json is not valid JSON/)
  })

  it('never crashes on bad input events', async () => {
    const path = join(dir, 'junk.ndjson')
    writeFileSync(
      path,
      [
        '{',
        '[]',
        'null',
        '{"type": 5}',
        '{"type": "track", "context": null}',
        '{"type":"track","event":"Order Completed","properties":null,"context":{"traits":null}}',
        '\u0000\u0001'
      ].join('\n')
    )
    const summary = await runSend({ ...quiet, inputs: [path], sandboxUrl: sandbox.url })
    expect(summary).toMatchObject({ eventsRead: 7, inputErrors: 6, rejected: 1, delivered: 0 })
  })
})
