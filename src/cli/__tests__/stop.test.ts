/**
 * Item 2 in detail, in-process (signals.test.ts sends real signals to the
 * CLI in its own process): what a stopping run does with events read but not
 * sent, requests in flight, abandoned requests, and retries waiting.
 * Interrupts fire at moments the sandbox tells, never after a fixed time.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { startSandbox, type Sandbox, type SandboxOptions } from '../../sandbox/server'
import { RunControl, type InterruptSource } from '../control'
import { EXIT_INTERRUPTED, exitStatus } from '../exit-status'
import { runSend, type RunSendOptions } from '../run-send'
import { formatSummary } from '../summary-format'
import { countOutcomes, ndjson, purchase, readReport } from './helpers'

let dir: string
let sandbox: Sandbox | undefined
const EVENTS = Array.from({ length: 600 }, (_, i) => purchase(`stop-${i}`))
let input: string

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'runner-stop-'))
  input = join(dir, 'events.ndjson')
  writeFileSync(input, ndjson(EVENTS))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))
afterEach(async () => {
  await sandbox?.close()
  sandbox = undefined
})

/** Signals (named) sent when `when` says so, checked every few milliseconds. */
function signalsWhen(when: () => boolean, signals: string[] = ['SIGINT']): InterruptSource {
  return (onSignal) => {
    const timer = setInterval(() => {
      if (!when()) return
      const signal = signals.shift()
      if (signal) onSignal(signal)
      if (signals.length === 0) clearInterval(timer)
    }, 2)
    return () => clearInterval(timer)
  }
}

async function run(sandboxOptions: SandboxOptions, options: Partial<RunSendOptions>) {
  const box = await startSandbox(sandboxOptions)
  sandbox = box
  const notices = new PassThrough()
  let noticed = ''
  notices.on('data', (chunk: Buffer) => (noticed += chunk.toString('utf8')))
  const report = join(dir, `report-${Date.now()}.ndjson`)
  const summary = await runSend({
    inputs: [input],
    sandboxUrl: box.url,
    report,
    progress: false,
    batchSize: 100,
    concurrency: 2,
    notices,
    retry: { baseDelayMs: 1, maxDelayMs: 2 },
    ...options
  })
  return { summary, lines: readReport(report), notices: noticed, sandbox: box }
}

describe('RunControl', () => {
  it('says what a signal does, and what each stop stops', () => {
    const notices: string[] = []
    const idle = new RunControl(1000, (text) => notices.push(text))
    idle.interrupt('SIGTERM', 0)
    expect(notices).toEqual(['SIGTERM: stopping (no batch in flight).'])
    expect([idle.stop?.reason, idle.readingStopped, idle.sendingStopped, idle.aborted]).toEqual([
      'interrupted',
      true,
      true,
      false
    ])
    idle.interrupt('SIGTERM', 0)
    expect(notices[1]).toBe('SIGTERM again: abandoning the requests in flight (their events are reported unknown)')
    expect(idle.aborted).toBe(true)

    const refused = new RunControl()
    refused.halt('credentials-refused', 'refused')
    refused.halt('interrupted', 'later')
    // The first reason is the run's; the later signal still stops the reading.
    expect([refused.stop?.reason, refused.readingStopped, refused.sendingStopped]).toEqual([
      'credentials-refused',
      true,
      true
    ])

    const input = new RunControl()
    input.halt('input-failed', 'cut short')
    // What was read before the failure is still sent.
    expect([input.stop?.reason, input.readingStopped, input.sendingStopped]).toEqual(['input-failed', true, false])
  })
})

describe('the first signal', () => {
  it('stops reading, lets the batches in flight finish and report, reports what was read but not sent, exit 130', async () => {
    const {
      summary,
      lines,
      notices,
      sandbox: box
    } = await run(
      { latencyMs: 200 },
      // Two batches in flight: the check and two requests arrived.
      { interrupts: signalsWhen(() => (sandbox?.stats().requests ?? 0) >= 3) }
    )
    expect(exitStatus(summary, false)).toBe(EXIT_INTERRUPTED)
    expect(notices).toBe(
      '\nSIGINT: stopping. Waiting up to 30 s for the 2 batches in flight; SIGINT again abandons them.\n'
    )
    // The two batches in flight were answered and are reported delivered; nothing else was sent.
    expect(summary).toMatchObject({ delivered: 200, unknown: 0, failed: 0 })
    expect(summary.notSent).toBe(summary.eventsRead - 200)
    expect(countOutcomes(lines)).toEqual({ delivered: 200, 'not-sent': summary.notSent })
    expect(new Set(lines.filter((line) => line.outcome === 'delivered').map((line) => line.eventId))).toEqual(
      new Set(box.eventIdCounts().keys())
    )
    for (const line of lines.filter((line) => line.outcome === 'not-sent')) {
      expect(line).toMatchObject({ status: 0, attempts: 0, error: 'not sent: the run stopped first' })
    }
    expect(summary.stopped).toEqual({
      reason: 'interrupted',
      message: 'interrupted by SIGINT',
      readUpTo: { file: input, index: summary.eventsRead },
      filesNotRead: 0
    })
    const text = formatSummary(summary)
    expect(text).toMatch(
      new RegExp(
        `^Interrupted: interrupted by SIGINT; reading stopped after .*events\\.ndjson:${summary.eventsRead}$`,
        'm'
      )
    )
    expect(text).toMatch(
      /^Not sent +\d+ {2}read, but the run stopped before sending them \(the rest of the input was not read\)$/m
    )
    expect(text).toMatch(
      /^To continue: run the same command with --resume .*report-\d+\.ndjson \(and another --report file\): events delivered so far are skipped\.$/m
    )
  })

  it('cuts a retry back-off short: what waits for a retry is reported failed, "not retried"', async () => {
    const { summary, lines } = await run(
      { http5xxRate: 1 },
      {
        authCheck: false,
        concurrency: 1,
        // A 10-minute back-off: only the stop can end it.
        retry: { baseDelayMs: 600_000, maxDelayMs: 600_000 },
        random: () => 1,
        interrupts: signalsWhen(() => (sandbox?.stats().requests ?? 0) >= 1)
      }
    )
    expect(exitStatus(summary, false)).toBe(EXIT_INTERRUPTED)
    expect(summary).toMatchObject({ failed: 100, retried: 0 })
    const failed = lines.filter((line) => line.outcome === 'failed')
    expect(failed).toHaveLength(100)
    for (const line of failed) {
      expect(line.status).toBe(503)
      expect(line.error).toMatch(
        /^TikTok answered HTTP 503: Service Unavailable \(request_id \w+\) \(not retried: the run stopped\)$/
      )
    }
  })
})

describe('requests in flight that do not finish', () => {
  it('a second signal abandons them at once: their events are reported unknown, with what TikTok may have', async () => {
    const { summary, lines, notices } = await run(
      { latencyMs: 60_000 },
      {
        authCheck: false,
        interrupts: signalsWhen(() => (sandbox?.stats().requests ?? 0) >= 2, ['SIGINT', 'SIGTERM'])
      }
    )
    expect(exitStatus(summary, false)).toBe(EXIT_INTERRUPTED)
    expect(notices).toContain(
      '\nSIGTERM again: abandoning the requests in flight (their events are reported unknown)\n'
    )
    expect(summary).toMatchObject({ delivered: 0, unknown: 200 })
    const unknown = lines.filter((line) => line.outcome === 'unknown')
    expect(unknown.map((line) => line.messageId)).toEqual(EVENTS.slice(0, 200).map((event) => event.messageId))
    for (const line of unknown) {
      expect(line).toMatchObject({ status: 503, attempts: 1 })
      expect(line.error).toBe(
        'unknown: the request was abandoned before an answer (Could not reach TikTok: Request was aborted); TikTok may have the event'
      )
    }
    expect(formatSummary(summary)).toMatch(
      /^Unknown +200 {2}requests abandoned before TikTok answered: it may have them \(sending them again is safe\)$/m
    )
  })

  it('--stop-wait bounds the wait after the first signal', async () => {
    const { summary, notices } = await run(
      { latencyMs: 60_000 },
      { authCheck: false, stopWaitMs: 50, interrupts: signalsWhen(() => (sandbox?.stats().requests ?? 0) >= 2) }
    )
    expect(notices).toBe(
      '\nSIGINT: stopping. Waiting up to 50 ms for the 2 batches in flight; SIGINT again abandons them.\n' +
        '\nno answer within 50 ms: abandoning the requests in flight (their events are reported unknown)\n'
    )
    expect(summary).toMatchObject({ delivered: 0, unknown: 200 })
  })
})
