/**
 * Issue 19, the sending and report side, end to end over loopback (the
 * sandbox, and small stand-in servers for what the sandbox cannot do): report
 * lines name their target and --resume honours only the same target; resume
 * keys on the event_id TikTok de-duplicates by; a report that cannot be written
 * stops the run with its own status; signals end the credentials check; a
 * target that stops answering mid-run stops the run; timer limits; TikTok's own
 * time refusals counted in match quality. The README's fault matrix has a row
 * for each.
 */
import { writeFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { startSandbox } from '../../sandbox/server'
import type { InterruptSource } from '../control'
import { UsageError } from '../errors'
import { EXIT_FAILURE, EXIT_INTERRUPTED, EXIT_OK, EXIT_REPORT_FAILED, EXIT_USAGE, exitStatus } from '../exit-status'
import { validateSendOptions } from '../options'
import { runSend, type RunSendOptions } from '../run-send'
import { formatSummary } from '../summary-format'
import type { RunSummary } from '../summary-types'
import {
  anHourAgo,
  cli,
  countOutcomes,
  ndjson,
  purchase,
  purchaseEventId,
  readReport,
  scratchAndSandbox
} from './helpers'

const scratch = scratchAndSandbox('runner-hostile-send-')
const quiet: Partial<RunSendOptions> = { progress: false, retry: { baseDelayMs: 1, maxDelayMs: 2 } }
const TOKEN = 'hostile-access-token-secret'
const EVENT_SET = 'hostile-event-set'

function file(name: string, events: readonly unknown[]): string {
  const path = join(scratch.dir, name)
  writeFileSync(path, ndjson(events))
  return path
}

interface StandIn {
  url: string
  /** event_ids of the track requests it answered code 0, each time. */
  accepted: string[]
  requests: number
  close(): Promise<void>
}

/** A TikTok stand-in on loopback; `answer` decides each request (the n-th, from 1, with its parsed body). */
async function standIn(
  answer: (n: number, body: { data?: Array<{ event_id: string }> }, res: ServerResponse) => 'accept' | 'handled'
): Promise<StandIn> {
  const state = { accepted: [] as string[], requests: 0 }
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as { data?: Array<{ event_id: string }> }
      if (answer(++state.requests, body, res) === 'handled') return
      state.accepted.push(...(body.data ?? []).map((event) => event.event_id))
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ code: 0, message: 'OK', request_id: `r${state.requests}` }))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    get accepted() {
      return state.accepted
    },
    get requests() {
      return state.requests
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}

/** Sends `input` to the stand-in, as to TikTok at another host (--api-url with credentials). */
function sendTo(server: StandIn, input: string, options: Partial<RunSendOptions>): Promise<RunSummary> {
  return runSend({
    ...quiet,
    inputs: [input],
    apiUrl: server.url,
    accessToken: TOKEN,
    eventSetId: EVENT_SET,
    ...options
  })
}

const PURCHASES = Array.from({ length: 30 }, (_, i) => purchase(`target-${i}`))

describe('1. report lines name their target; --resume skips only deliveries to the same target', () => {
  it('every line of a dry run, the built-in sandbox, a --sandbox-url and TikTok (--api-url) names its target, never the token', async () => {
    const input = file('targets.ndjson', [...PURCHASES.slice(0, 2), { type: 'identify' }, 'not json'])
    const tiktok = await standIn(() => 'accept')
    try {
      const runs: Array<[Partial<RunSendOptions>, string]> = [
        [{ dryRun: true, output: new PassThrough() }, 'dry-run'],
        [{}, 'sandbox'],
        [{ sandboxUrl: scratch.sandbox.url }, `sandbox:${new URL(scratch.sandbox.url).host}/${'sandbox-event-set'}`],
        [
          { apiUrl: tiktok.url, accessToken: TOKEN, eventSetId: EVENT_SET, authCheck: false },
          `tiktok:${new URL(tiktok.url).host}/${EVENT_SET}`
        ]
      ]
      for (const [options, target] of runs) {
        const report = join(scratch.dir, `targets-${target.replace(/\W/g, '_')}.ndjson`)
        await runSend({ ...quiet, inputs: [input], report, ...options })
        const lines = readReport(report)
        expect(lines.map((line) => [line.outcome, line.target])).toEqual([
          ['delivered', target],
          ['delivered', target],
          ['unrouted', target],
          ['input-error', target]
        ])
        expect(JSON.stringify(lines)).not.toContain(TOKEN)
      }
    } finally {
      await tiktok.close()
    }
  })

  it("a dry run's report skips nothing real, and the summary says so", async () => {
    const input = file('dry.ndjson', PURCHASES)
    const dry = join(scratch.dir, 'dry-report.ndjson')
    const first = await runSend({ ...quiet, inputs: [input], report: dry, dryRun: true, output: new PassThrough() })
    expect(first.delivered).toBe(30)
    const real = await runSend({ ...quiet, inputs: [input], sandboxUrl: scratch.sandbox.url, resume: [dry] })
    expect(real).toMatchObject({ skipped: 0, delivered: 30 })
    expect(real.resume).toEqual({ reports: [dry], deliveries: 0, unreadableLines: 0, otherTargets: { 'dry-run': 30 } })
    expect(formatSummary(real)).toContain(
      `Skipped                              0  delivered before, per ${dry} (0 deliveries to this target recorded; 30 to dry-run not used: a dry run delivers nothing)`
    )
    expect(scratch.sandbox.stats().uniqueEventIds).toBe(30)
    // Resumed as a dry run, the dry run's own deliveries are skipped.
    const again = await runSend({ ...quiet, inputs: [input], dryRun: true, output: new PassThrough(), resume: [dry] })
    expect(again).toMatchObject({ skipped: 30, delivered: 0 })
  })

  it("a sandbox's report resumed against TikTok skips nothing; against the same sandbox, everything", async () => {
    const input = file('sandboxed.ndjson', PURCHASES)
    const report = join(scratch.dir, 'sandbox-report.ndjson')
    await runSend({ ...quiet, inputs: [input], sandboxUrl: scratch.sandbox.url, report })
    const tiktok = await standIn(() => 'accept')
    try {
      const toTikTok = await sendTo(tiktok, input, {
        authCheck: false,
        resume: [report]
      })
      expect(toTikTok).toMatchObject({ skipped: 0, delivered: 30 })
      expect(toTikTok.resume?.otherTargets).toEqual({
        [`sandbox:${new URL(scratch.sandbox.url).host}/sandbox-event-set`]: 30
      })
      expect(tiktok.accepted.sort()).toEqual(PURCHASES.map((event) => purchaseEventId(String(event.messageId))).sort())
    } finally {
      await tiktok.close()
    }
    const same = await runSend({ ...quiet, inputs: [input], sandboxUrl: scratch.sandbox.url, resume: [report] })
    expect(same).toMatchObject({ skipped: 30, delivered: 0 })
  })

  it('lines of an earlier version (no target) are used only with --resume-untargeted', async () => {
    const input = file('old.ndjson', PURCHASES)
    // An earlier version's report: this version's lines without `target` and `event`.
    const current = join(scratch.dir, 'current-report.ndjson')
    await runSend({
      ...quiet,
      inputs: [file('old-part.ndjson', PURCHASES.slice(0, 10))],
      dryRun: true,
      output: new PassThrough(),
      report: current
    })
    const old = join(scratch.dir, 'old-report.ndjson')
    writeFileSync(old, ndjson(readReport(current).map(({ target, event, ...line }) => line)))
    const ignored = await runSend({ ...quiet, inputs: [input], sandboxUrl: scratch.sandbox.url, resume: [old] })
    expect(ignored).toMatchObject({ skipped: 0, delivered: 30 })
    expect(ignored.resume?.untargeted).toEqual({ lines: 10, used: false })
    expect(formatSummary(ignored)).toContain(
      "10 lines that name no target (an earlier version's) not used: add --resume-untargeted if they went to this target"
    )
    const used = await runSend({
      ...quiet,
      inputs: [input],
      sandboxUrl: scratch.sandbox.url,
      resume: [old],
      resumeUntargeted: true
    })
    expect(used).toMatchObject({ skipped: 10, delivered: 20 })
    expect(used.resume).toMatchObject({ deliveries: 10, untargeted: { lines: 10, used: true } })
  })
})

describe('2. --resume keys on the event_id sent (what TikTok de-duplicates by)', () => {
  it('two files sharing messageIds but holding different orders: after an interrupt, the resume sends the unsent orders', async () => {
    const orders = (prefix: string) =>
      Array.from({ length: 1000 }, (_, i) =>
        purchase(`shared-${i}`, {
          properties: { order_id: `${prefix}-${i}`, revenue: 25, currency: 'USD' }
        })
      )
    const a = file('orders-a.ndjson', orders('A'))
    const b = file('orders-b.ndjson', orders('B'))
    const slow = await startSandbox({ latencyMs: 20 })
    const interrupts: InterruptSource = (onSignal) => {
      const timer = setInterval(() => {
        if (slow.stats().acceptedEvents < 1200) return
        clearInterval(timer)
        onSignal('SIGINT')
      }, 2)
      return () => clearInterval(timer)
    }
    try {
      const run = (options: Partial<RunSendOptions>) =>
        runSend({ ...quiet, inputs: [a, b], sandboxUrl: slow.url, batchSize: 100, concurrency: 2, ...options })
      const r1 = join(scratch.dir, 'orders-1.ndjson')
      const first = await run({ report: r1, interrupts })
      expect(exitStatus(first, false)).toBe(EXIT_INTERRUPTED)
      expect(first.delivered).toBeGreaterThanOrEqual(1200)
      expect(first.delivered).toBeLessThan(2000)
      const second = await run({ report: join(scratch.dir, 'orders-2.ndjson'), resume: [r1] })
      expect(exitStatus(second, false)).toBe(EXIT_OK)
      expect(second).toMatchObject({ eventsRead: 2000, skipped: first.delivered, delivered: 2000 - first.delivered })
      const ids = slow.eventIdCounts()
      expect([...ids.keys()].sort()).toEqual(
        [...orders('A'), ...orders('B')].map((event) => (event.properties as { order_id: string }).order_id).sort()
      )
      expect([...ids.values()].every((count) => count === 1)).toBe(true)
      // Skipped lines name the event they stand for.
      const skipped = readReport(join(scratch.dir, 'orders-2.ndjson')).filter((line) => line.outcome === 'skipped')
      expect(skipped).toHaveLength(first.delivered)
      for (const line of skipped) {
        expect(line.event).toBe('CompletePayment')
        expect(line.eventId).toMatch(/^[AB]-\d+$/)
      }
    } finally {
      await slow.close()
    }
  })

  it("a custom mapping without event_id: the destination's derived event_id is what is skipped", async () => {
    const contacts = Array.from({ length: 40 }, (_, i) => ({
      type: 'track',
      event: 'Callback Started',
      messageId: `same-${i % 20}`,
      timestamp: anHourAgo(),
      properties: { lead: `lead-${i}` },
      context: { traits: { email: `caller${i}@example.com` } }
    }))
    const mapping = {
      event: 'Contact',
      timestamp: { '@path': '$.timestamp' },
      email_addresses: { '@path': '$.context.traits.email' }
    }
    const custom = {
      action: 'trackNonPaymentOfflineConversion',
      mapping,
      subscribe: 'type = "track" and event = "Callback Started"'
    }
    const half = file('contacts-half.ndjson', contacts.slice(0, 20))
    const all = file('contacts-all.ndjson', contacts)
    const report = join(scratch.dir, 'contacts-1.ndjson')
    const first = await runSend({ ...quiet, inputs: [half], sandboxUrl: scratch.sandbox.url, report, ...custom })
    expect(first.delivered).toBe(20)
    const second = await runSend({
      ...quiet,
      inputs: [all],
      sandboxUrl: scratch.sandbox.url,
      resume: [report],
      ...custom
    })
    // The second half shares the first half's messageIds, but not their emails: other events, other event_ids.
    expect(second).toMatchObject({ skipped: 20, delivered: 20 })
    expect(scratch.sandbox.stats()).toMatchObject({ uniqueEventIds: 40, duplicateEventIds: 0 })
  })
})

describe('3. a report that cannot be written', () => {
  it('stops the sending at once, prints the summary with what is not in the report, exit 3', async () => {
    const input = file(
      'full.ndjson',
      Array.from({ length: 3000 }, (_, i) => purchase(`full-${i}`))
    )
    const { code, stdout, stderr } = await cli([
      'send',
      input,
      '--sandbox-url',
      scratch.sandbox.url,
      '--report',
      '/dev/full',
      '--batch-size',
      '100',
      '--concurrency',
      '2',
      '--json'
    ])
    expect(stderr).toBe('')
    expect(code).toBe(EXIT_REPORT_FAILED)
    const summary = JSON.parse(stdout) as RunSummary
    expect(summary.stopped).toMatchObject({
      reason: 'report-failed',
      message: 'cannot write the report /dev/full: no space left on the device (ENOSPC)'
    })
    // Every line failed to be written, so every outcome is counted as missing from the report…
    const lines = summary.delivered + summary.notSent + summary.failed + summary.unknown
    expect(summary.notInReport).toEqual({ lines, delivered: summary.delivered })
    // …what TikTok accepted is exactly what the summary calls delivered, and sending stopped at once:
    // no more than the batches in flight when the first write failed.
    expect(scratch.sandbox.stats().acceptedEvents).toBe(summary.delivered)
    expect(summary.delivered).toBeLessThanOrEqual(200)
    expect(summary.eventsRead).toBeLessThan(3000)
    const text = formatSummary(summary)
    expect(text).toContain('Stopped: the report could not be written: cannot write the report /dev/full')
    expect(text).toContain(
      `/dev/full: ${lines} outcomes are not in it (it could not be written), ${summary.delivered} of them delivered: counted above, TikTok has them`
    )
    expect(text).toContain("To continue once the report's disk has room: run the same command with --resume /dev/full")
  })
})

describe('4. signals end the credentials check', () => {
  it('a second SIGINT abandons the check at once, not after its 10 s timeout: exit 130, nothing sent', async () => {
    const silent = await standIn(() => 'handled')
    let signal: ((name: string) => void) | undefined
    const interrupts: InterruptSource = (onSignal) => {
      signal = onSignal
      return () => undefined
    }
    const notices = new PassThrough()
    const said: string[] = []
    notices.on('data', (chunk: Buffer) => said.push(chunk.toString('utf8')))
    try {
      const running = sendTo(silent, file('check.ndjson', PURCHASES), {
        interrupts,
        notices
      })
      while (silent.requests === 0) await new Promise((resolve) => setTimeout(resolve, 5))
      const started = Date.now()
      signal?.('SIGINT')
      signal?.('SIGINT')
      const summary = await running
      // At once, not after the check's 10 s timeout (the margin is for a loaded machine).
      expect(Date.now() - started).toBeLessThan(5000)
      expect(summary).toMatchObject({ credentialsCheck: 'interrupted', eventsRead: 0, delivered: 0 })
      expect(summary.stopped).toMatchObject({ reason: 'interrupted', message: 'interrupted by SIGINT' })
      expect(exitStatus(summary, false)).toBe(EXIT_INTERRUPTED)
      expect(said.join('')).toBe(
        '\nSIGINT: stopping. Waiting up to 30 s for the credentials check in flight; SIGINT again abandons it.\n' +
          '\nSIGINT again: abandoning the credentials check\n'
      )
      expect(formatSummary(summary)).toContain('not finished: interrupted during the check; nothing was sent')
    } finally {
      await silent.close()
    }
  })

  it('one SIGINT: the check is abandoned once --stop-wait runs out', async () => {
    const silent = await standIn(() => 'handled')
    const interrupts: InterruptSource = (onSignal) => {
      const timer = setInterval(() => {
        if (silent.requests === 0) return
        clearInterval(timer)
        onSignal('SIGTERM')
      }, 5)
      return () => clearInterval(timer)
    }
    try {
      const started = Date.now()
      const summary = await sendTo(silent, file('check-wait.ndjson', PURCHASES), {
        interrupts,
        stopWaitMs: 200,
        notices: new PassThrough()
      })
      // After the 200 ms --stop-wait, not after the check's 10 s timeout (the margin is for a loaded machine).
      expect(Date.now() - started).toBeLessThan(5000)
      expect(summary).toMatchObject({ credentialsCheck: 'interrupted', delivered: 0 })
      expect(exitStatus(summary, false)).toBe(EXIT_INTERRUPTED)
    } finally {
      await silent.close()
    }
  })
})

describe('5. a target that stops answering mid-run; "answered HTTP 502"; timeouts are unknown', () => {
  it('stops like one unreachable at the start: the rest not sent, exit 1, resume said; a bounded number of requests', async () => {
    // Accepts two requests, then closes every connection without an answer.
    const dying = await standIn((n, _body, res) => {
      if (n <= 2) return 'accept'
      res.socket?.destroy()
      return 'handled'
    })
    try {
      const report = join(scratch.dir, 'dying.ndjson')
      const summary = await runSend({
        ...quiet,
        inputs: [
          file(
            'dying-input.ndjson',
            Array.from({ length: 100 }, (_, i) => purchase(`dying-${i}`))
          )
        ],
        apiUrl: dying.url,
        accessToken: TOKEN,
        eventSetId: EVENT_SET,
        authCheck: false,
        batchSize: 10,
        concurrency: 1,
        report,
        retry: { maxRetries: 3, baseDelayMs: 1, maxDelayMs: 2 }
      })
      expect(summary).toMatchObject({ delivered: 20, failed: 10, notSent: 70, unknown: 0 })
      // Two batches answered, then one batch's 4 attempts without an answer: nothing more.
      expect(dying.requests).toBe(6)
      expect(summary.stopped?.reason).toBe('unreachable')
      expect(summary.stopped?.message).toMatch(
        new RegExp(
          `^TikTok at ${dying.url} stopped answering: no answer to any request for [\\d.]+ s \\(4 attempts of a batch\\): Could not reach TikTok: `
        )
      )
      expect(exitStatus(summary, false)).toBe(EXIT_FAILURE)
      expect(countOutcomes(readReport(report))).toEqual({ delivered: 20, failed: 10, 'not-sent': 70 })
      expect(readReport(report).filter((line) => line.outcome === 'not-sent')[0].error).toBe(
        'not sent: the target could not be reached'
      )
      expect(formatSummary(summary)).toContain(
        `To continue once the target answers: run the same command with --resume ${report} (and another --report file): events delivered so far are skipped.`
      )
    } finally {
      await dying.close()
    }
  })

  it('an HTML 502 to the credentials check: "answered HTTP 502", not "could not be reached"; exit 1', async () => {
    const gateway = await standIn((_n, _body, res) => {
      res.writeHead(502, { 'content-type': 'text/html' })
      res.end('<html><body><h1>502 Bad Gateway</h1></body></html>')
      return 'handled'
    })
    try {
      const summary = await sendTo(gateway, file('gateway.ndjson', PURCHASES), {
        retry: { maxRetries: 1, baseDelayMs: 1, maxDelayMs: 1 }
      })
      expect(summary.credentialsCheck).toBe('failed')
      expect(summary.stopped?.reason).toBe('target-failed')
      expect(summary.stopped?.message).toContain(
        `the credentials could not be checked: TikTok at ${gateway.url} answered, but only with errors: `
      )
      expect(summary.stopped?.message).toContain('HTTP 502')
      expect(exitStatus(summary, false)).toBe(EXIT_FAILURE)
      const text = formatSummary(summary)
      expect(text).toContain('Stopped: the target answered only with errors:')
      expect(text).not.toContain('could not be reached')
    } finally {
      await gateway.close()
    }
  })

  it('no answer at all to the credentials check: "no answer from", unreachable', async () => {
    const closing = await standIn((_n, _body, res) => {
      res.socket?.destroy()
      return 'handled'
    })
    try {
      const summary = await sendTo(closing, file('closing.ndjson', PURCHASES), {
        retry: { maxRetries: 1, baseDelayMs: 1, maxDelayMs: 1 }
      })
      expect(summary.stopped?.reason).toBe('unreachable')
      expect(summary.stopped?.message).toMatch(
        new RegExp(`^the credentials could not be checked: no answer from TikTok at ${closing.url}: `)
      )
    } finally {
      await closing.close()
    }
  })

  it('a request that timed out after the target accepted it is unknown, with its eventId, not failed', async () => {
    // Accepts everything, but answers the first request too late.
    const late = await standIn((n, body, res) => {
      if (n > 1) return 'accept'
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/json' })
        res.end(JSON.stringify({ code: 0, message: 'OK', request_id: 'late' }))
      }, 300)
      void body
      return 'handled'
    })
    try {
      const report = join(scratch.dir, 'late.ndjson')
      const summary = await sendTo(late, file('late-input.ndjson', PURCHASES.slice(0, 10)), {
        authCheck: false,
        requestTimeoutMs: 50,
        report,
        retry: { maxRetries: 0, baseDelayMs: 1, maxDelayMs: 1 }
      })
      expect(summary).toMatchObject({ delivered: 0, failed: 0, unknown: 10 })
      const lines = readReport(report)
      expect(lines.map((line) => [line.outcome, line.status, line.eventId])).toEqual(
        PURCHASES.slice(0, 10).map((event) => ['unknown', 504, purchaseEventId(String(event.messageId))])
      )
      expect(lines[0].error).toBe(
        'unknown: a request of it got no answer in time, so TikTok may have accepted it (No answer from TikTok in time: Request timed out after 50ms); TikTok may have the event'
      )
    } finally {
      await late.close()
    }
  })
})

describe('6. timer limits; TikTok refusing event times', () => {
  it('--stop-wait and retry delays past 2^31 − 1 ms are refused (exit 2), not fired after 1 ms', async () => {
    const input = file('timers.ndjson', PURCHASES.slice(0, 1))
    const stopWait = await cli(['send', input, '--stop-wait', '2147484'])
    expect(stopWait.code).toBe(EXIT_USAGE)
    expect(stopWait.stderr).toBe(
      "tiktok-offline-conversions: stop wait: must be from 0 to 2147483647 ms (--stop-wait 2147483 s, about 24.8 days: the longest wait Node's timers keep)\n"
    )
    const retryMax = await cli(['send', input, '--retry-max-ms', '2147483648'])
    expect(retryMax.code).toBe(EXIT_USAGE)
    expect(retryMax.stderr).toBe(
      "tiktok-offline-conversions: retry max delay: must be at most 2147483647 ms (about 24.8 days: the longest wait Node's timers keep; a longer one would fire at once)\n"
    )
    await expect(validateSendOptions({ inputs: [], retry: { maxRetryAfterMs: 2 ** 31 } })).rejects.toThrow(
      new UsageError(
        "max Retry-After: must be at most 2147483647 ms (about 24.8 days: the longest wait Node's timers keep; a longer one would fire at once)"
      )
    )
    await expect(validateSendOptions({ inputs: [], stopWaitMs: 2 ** 31 - 1 })).resolves.toMatchObject({
      stopWaitMs: 2 ** 31 - 1
    })
  })

  it('a Retry-After of years is waited as the capped maximum', async () => {
    const limited = await standIn((n, _body, res) => {
      if (n > 1) return 'accept'
      res.writeHead(429, { 'retry-after': '99999999999', 'content-type': 'application/json' })
      res.end('{}')
      return 'handled'
    })
    const waits: number[] = []
    try {
      const summary = await sendTo(limited, file('retry-after.ndjson', PURCHASES.slice(0, 5)), {
        authCheck: false,
        retry: { baseDelayMs: 1, maxDelayMs: 2, maxRetryAfterMs: 5000 },
        sleep: async (ms) => void waits.push(ms)
      })
      expect(summary).toMatchObject({ delivered: 5, retried: 5 })
      expect(waits).toHaveLength(1)
      expect(waits[0]).toBeGreaterThan(4900)
      expect(waits[0]).toBeLessThanOrEqual(5000)
    } finally {
      await limited.close()
    }
  })

  it('events TikTok refused for their time count as outside the window in match quality', async () => {
    const DAY = 86_400_000
    // The sandbox's clock is 27 days ahead: events 2 days old are 29 days old to it, an hour old ones are fine.
    const skewed = await startSandbox({ now: () => Date.now() + 27 * DAY })
    try {
      const events = Array.from({ length: 12 }, (_, i) =>
        purchase(`time-${i}`, i % 3 === 0 ? { timestamp: new Date(Date.now() - 2 * DAY).toISOString() } : {})
      )
      const report = join(scratch.dir, 'time.ndjson')
      const summary = await runSend({
        ...quiet,
        inputs: [file('time-input.ndjson', events)],
        sandboxUrl: skewed.url,
        report
      })
      expect(summary).toMatchObject({ delivered: 8, rejected: 4 })
      expect(summary.quality.outsideTimeWindow).toBe(4)
      const refused = readReport(report).filter((line) => line.outcome === 'rejected')
      expect(refused.map((line) => line.messageId)).toEqual(['time-0', 'time-3', 'time-6', 'time-9'])
      expect(refused[0].error).toMatch(/event_time: must be within the last 28 days/)
    } finally {
      await skewed.close()
    }
  })
})
