/**
 * The README's fault matrix, row by row: what TikTok (the sandbox, or nock
 * where the sandbox cannot produce the answer) does, the outcome the
 * destination gives each event, and what the runner does with it. In every
 * row each event ends accepted exactly once by event_id, or reported.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import nock from 'nock'
import { startSandbox, type Sandbox, type SandboxOptions } from '../../sandbox/server'
import { EXIT_FAILURE, exitStatus } from '../exit-status'
import type { ReportLine } from '../report'
import { runSend, type RunSendOptions } from '../run-send'

/**
 * 40 deliverable Order Completed events: one preset, so requests are predictable.
 * No order ID, so each event's event_id is its messageId (the report's key).
 */
const EVENTS = Array.from({ length: 40 }, (_, i) =>
  JSON.stringify({
    type: 'track',
    event: 'Order Completed',
    messageId: `matrix-${i}`,
    timestamp: new Date(Date.now() - 3600_000).toISOString(),
    userId: `customer-${i}`,
    properties: { revenue: 10 + i, currency: 'USD' },
    context: { traits: { email: `buyer${i}@example.com`, phone: `+1 415 555 ${String(1000 + i)}` } }
  })
)
const TOKEN = 'matrix-access-token-secret'
const EVENT_SET = 'matrix-event-set'

interface Run {
  lines: ReportLine[]
  waits: number[]
  summary: Awaited<ReturnType<typeof runSend>>
}

async function run(options: Partial<RunSendOptions>): Promise<Run> {
  const lines: ReportLine[] = []
  const waits: number[] = []
  const reportFile = join(require('node:os').tmpdir(), `matrix-${process.pid}-${Date.now()}.ndjson`)
  const summary = await runSend({
    inputs: ['-'],
    stdin: Readable.from([EVENTS.join('\n')]),
    progress: false,
    batchSize: 10,
    concurrency: 1,
    report: reportFile,
    retry: { maxRetries: 6, baseDelayMs: 1, maxDelayMs: 2, maxRetryAfterMs: 5000 },
    sleep: async (ms) => void waits.push(ms),
    ...options
  })
  const text = readFileSync(reportFile, 'utf8').trimEnd()
  for (const line of text === '' ? [] : text.split('\n')) lines.push(JSON.parse(line) as ReportLine)
  return { lines, waits, summary }
}

let sandbox: Sandbox | undefined
afterEach(async () => {
  await sandbox?.close()
  sandbox = undefined
  nock.cleanAll()
  nock.enableNetConnect()
})

async function againstSandbox(
  options: SandboxOptions,
  runner: Partial<RunSendOptions> = {}
): Promise<Run & { sandbox: Sandbox }> {
  sandbox = await startSandbox({ accessToken: TOKEN, eventSetId: EVENT_SET, seed: 11, ...options })
  // Ten requests of four events: with a fixed seed the faults fall the same way on every run.
  const result = await run({
    sandboxUrl: sandbox.url,
    accessToken: TOKEN,
    eventSetId: EVENT_SET,
    batchSize: 4,
    ...runner
  })
  return { ...result, sandbox }
}

/** Every event delivered and accepted exactly once; some were retried. */
function expectAllDeliveredOnce({ lines, summary, sandbox: box }: Run & { sandbox: Sandbox }): void {
  expect(lines).toHaveLength(EVENTS.length)
  expect(lines.filter((line) => line.outcome !== 'delivered' || line.status !== 200)).toEqual([])
  for (const line of lines) expect(box.acceptedCount(line.messageId ?? '')).toBe(1)
  expect(summary).toMatchObject({ delivered: EVENTS.length, rejected: 0, failed: 0 })
  expect(summary.retried).toBeGreaterThan(0)
  expect(lines.some((line) => line.attempts > 1)).toBe(true)
}

describe('retryable faults: the runner retries, every event ends accepted exactly once', () => {
  test('connection reset (dropped connection) → 503, retried', async () => {
    const result = await againstSandbox({ dropConnectionRate: 0.5 })
    expectAllDeliveredOnce(result)
    expect(result.summary.sandbox?.faults).toMatchObject({ drop: expect.any(Number) })
  })

  test('HTTP 429 with Retry-After → 429, retried after the Retry-After', async () => {
    const result = await againstSandbox({ http429Rate: 0.5 })
    expectAllDeliveredOnce(result)
    expect(result.summary.httpStatuses['429']).toBeGreaterThan(0)
    // Retry-After: 1 → the runner waits about a second before re-sending.
    expect(result.waits.some((ms) => ms >= 900)).toBe(true)
  })

  test('HTTP 5xx → that status, retried', async () => {
    const result = await againstSandbox({ http5xxRate: 0.5 })
    expectAllDeliveredOnce(result)
    expect(result.summary.httpStatuses['503']).toBeGreaterThan(0)
  })

  test('HTTP 200 with code 40100 (rate limited) → 429, retried', async () => {
    let skew = 0
    const result = await againstSandbox(
      { rateLimitPerSecond: 2, now: () => Date.now() + skew },
      {
        // Every back-off moves the sandbox's clock on a second, so the limit resets as it would in time.
        sleep: async () => void (skew += 1000)
      }
    )
    expectAllDeliveredOnce(result)
    expect(result.summary.sandbox?.faults).toMatchObject({ rateLimit: expect.any(Number) })
  })

  test('HTTP 200 with code 50000 / 50002 → 500, retried', async () => {
    const result = await againstSandbox({ serverErrorRate: 0.5 })
    expectAllDeliveredOnce(result)
    expect(result.summary.sandbox?.faults).toMatchObject({ serverError: expect.any(Number) })
  })

  test('HTTP 200 with a body that is not JSON → 502, retried (acceptance unconfirmed; re-sending is safe)', async () => {
    const result = await againstSandbox({ malformedBodyRate: 0.5 })
    expectAllDeliveredOnce(result)
    expect(result.summary.sandbox?.faults).toMatchObject({ malformed: expect.any(Number) })
  })

  test('HTTP 200 with an empty body → 502, retried', async () => {
    nock.disableNetConnect()
    let requests = 0
    nock('https://business-api.tiktok.com')
      .persist()
      .post('/open_api/v1.3/event/track/')
      .reply(() => (++requests === 1 ? [200, ''] : [200, { code: 0, message: 'OK', request_id: `r${requests}` }]))
    const { lines, summary } = await run({ accessToken: TOKEN, eventSetId: EVENT_SET, authCheck: false })
    expect(summary).toMatchObject({ delivered: EVENTS.length, failed: 0, retried: 10 })
    expect(lines.filter((line) => line.attempts === 2).map((line) => line.messageId)).toEqual(
      Array.from({ length: 10 }, (_, i) => `matrix-${i}`)
    )
  })

  test('timeout → 504, retried; then unknown (TikTok may have it); no answer to any request of the run → unreachable: the rest not sent, exit 1', async () => {
    const {
      lines,
      summary,
      sandbox: box
    } = await againstSandbox(
      { latencyMs: 300 },
      {
        requestTimeoutMs: 50,
        authCheck: false,
        retry: { maxRetries: 1, baseDelayMs: 1, maxDelayMs: 1 }
      }
    )
    // The first batch (4 events) is tried twice; then sending stops and the other 36 are reported, not sent.
    expect(summary).toMatchObject({ delivered: 0, failed: 0, unknown: 4, notSent: 36, retried: 4 })
    expect(summary.stopped).toEqual({
      reason: 'unreachable',
      message: `no answer from the TikTok sandbox at ${box.url} after 2 attempts: No answer from TikTok in time: Request timed out after 50ms`,
      filesNotRead: 0
    })
    expect(exitStatus(summary, false)).toBe(EXIT_FAILURE)
    for (const line of lines.slice(0, 4)) {
      expect(line).toMatchObject({ outcome: 'unknown', status: 504, attempts: 2, eventId: line.messageId })
      expect(line.error).toBe(
        'unknown: a request of it got no answer in time, so TikTok may have accepted it (No answer from TikTok in time: Request timed out after 50ms); TikTok may have the event'
      )
    }
    for (const line of lines.slice(4)) {
      expect(line).toMatchObject({ outcome: 'not-sent', status: 0, attempts: 0 })
      expect(line.error).toBe('not sent: the target could not be reached')
    }
    // The sandbox may have taken an answer nobody waited for: re-sending is safe, TikTok de-duplicates by event_id.
    expect(box.stats().duplicateEventIds).toBeLessThanOrEqual(4)
  })
})

describe('answers that retrying cannot fix: reported at once, never re-sent', () => {
  const refusals: Array<[string, string, string, string]> = [
    ['40105 (invalid token)', 'not-the-token', EVENT_SET, 'Invalid access token (code 40105, request_id R)'],
    [
      '40001 (no access to the event set)',
      TOKEN,
      'someone-elses-set',
      'No permission to operate event set someone-elses-set (code 40001, request_id R)'
    ]
  ]
  const withoutRequestId = (text: string | undefined): string | undefined =>
    text?.replace(/request_id \w+/, 'request_id R')

  test.each(refusals)(
    'HTTP 200 with code %s → the credentials check fails: nothing sent, exit 1',
    async (_, token, eventSet, refusal) => {
      sandbox = await startSandbox({ accessToken: TOKEN, eventSetId: EVENT_SET })
      const { lines, summary } = await run({ sandboxUrl: sandbox.url, accessToken: token, eventSetId: eventSet })
      expect(lines).toEqual([])
      expect(summary).toMatchObject({ credentialsCheck: 'refused', eventsRead: 0, delivered: 0, httpRequests: 1 })
      expect(summary.stopped?.reason).toBe('credentials-refused')
      expect(withoutRequestId(summary.stopped?.message)).toBe(
        `the credentials check was refused by the TikTok sandbox at ${sandbox.url}: TikTok refused the request: ${refusal}; nothing was sent`
      )
      expect(exitStatus(summary, false)).toBe(EXIT_FAILURE)
      expect(sandbox.stats()).toMatchObject({ requests: 1, acceptedEvents: 0 })
    }
  )

  test.each(refusals)(
    'HTTP 200 with code %s during a run (--no-auth-check) → that batch 401, the rest not sent, exit 1',
    async (_, token, eventSet, refusal) => {
      sandbox = await startSandbox({ accessToken: TOKEN, eventSetId: EVENT_SET })
      const { lines, summary } = await run({
        sandboxUrl: sandbox.url,
        accessToken: token,
        eventSetId: eventSet,
        authCheck: false
      })
      // Batches of 10, one at a time: the first is refused, then sending stops and the input is read to the end.
      expect(summary).toMatchObject({
        eventsRead: 40,
        delivered: 0,
        rejected: 10,
        notSent: 30,
        retried: 0,
        httpRequests: 1
      })
      expect(summary.stopped?.reason).toBe('credentials-refused')
      expect(exitStatus(summary, false)).toBe(EXIT_FAILURE)
      const rejected = lines.filter((line) => line.outcome === 'rejected')
      expect(rejected.map((line) => line.messageId)).toEqual(Array.from({ length: 10 }, (_, i) => `matrix-${i}`))
      expect(
        new Set(rejected.map((line) => `${line.status} ${line.attempts} ${withoutRequestId(line.error ?? '')}`))
      ).toEqual(new Set([`401 1 TikTok refused the request: ${refusal}`]))
      const notSent = lines.filter((line) => line.outcome === 'not-sent')
      expect(notSent.map((line) => line.messageId)).toEqual(Array.from({ length: 30 }, (_, i) => `matrix-${i + 10}`))
      expect(new Set(notSent.map((line) => `${line.status} ${line.attempts} ${line.error}`))).toEqual(
        new Set(['0 0 not sent: credentials refused'])
      )
      expect(lines.some((line) => (line.error ?? '').includes(TOKEN))).toBe(false)
      expect(sandbox.stats()).toMatchObject({ requests: 1, acceptedEvents: 0 })
    }
  )

  test('HTTP 200 with code 40002 for one event → that event 400 with TikTok message, the others delivered', async () => {
    nock.disableNetConnect()
    const accepted: string[] = []
    nock('https://business-api.tiktok.com')
      .persist()
      .post('/open_api/v1.3/event/track/')
      .reply((_uri, body) => {
        const ids = (body as { data: { event_id: string }[] }).data.map((event) => event.event_id)
        if (ids.includes('matrix-13'))
          return [200, { code: 40002, message: 'data.properties: invalid', request_id: 'r-bad' }]
        accepted.push(...ids)
        return [200, { code: 0, message: 'OK', request_id: 'r-ok' }]
      })
    const { lines, summary } = await run({ accessToken: TOKEN, eventSetId: EVENT_SET, authCheck: false })
    expect(summary).toMatchObject({ delivered: EVENTS.length - 1, rejected: 1, failed: 0, retried: 0 })
    expect(lines.find((line) => line.messageId === 'matrix-13')).toMatchObject({
      outcome: 'rejected',
      status: 400,
      attempts: 1,
      error: 'TikTok refused the request: data.properties: invalid (code 40002, request_id r-bad)'
    })
    expect(accepted.sort()).toEqual(
      EVENTS.map((_, i) => `matrix-${i}`)
        .filter((id) => id !== 'matrix-13')
        .sort()
    )
  })
})
