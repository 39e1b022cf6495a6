/**
 * Item 3: --resume skips what earlier reports show delivered. Runs here are
 * interrupted in-process at a moment the sandbox tells (after N events were
 * accepted); signals.test.ts does the same with real signals, in processes.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startSandbox, type Sandbox } from '../../sandbox/server'
import type { InterruptSource } from '../control'
import { InputOutputError, UsageError } from '../errors'
import { EXIT_INTERRUPTED, EXIT_OK, exitStatus } from '../exit-status'
import { DeliveredSet } from '../delivered-set'
import { readResume } from '../resume'
import { runSend, type RunSendOptions } from '../run-send'
import { countOutcomes, ndjson, purchase, readReport } from './helpers'

let dir: string
let sandbox: Sandbox
const quiet: Partial<RunSendOptions> = { progress: false, retry: { baseDelayMs: 1, maxDelayMs: 2 } }

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'runner-resume-'))
  sandbox = await startSandbox({ latencyMs: 20 })
})
afterAll(async () => {
  await sandbox.close()
  rmSync(dir, { recursive: true, force: true })
})
beforeEach(() => sandbox.reset())

/** An interrupt (as Ctrl-C) once the sandbox has accepted at least `accepted` events. */
function interruptAfter(accepted: number): InterruptSource {
  return (onSignal) => {
    const timer = setInterval(() => {
      if (sandbox.stats().acceptedEvents < accepted) return
      clearInterval(timer)
      onSignal('SIGINT')
    }, 2)
    return () => clearInterval(timer)
  }
}

describe('DeliveredSet', () => {
  it('holds what was added, per messageId and preset, and nothing else, past its first growth', () => {
    const set = new DeliveredSet()
    const ids = Array.from({ length: 40_000 }, (_, i) => `m-${i}`)
    const added = ids.slice(0, 20_000).filter((id) => set.add(id, 'Complete Payment'))
    expect(added).toHaveLength(20_000)
    expect(set.add('m-7', 'Complete Payment')).toBe(false)
    expect(set.size).toBe(20_000)
    expect(ids.filter((id) => set.has(id, 'Complete Payment'))).toEqual(ids.slice(0, 20_000))
    expect(set.has('m-1', 'Contact')).toBe(false)
    expect(set.has('m-1', null)).toBe(false)
    set.add('m-1', null)
    expect(set.has('m-1', null)).toBe(true)
  })
})

describe('readResume', () => {
  const line = (outcome: string, messageId: string | null, preset: string | null = 'Complete Payment'): string =>
    JSON.stringify({
      file: 'a.ndjson',
      index: 1,
      messageId,
      action: 'x',
      preset,
      status: 200,
      outcome,
      error: null,
      attempts: 1,
      target: 'sandbox',
      ...(messageId === null ? {} : { event: 'CompletePayment', eventId: messageId })
    })

  it('takes delivered and skipped lines; a line cut short (a run killed mid-write) is counted, not fatal', async () => {
    const report = join(dir, 'earlier.ndjson')
    writeFileSync(
      report,
      [
        line('delivered', 'd-1'),
        line('skipped', 'd-2'),
        line('delivered', 'd-1'),
        line('rejected', 'r-1'),
        line('failed', 'f-1'),
        line('not-sent', 'n-1'),
        line('unknown', 'u-1'),
        line('input-error', null, null),
        '{"file":"a.ndjson","index":9,"messageId":"cut'
      ].join('\n')
    )
    const resume = await readResume([report], { target: 'sandbox' })
    expect(resume).toMatchObject({ reports: [report], deliveries: 2, unreadableLines: 1 })
    expect(
      ['d-1', 'd-2', 'r-1', 'f-1', 'n-1', 'u-1'].filter((id) => resume.delivered.has(id, 'CompletePayment'))
    ).toEqual(['d-1', 'd-2'])
  })

  it('refuses a file that is not a report, and one that is missing', async () => {
    const notReport = join(dir, 'events.ndjson')
    writeFileSync(notReport, ndjson([purchase('x')]))
    await expect(readResume([notReport], { target: 'sandbox' })).rejects.toThrow(
      new UsageError(`--resume ${notReport}: not a report of this runner (no line has an outcome and a messageId)`)
    )
    await expect(readResume([join(dir, 'nope.ndjson')], { target: 'sandbox' })).rejects.toThrow(InputOutputError)
  })
})

describe('send --resume', () => {
  const EVENTS = Array.from({ length: 3000 }, (_, i) => purchase(`resume-${i}`))
  let input: string
  beforeAll(() => {
    input = join(dir, 'events.ndjson')
    writeFileSync(input, ndjson(EVENTS))
  })
  const run = (options: Partial<RunSendOptions>) =>
    runSend({ ...quiet, inputs: [input], sandboxUrl: sandbox.url, batchSize: 100, concurrency: 2, ...options })

  it('interrupted twice and resumed each time: every event accepted exactly once, the skips counted', async () => {
    const first = await run({ report: join(dir, 'r1.ndjson'), interrupts: interruptAfter(500) })
    expect(exitStatus(first, false)).toBe(EXIT_INTERRUPTED)
    const r1 = readReport(join(dir, 'r1.ndjson'))
    const delivered1 = r1.filter((line) => line.outcome === 'delivered').map((line) => line.eventId)
    // No event the sandbox accepted is missing from the report, and the report claims no more.
    expect(new Set(delivered1)).toEqual(new Set(Object.keys(Object.fromEntries(sandbox.eventIdCounts()))))
    expect(first.notSent).toBe(r1.filter((line) => line.outcome === 'not-sent').length)
    expect(first.delivered + first.notSent).toBe(first.eventsRead)

    const second = await run({
      report: join(dir, 'r2.ndjson'),
      resume: [join(dir, 'r1.ndjson')],
      interrupts: interruptAfter(delivered1.length + 700)
    })
    expect(exitStatus(second, false)).toBe(EXIT_INTERRUPTED)
    expect(second.resume).toEqual({
      reports: [join(dir, 'r1.ndjson')],
      deliveries: delivered1.length,
      unreadableLines: 0
    })

    const third = await run({
      report: join(dir, 'r3.ndjson'),
      resume: [join(dir, 'r1.ndjson'), join(dir, 'r2.ndjson')]
    })
    expect(exitStatus(third, false)).toBe(EXIT_OK)
    expect(third.stopped).toBeUndefined()
    expect(third.eventsRead).toBe(EVENTS.length)
    expect(third.skipped + third.delivered).toBe(EVENTS.length)
    expect(third.skipped).toBe(first.delivered + second.delivered)
    expect(countOutcomes(readReport(join(dir, 'r3.ndjson')))).toEqual({
      skipped: third.skipped,
      delivered: third.delivered
    })

    const counts = sandbox.eventIdCounts()
    expect(counts.size).toBe(EVENTS.length)
    expect([...counts.values()].every((count) => count === 1)).toBe(true)
    expect(sandbox.stats().duplicateEventIds).toBe(0)
  })

  it("skips only what the same subscription delivered: a custom mapping's deliveries do not skip the presets'", async () => {
    const report = join(dir, 'custom.ndjson')
    const custom = await run({
      inputs: [input],
      report,
      action: 'trackNonPaymentOfflineConversion',
      mapping: {
        event: 'PlaceAnOrder',
        event_id: { '@path': '$.messageId' },
        email_addresses: { '@path': '$.context.traits.email' }
      },
      subscribe: 'type = "track" and event = "Order Completed"'
    })
    expect(custom.delivered).toBe(EVENTS.length)
    const presets = await run({ resume: [report] })
    expect(presets).toMatchObject({ skipped: 0, delivered: EVENTS.length })
  })
})
