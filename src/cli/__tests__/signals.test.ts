/**
 * Items 2 and 3 end to end over loopback: the CLI in a process of its own,
 * the sandbox in another, real SIGINT / SIGTERM sent at a moment the sandbox
 * tells (after N events were accepted), then --resume. What is checked is what
 * the issue asks: exit 130, no event the sandbox accepted missing from the
 * report, a count of events not sent, and after the resume every event
 * accepted exactly once.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { RunSummary } from '../summary-types'
import {
  countOutcomes,
  ndjson,
  purchase,
  purchaseEventId,
  readReport,
  startCli,
  startSandboxProcess,
  waitFor,
  type SandboxProcess
} from './helpers'

const EVENTS = Array.from({ length: 3000 }, (_, i) => purchase(`signal-${i}`))
let dir: string
let input: string
let sandbox: SandboxProcess | undefined

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'runner-signals-'))
  input = join(dir, 'events.ndjson')
  writeFileSync(input, ndjson(EVENTS))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))
afterEach(async () => {
  await sandbox?.stop()
  sandbox = undefined
})

const send = (box: SandboxProcess, ...args: string[]) =>
  startCli(['send', input, '--sandbox-url', box.url, '--batch-size', '200', '--concurrency', '2', '--json', ...args])

describe.each(['SIGINT', 'SIGTERM'] as const)('%s during a run, then --resume', (signal) => {
  it('exit 130, every accepted event reported, the rest counted not sent; the resume sends each remaining event once', async () => {
    sandbox = await startSandboxProcess(dir, ['--latency-ms', '100'])
    const box = sandbox
    const r1 = join(dir, `${signal}-1.ndjson`)
    const first = send(box, '--report', r1)
    await waitFor(async () => ((await box.stats()).acceptedEvents >= 600 ? true : undefined), {
      what: 'the sandbox to accept 600 events'
    })
    first.process.kill(signal)
    expect(await first.exited).toBe(130)
    expect(first.stderr()).toMatch(
      new RegExp(
        `^\\n${signal}: stopping(\\. Waiting up to 30 s for the [12] batch(es)? in flight; ${signal} again abandons them| \\(no batch in flight\\))\\.\\n$`
      )
    )

    const summary = JSON.parse(first.stdout()) as RunSummary
    expect(summary.stopped).toMatchObject({ reason: 'interrupted', message: `interrupted by ${signal}` })
    const lines = readReport(r1)
    const accepted = await box.eventIds()
    const delivered = lines.filter((line) => line.outcome === 'delivered').map((line) => line.eventId)
    // No event the sandbox accepted is missing from the report; none is claimed that it did not accept.
    expect(new Set(delivered)).toEqual(new Set(Object.keys(accepted)))
    expect(Object.values(accepted).every((count) => count === 1)).toBe(true)
    expect(countOutcomes(lines)).toEqual({ delivered: delivered.length, 'not-sent': summary.notSent })
    expect(summary).toMatchObject({ delivered: delivered.length, unknown: 0, failed: 0 })
    expect(summary.delivered + summary.notSent).toBe(summary.eventsRead)
    expect(summary.eventsRead).toBeLessThan(EVENTS.length)

    const r2 = join(dir, `${signal}-2.ndjson`)
    const second = send(box, '--resume', r1, '--report', r2)
    expect(await second.exited).toBe(0)
    const resumed = JSON.parse(second.stdout()) as RunSummary
    expect(resumed).toMatchObject({
      eventsRead: EVENTS.length,
      skipped: delivered.length,
      delivered: EVENTS.length - delivered.length,
      notSent: 0,
      resume: { reports: [r1], deliveries: delivered.length, unreadableLines: 0 }
    })
    expect(resumed.stopped).toBeUndefined()
    const everything = await box.eventIds()
    expect(Object.keys(everything).sort()).toEqual(
      EVENTS.map((event) => purchaseEventId(String(event.messageId))).sort()
    )
    expect(Object.values(everything).every((count) => count === 1)).toBe(true)
  })
})

describe('a second signal', () => {
  it('abandons the requests in flight: exit 130, their events reported unknown', async () => {
    sandbox = await startSandboxProcess(dir, ['--latency-ms', '60000'])
    const box = sandbox
    const report = join(dir, 'twice.ndjson')
    // Every answer takes a minute: the credentials check is skipped, so the first batch is what hangs.
    const run = send(box, '--report', report, '--concurrency', '1', '--no-auth-check')
    await waitFor(async () => ((await box.stats()).requests >= 1 ? true : undefined), {
      what: 'a batch to be in flight'
    })
    run.process.kill('SIGINT')
    await waitFor(async () => (run.stderr().includes('SIGINT: stopping') ? true : undefined), {
      what: 'the runner to say it is stopping'
    })
    run.process.kill('SIGINT')
    expect(await run.exited).toBe(130)
    expect(run.stderr()).toContain(
      '\nSIGINT again: abandoning the requests in flight (their events are reported unknown)\n'
    )
    const summary = JSON.parse(run.stdout()) as RunSummary
    expect(summary).toMatchObject({ delivered: 0, unknown: 200 })
    const lines = readReport(report)
    expect(lines.filter((line) => line.outcome === 'unknown').map((line) => line.messageId)).toEqual(
      EVENTS.slice(0, 200).map((event) => event.messageId)
    )
  })
})
