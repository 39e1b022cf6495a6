import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { InputOutputError } from '../errors'
import { ReportWriter, classifyStatus, type ReportLine } from '../report'
import { SummaryCollector, reasonKey } from '../summary-collector'
import { formatSummary } from '../summary-format'

let dir: string
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'runner-report-'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const line = (overrides: Partial<ReportLine>): ReportLine => ({
  file: 'events.ndjson',
  index: 1,
  messageId: 'm1',
  action: 'trackPaymentOfflineConversion',
  preset: 'Complete Payment',
  status: 200,
  outcome: 'delivered',
  error: null,
  attempts: 1,
  ...overrides
})

describe('classifyStatus', () => {
  it.each([
    [200, 'delivered'],
    [201, 'delivered'],
    [400, 'rejected'],
    [401, 'rejected'],
    [413, 'rejected'],
    [408, 'failed'],
    [429, 'failed'],
    [500, 'failed'],
    [503, 'failed']
  ])('%i is %s', (status, outcome) => expect(classifyStatus(status)).toBe(outcome))
})

describe('ReportWriter', () => {
  it('writes one JSON line per report line, in the order given', async () => {
    const path = join(dir, 'report.ndjson')
    const writer = await ReportWriter.open(path)
    await writer.write([
      line({ index: 3 }),
      line({
        index: 1,
        messageId: null,
        status: 400,
        outcome: 'input-error',
        error: 'input: not valid JSON',
        action: null,
        preset: null,
        attempts: 0
      })
    ])
    await writer.write([])
    await writer.write([line({ index: 2, messageIdGenerated: true, messageId: 'runner-abc' })])
    await writer.close()
    const lines = readFileSync(path, 'utf8').split('\n')
    expect(lines.pop()).toBe('')
    expect(lines.map((text) => JSON.parse(text) as ReportLine)).toEqual([
      line({ index: 3 }),
      line({
        index: 1,
        messageId: null,
        status: 400,
        outcome: 'input-error',
        error: 'input: not valid JSON',
        action: null,
        preset: null,
        attempts: 0
      }),
      line({ index: 2, messageIdGenerated: true, messageId: 'runner-abc' })
    ])
    expect(Object.keys(JSON.parse(lines[0]) as object)).toEqual([
      'file',
      'index',
      'messageId',
      'action',
      'preset',
      'status',
      'outcome',
      'error',
      'attempts'
    ])
  })

  it('waits for the file when the stream is full (many lines), losing none', async () => {
    const path = join(dir, 'big.ndjson')
    const writer = await ReportWriter.open(path)
    for (let batch = 0; batch < 50; batch++) {
      await writer.write(
        Array.from({ length: 1000 }, (_, i) => line({ index: batch * 1000 + i + 1, messageId: `m-${'x'.repeat(40)}` }))
      )
    }
    await writer.close()
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n')
    expect(lines).toHaveLength(50_000)
    expect((JSON.parse(lines[49_999]) as ReportLine).index).toBe(50_000)
  })

  it('fails at once, as an I/O error, when the file cannot be written', async () => {
    await expect(ReportWriter.open(join(dir, 'no-such-dir', 'report.ndjson'))).rejects.toThrow(InputOutputError)
    await expect(ReportWriter.open(join(dir, 'no-such-dir', 'report.ndjson'))).rejects.toThrow(
      /cannot write the report/
    )
  })
})

describe('reasonKey', () => {
  it('leaves out request IDs and positions so alike errors group', () => {
    expect(reasonKey('TikTok refused the request: Invalid access token (code 40105, request_id 20261127AB12)')).toBe(
      'TikTok refused the request: Invalid access token (code 40105)'
    )
    expect(reasonKey('TikTok answered HTTP 503: Service Unavailable (request_id 20261127CD34)')).toBe(
      'TikTok answered HTTP 503: Service Unavailable'
    )
    expect(reasonKey('TikTok refused the request: data[17].user.email[0]: must be a SHA-256 hash (code 40002)')).toBe(
      'TikTok refused the request: data[i].user.email[0]: must be a SHA-256 hash (code 40002)'
    )
  })
})

describe('SummaryCollector', () => {
  it('counts outcomes, routes and reasons (most common first)', () => {
    const collector = new SummaryCollector()
    const record = (overrides: Partial<ReportLine>, routed = true): void => {
      collector.countEvent({ routed, messageIdGenerated: overrides.messageIdGenerated })
      collector.record(line(overrides))
    }
    record({})
    record({ messageIdGenerated: true })
    record({ status: 400, outcome: 'rejected', error: 'currency: bad' })
    record({ status: 503, outcome: 'failed', error: 'TikTok answered HTTP 503 (request_id A1)', attempts: 6 })
    record({ status: 503, outcome: 'failed', error: 'TikTok answered HTTP 503 (request_id B2)', attempts: 6 })
    record({ status: 429, outcome: 'failed', error: 'rate limited', attempts: 6 })
    record({ preset: 'Contact', action: 'trackNonPaymentOfflineConversion' })
    record({ status: 0, outcome: 'unrouted', error: 'not routed', action: null, preset: null, attempts: 0 }, false)
    record(
      { status: 400, outcome: 'input-error', error: 'input: not valid JSON', action: null, preset: null, attempts: 0 },
      false
    )
    collector.countResends(15)
    for (let request = 0; request < 9; request++) collector.countRequest()
    collector.countStatus(200)
    collector.countStatus(503)
    collector.countStatus(503)

    const summary = collector.summary({
      target: 'sandbox',
      targetUrl: 'http://127.0.0.1:1',
      inputs: ['events.ndjson'],
      files: 1,
      gzipFiles: 0,
      format: 'ndjson',
      credentialsCheck: 'accepted',
      elapsedMs: 2000,
      dryRun: false
    })
    expect(summary).toMatchObject({
      eventsRead: 9,
      inputErrors: 1,
      messageIdsGenerated: 1,
      unrouted: 1,
      routedEvents: 7,
      delivered: 3,
      rejected: 1,
      failed: 3,
      retried: 15,
      httpRequests: 9,
      httpStatuses: { '200': 1, '503': 2 },
      eventsPerSecond: 5
    })
    const route = { skipped: 0, rejected: 0, failed: 0, notSent: 0, unknown: 0 }
    expect(summary.routes).toEqual([
      {
        ...route,
        preset: 'Complete Payment',
        action: 'trackPaymentOfflineConversion',
        events: 6,
        delivered: 2,
        rejected: 1,
        failed: 3
      },
      { ...route, preset: 'Contact', action: 'trackNonPaymentOfflineConversion', events: 1, delivered: 1 }
    ])
    expect(summary.reasons).toEqual({
      inputErrors: [{ reason: 'input: not valid JSON', count: 1 }],
      rejected: [{ reason: 'currency: bad', count: 1 }],
      failed: [
        { reason: 'TikTok answered HTTP 503', count: 2 },
        { reason: 'rate limited', count: 1 }
      ]
    })

    const text = formatSummary(summary)
    for (const expected of [
      /^Target: the built-in TikTok sandbox .* at http:\/\/127\.0\.0\.1:1$/m,
      /^Events read +9 {2}events\.ndjson \(NDJSON\)$/m,
      /^Credentials {2,}accepted \(checked before sending/m,
      /^ {2}not routed +1 /m,
      /^ {4}Complete Payment +6 {2}→ trackPaymentOfflineConversion: delivered 2, rejected 1, failed 3$/m,
      /^Delivered +3$/m,
      /^Rejected +1$/m,
      /^ +2 {4}TikTok answered HTTP 503$/m,
      /^Failed after retries +3$/m,
      /^Retried \(re-sends\) +15$/m,
      /^HTTP requests +9 {2}answers: 200×1 503×2$/m
    ]) {
      expect(text).toMatch(expected)
    }
  })
})
