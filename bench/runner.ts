import { spawn, type ChildProcess } from 'node:child_process'
import { createReadStream, createWriteStream } from 'node:fs'
import { mkdir, readFile, rm } from 'node:fs/promises'
import path from 'node:path'
import { once } from 'node:events'
import { createInterface } from 'node:readline'
import { runSend } from '../src/cli/run-send'
import { DEFAULT_ACCESS_TOKEN, DEFAULT_EVENT_SET_ID } from '../src/sandbox/server'
import { offlineConversion } from './events'

const WORK_DIR = path.join(__dirname, '..', '..', '.bench')
const SANDBOX_MAIN = path.join(__dirname, '..', 'src', 'sandbox', 'main.js')

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
async function writeEventsFile(count: number): Promise<string> {
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
async function spawnSandbox(flags: string[]): Promise<{ url: string; child: ChildProcess }> {
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

/** Reads the report: per event, its outcome. */
async function reportOutcomes(file: string): Promise<Map<string, string>> {
  const outcomes = new Map<string, string>()
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity })
  for await (const line of lines) {
    const { messageId, outcome } = JSON.parse(line) as { messageId: string; outcome: string }
    outcomes.set(messageId, outcome)
  }
  return outcomes
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
    const accepted = (await (await fetch(`${url}/sandbox/event-ids`)).json()) as Record<string, number>
    const outcomes = await reportOutcomes(report)
    let acceptedOnce = true
    let accounted = 0
    for (const [messageId, outcome] of outcomes) {
      const times = accepted[messageId] ?? 0
      if (outcome === 'delivered' ? times !== 1 : times !== 0) acceptedOnce = false
      if (['delivered', 'rejected', 'failed'].includes(outcome)) accounted++
    }
    const tenths = Array.from({ length: 10 }, (_, k) => {
      const at = started + ((k + 1) / 10) * (finished - started)
      const sample = samples.reduce((best, s) => (Math.abs(s.at - at) < Math.abs(best.at - at) ? s : best), samples[0])
      return Math.round((sample?.rss ?? 0) / 2 ** 20)
    })
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
      rssByTenthMb: tenths,
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
