import { spawn, type ChildProcess } from 'node:child_process'
import type { SegmentEvent } from '@segment/actions-core'
import { createReadStream, createWriteStream } from 'node:fs'
import { mkdir, readFile, rm } from 'node:fs/promises'
import path from 'node:path'
import { once } from 'node:events'
import { createInterface } from 'node:readline'
import { createGzip } from 'node:zlib'
import { runSend } from '../src/cli/run-send'
import type { RunSummary } from '../src/cli/summary-types'
import { DEFAULT_ACCESS_TOKEN, DEFAULT_EVENT_SET_ID } from '../src/sandbox/server'
import { offlineConversion } from './events'

const WORK_DIR = path.join(__dirname, '..', '..', '.bench')
const SANDBOX_MAIN = path.join(__dirname, '..', 'src', 'sandbox', 'main.js')
const CLI_MAIN = path.join(__dirname, '..', 'src', 'cli', 'main.js')

export interface RunnerFigures {
  events: number
  seconds: number
  eventsPerSecond: number
  delivered: number
  rejected: number
  failed: number
  httpRequests: number
  retried: number
  /** Highest runner RSS sampled (every 100 ms) during the run. */
  peakRssMb: number
  /** Runner RSS (MB) at each tenth of the run: flat means bounded memory. */
  rssByTenthMb: number[]
  /** Checked against the sandbox: each delivered event accepted exactly once, and the counts add up. */
  acceptedOnce: boolean
  countsAddUp: boolean
}

/** Writes N NDJSON events, streamed so that a file of millions costs no memory. */
export async function writeEventsFile(count: number): Promise<string> {
  await mkdir(WORK_DIR, { recursive: true })
  const file = path.join(WORK_DIR, `events-${count}.ndjson`)
  const out = createWriteStream(file)
  const now = Date.now()
  for (let i = 0; i < count; i++) {
    if (!out.write(JSON.stringify(offlineConversion(i, now)) + '\n')) await once(out, 'drain')
  }
  out.end()
  await once(out, 'finish')
  return file
}

/** The sandbox in its own process, so the runner's memory is measured alone. */
export async function spawnSandbox(flags: string[]): Promise<{ url: string; child: ChildProcess }> {
  const readyFile = path.join(WORK_DIR, `sandbox-${process.pid}-${Date.now()}.url`)
  const child = spawn(process.execPath, [SANDBOX_MAIN, '--keep-events', '0', '--ready-file', readyFile, ...flags], {
    stdio: ['ignore', 'ignore', 'inherit']
  })
  for (let waited = 0; waited < 10_000; waited += 50) {
    const url = await readFile(readyFile, 'utf8').catch(() => '')
    if (url) {
      await rm(readyFile, { force: true })
      return { url: url.trim(), child }
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  child.kill()
  throw new Error('the sandbox did not start within 10 s')
}

/**
 * Reads the report: the outcome of each line, and per event_id sent (what the
 * sandbox counts by: for a purchase its order ID, not the messageId) the
 * outcome of its line. Lines of events never built into a TikTok event have no eventId.
 */
async function reportOutcomes(file: string): Promise<{ outcomes: string[]; byEventId: Map<string, string> }> {
  const outcomes: string[] = []
  const byEventId = new Map<string, string>()
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity })
  for await (const line of lines) {
    const { eventId, outcome } = JSON.parse(line) as { eventId?: string; outcome: string }
    outcomes.push(outcome)
    if (eventId !== undefined) byEventId.set(eventId, outcome)
  }
  return { outcomes, byEventId }
}

/**
 * The runner on a file of N events against the sandbox (its own process),
 * with optional faults; then every event is checked: accepted exactly once by
 * event_id, or reported failed or rejected, and the counts add up to N.
 */
export async function benchRunner(count: number, sandboxFlags: string[] = []): Promise<RunnerFigures> {
  const file = await writeEventsFile(count)
  const report = path.join(WORK_DIR, `report-${count}.ndjson`)
  const { url, child } = await spawnSandbox(sandboxFlags)
  const samples: { at: number; rss: number }[] = []
  const sampler = setInterval(() => samples.push({ at: Date.now(), rss: process.memoryUsage().rss }), 100)
  const started = Date.now()
  try {
    const summary = await runSend({
      inputs: [file],
      sandboxUrl: url,
      accessToken: DEFAULT_ACCESS_TOKEN,
      eventSetId: DEFAULT_EVENT_SET_ID,
      report
    })
    const finished = Date.now()
    clearInterval(sampler)
    const seconds = (finished - started) / 1000
    const { acceptedOnce, accounted } = await checkReport(report, await acceptedIds(url))
    return {
      events: count,
      seconds,
      eventsPerSecond: Math.round(count / seconds),
      delivered: summary.delivered,
      rejected: summary.rejected,
      failed: summary.failed,
      httpRequests: summary.httpRequests,
      retried: summary.retried,
      peakRssMb: Math.round(Math.max(...samples.map((sample) => sample.rss)) / 2 ** 20),
      rssByTenthMb: tenths(samples, started, finished),
      acceptedOnce,
      countsAddUp: accounted === count && summary.delivered + summary.rejected + summary.failed === count
    }
  } finally {
    clearInterval(sampler)
    child.kill()
    await rm(file, { force: true })
    await rm(report, { force: true })
  }
}

// ---------------------------------------------------------------------------
// The backfill: the CLI as a user runs it, on an archive folder of gzip files

export interface BackfillFigures {
  events: number
  files: number
  gzipBytes: number
  /** From the CLI's start to its exit, startup included. */
  seconds: number
  eventsPerSecond: number
  delivered: number
  httpRequests: number
  /** Highest RSS of the CLI process, sampled every 100 ms from /proc. */
  peakRssMb: number
  /** CLI RSS (MB) at each tenth of the run: flat means bounded memory. */
  rssByTenthMb: number[]
  exitCode: number
  acceptedOnce: boolean
  countsAddUp: boolean
}

/** Writes `count` events into `files` gzip NDJSON files in a folder, one per "hour", streamed. */
async function writeArchive(
  count: number,
  files: number,
  event: (i: number, nowMs: number) => SegmentEvent = offlineConversion,
  name = 'archive'
): Promise<{ folder: string; bytes: number }> {
  const folder = path.join(WORK_DIR, `${name}-${count}`)
  await rm(folder, { recursive: true, force: true })
  await mkdir(folder, { recursive: true })
  const now = Date.now()
  let bytes = 0
  const perFile = Math.ceil(count / files)
  for (let file = 0; file < files; file++) {
    const name = path.join(folder, `${String(file).padStart(2, '0')}.gz`)
    const gzip = createGzip()
    const out = createWriteStream(name)
    gzip.pipe(out)
    for (let i = file * perFile; i < Math.min(count, (file + 1) * perFile); i++) {
      if (!gzip.write(JSON.stringify(event(i, now)) + '\n')) await once(gzip, 'drain')
    }
    gzip.end()
    await once(out, 'finish')
    bytes += out.bytesWritten
  }
  return { folder, bytes }
}

/** The RSS of a process in bytes, read from /proc (Linux); 0 when it cannot be read. */
export async function rssOf(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '')
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(status)
  return match ? Number(match[1]) * 1024 : 0
}

export interface CliRun {
  child: ChildProcess
  exited: Promise<number>
  stdout(): string
}

export function startCli(args: string[]): CliRun {
  const child = spawn(process.execPath, [CLI_MAIN, ...args], { stdio: ['ignore', 'pipe', 'inherit'] })
  let out = ''
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')))
  const exited = new Promise<number>((resolve) => child.once('exit', (code) => resolve(code ?? -1)))
  return { child, exited, stdout: () => out }
}

/** `send <folder> --sandbox-url … --report … --json` by the CLI in its own process, its RSS sampled every 100 ms. */
async function sendSampled(folder: string, url: string, report: string) {
  const samples: { at: number; rss: number }[] = []
  const started = Date.now()
  const cli = startCli(['send', folder, '--sandbox-url', url, '--report', report, '--json', '--no-progress'])
  const pid = cli.child.pid ?? 0
  const sampler = setInterval(() => {
    void rssOf(pid).then((rss) => rss > 0 && samples.push({ at: Date.now(), rss }))
  }, 100)
  const exitCode = await cli.exited
  clearInterval(sampler)
  const finished = Date.now()
  return {
    exitCode,
    stdout: cli.stdout(),
    seconds: (finished - started) / 1000,
    peakRssMb: Math.round(Math.max(0, ...samples.map((sample) => sample.rss)) / 2 ** 20),
    rssByTenthMb: tenths(samples, started, finished)
  }
}

/** What the sandbox accepted, per event_id. */
export async function acceptedIds(url: string): Promise<Record<string, number>> {
  return (await (await fetch(`${url}/sandbox/event-ids`)).json()) as Record<string, number>
}

/**
 * 1,000,000 events (by default) in 10 gzip files, sent by the CLI in a process
 * of its own to the sandbox in another: events/s, the CLI's RSS over the run,
 * and every event checked against the sandbox (accepted exactly once).
 */
export async function benchBackfill(count: number, files = 10): Promise<BackfillFigures> {
  const { folder, bytes } = await writeArchive(count, files)
  const report = path.join(WORK_DIR, `backfill-report-${count}.ndjson`)
  const { url, child: sandbox } = await spawnSandbox([])
  try {
    const { exitCode, stdout, seconds, peakRssMb, rssByTenthMb } = await sendSampled(folder, url, report)
    const summary = JSON.parse(stdout) as RunSummary
    const { acceptedOnce, accounted } = await checkReport(report, await acceptedIds(url))
    return {
      events: count,
      files,
      gzipBytes: bytes,
      seconds,
      eventsPerSecond: Math.round(count / seconds),
      delivered: summary.delivered,
      httpRequests: summary.httpRequests,
      peakRssMb,
      rssByTenthMb,
      exitCode,
      acceptedOnce,
      countsAddUp: accounted === count && summary.delivered === count
    }
  } finally {
    sandbox.kill()
    await rm(folder, { recursive: true, force: true })
    await rm(report, { force: true })
  }
}

export interface ResumeFigures {
  events: number
  /** Runs interrupted (SIGINT) before the one that completed. */
  interruptions: number
  /** The number of events the sandbox had accepted when each SIGINT was sent (drawn at random). */
  interruptedAt: number[]
  /** Exit status of each run, in order (130 for the interrupted ones). */
  exitCodes: number[]
  /** Events each resumed run skipped. */
  skipped: number[]
  uniqueAccepted: number
  /** Event ids the sandbox accepted more than once (must be 0). */
  duplicates: number
  /** Every event accepted by the sandbox exactly once. */
  everyEventOnce: boolean
}

/** mulberry32: a seeded PRNG, so a bench run's "random" moments can be replayed. */
function seeded(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = Math.imul(state ^ (state >>> 15), state | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * 100,000 events (by default) in gzip files, sent by the CLI; SIGINT at a
 * random moment (after a random number of further events was accepted), then
 * the same command with --resume every earlier report, again and again; the
 * last run completes. Proof: the sandbox accepted every event exactly once.
 */
export async function benchResume(count: number, interruptions = 5, seed = 20261129): Promise<ResumeFigures> {
  const { folder } = await writeArchive(count, 4)
  const { url, child: sandbox } = await spawnSandbox([])
  const random = seeded(seed)
  const reports: string[] = []
  const figures: ResumeFigures = {
    events: count,
    interruptions: 0,
    interruptedAt: [],
    exitCodes: [],
    skipped: [],
    uniqueAccepted: 0,
    duplicates: 0,
    everyEventOnce: false
  }
  const accepted = async (): Promise<number> =>
    ((await (await fetch(`${url}/sandbox/stats`)).json()) as { acceptedEvents: number }).acceptedEvents
  try {
    for (let run = 0; ; run++) {
      const report = path.join(WORK_DIR, `resume-report-${run}.ndjson`)
      const resume = reports.flatMap((earlier) => ['--resume', earlier])
      const cli = startCli([
        'send',
        folder,
        '--sandbox-url',
        url,
        '--report',
        report,
        '--json',
        '--no-progress',
        ...resume
      ])
      reports.push(report)
      let exited = false
      void cli.exited.then(() => (exited = true))
      if (run < interruptions) {
        // A random moment: once between 2 % and 20 % of the events more were accepted.
        const before = await accepted()
        const target = Math.min(count - 1, before + Math.round(count * (0.02 + 0.18 * random())))
        while (!exited && (await accepted()) < target) await new Promise((resolve) => setTimeout(resolve, 5))
        if (!exited) {
          figures.interruptedAt.push(await accepted())
          cli.child.kill('SIGINT')
        }
      }
      const code = await cli.exited
      figures.exitCodes.push(code)
      const summary = JSON.parse(cli.stdout()) as RunSummary
      if (run > 0) figures.skipped.push(summary.skipped)
      if (code === 130) figures.interruptions++
      else if (code === 0) break
      else throw new Error(`the CLI exited ${code}`)
    }
    const ids = await acceptedIds(url)
    const counts = Object.values(ids)
    figures.uniqueAccepted = counts.length
    figures.duplicates = counts.filter((times) => times > 1).length
    figures.everyEventOnce = counts.length === count && figures.duplicates === 0
    return figures
  } finally {
    sandbox.kill()
    await rm(folder, { recursive: true, force: true })
    for (const report of reports) await rm(report, { force: true })
  }
}

/**
 * Each report line against what the sandbox accepted, by event_id: delivered =
 * accepted exactly once, rejected or failed = never; unknown (no answer in
 * time) may be either; and every event_id the sandbox accepted is in the report.
 */
async function checkReport(
  report: string,
  accepted: Record<string, number>
): Promise<{ acceptedOnce: boolean; accounted: number }> {
  const { outcomes, byEventId } = await reportOutcomes(report)
  let acceptedOnce = true
  for (const [eventId, outcome] of byEventId) {
    const times = accepted[eventId] ?? 0
    if (outcome === 'delivered' ? times !== 1 : outcome !== 'unknown' && times !== 0) acceptedOnce = false
  }
  for (const eventId of Object.keys(accepted)) if (!byEventId.has(eventId)) acceptedOnce = false
  const accounted = outcomes.filter((outcome) => ['delivered', 'rejected', 'failed'].includes(outcome)).length
  return { acceptedOnce, accounted }
}

/** The sample nearest each tenth of the run (MB). */
function tenths(samples: readonly { at: number; rss: number }[], started: number, finished: number): number[] {
  return Array.from({ length: 10 }, (_, k) => {
    const at = started + ((k + 1) / 10) * (finished - started)
    const sample = samples.reduce((best, s) => (Math.abs(s.at - at) < Math.abs(best.at - at) ? s : best), samples[0])
    return Math.round((sample?.rss ?? 0) / 2 ** 20)
  })
}

// ---------------------------------------------------------------------------
// Memory: events near the runner's size limit

/** The backfill's figures for an archive of events near the size limit, with the size of one. */
export interface MemoryFigures extends Pick<
  BackfillFigures,
  'events' | 'files' | 'seconds' | 'delivered' | 'httpRequests' | 'peakRssMb' | 'rssByTenthMb' | 'exitCode'
> {
  /** Characters of one event's JSON line. */
  eventChars: number
  /** Every event delivered, and accepted by the sandbox exactly once. */
  acceptedOnce: boolean
}

/**
 * A purchase of about `chars` characters: its products (which the Complete
 * Payment preset maps into `contents`) make up the size, as a huge cart would.
 */
function hugeOrder(i: number, chars: number, nowMs: number): SegmentEvent {
  const order = offlineConversion(i * 10, nowMs)
  const product = { product_id: 'sku-1001', name: 'Organic Cotton Tee', category: 'Apparel', price: 19.99, quantity: 1 }
  const each = JSON.stringify(product).length + 1
  const products = Array.from({ length: Math.max(1, Math.floor(chars / each)) }, (_, k) => ({
    ...product,
    product_id: `sku-${k}`
  }))
  return { ...order, properties: { ...order.properties, products } }
}

/**
 * 300 events of about 600,000 characters each (under the runner's
 * 1,000,000-character limit), in 3 gzip files, sent by the CLI in a process of
 * its own to the sandbox in another: the CLI's peak RSS.
 */
export async function benchMemory(count: number, chars: number, files = 3): Promise<MemoryFigures> {
  const huge = (i: number, nowMs: number): SegmentEvent => hugeOrder(i, chars, nowMs)
  const { folder } = await writeArchive(count, files, huge, 'memory')
  const report = path.join(WORK_DIR, `memory-report-${count}.ndjson`)
  const { url, child: sandbox } = await spawnSandbox([])
  try {
    const { exitCode, stdout, seconds, peakRssMb, rssByTenthMb } = await sendSampled(folder, url, report)
    const summary = JSON.parse(stdout || '{}') as Partial<RunSummary>
    const accepted = await acceptedIds(url)
    const delivered = (await readFile(report, 'utf8').catch(() => ''))
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { outcome: string; eventId?: string })
      .filter((line) => line.outcome === 'delivered')
    return {
      events: count,
      eventChars: JSON.stringify(huge(0, Date.now())).length,
      files,
      seconds,
      delivered: summary.delivered ?? 0,
      httpRequests: summary.httpRequests ?? 0,
      peakRssMb,
      rssByTenthMb,
      exitCode,
      acceptedOnce: delivered.length === count && delivered.every((line) => accepted[line.eventId ?? ''] === 1)
    }
  } finally {
    sandbox.kill()
    await rm(folder, { recursive: true, force: true })
    await rm(report, { force: true })
  }
}
