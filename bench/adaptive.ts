/**
 * The pace controller over a grid of sandbox conditions: latency × rate limit,
 * each cell sent twice by the CLI in its own process, with the default
 * (adaptive) pace and with a fixed --concurrency 4, against a sandbox in
 * another. Per run: events/s, its share of the cell's ceiling (the lower of
 * rate limit × 1,000 events per request and the zero-latency rate measured in
 * this same run), requests refused, duplicates and lost, peak RSS.
 */
import { rm } from 'node:fs/promises'
import type { RunSummary } from '../src/cli/summary-types'
import { acceptedIds, rssOf, spawnSandbox, startCli, writeEventsFile } from './runner'

export const LATENCIES_MS = [0, 50, 200, 1000]
/** Requests per second the sandbox allows; undefined: no limit. */
export const RATE_LIMITS: Array<number | undefined> = [undefined, 2, 5, 20]
const EVENTS_PER_REQUEST = 1000

export interface PaceRun {
  latencyMs: number
  rateLimit: number | 'none'
  mode: 'adaptive' | 'fixed-4'
  events: number
  seconds: number
  eventsPerSecond: number
  /** eventsPerSecond / the cell's ceiling. */
  shareOfCeiling: number
  requests: number
  /** Requests the sandbox refused for rate (40100). */
  refused: number
  refusedShare: number
  /** Event ids the sandbox accepted more than once (must be 0). */
  duplicates: number
  /** Events the run reported failed (still throttled or failing after its last retry): not lost, to be resent with --resume. */
  failed: number
  /** Events neither accepted nor reported failed, rejected, not sent or unknown (must be 0). */
  lost: number
  peakConcurrency: number
  meanConcurrency: number
  peakRssMb: number
  exitCode: number
}

interface Cell {
  latencyMs: number
  rateLimit?: number
}

/** One CLI run of `events` events against a sandbox with the cell's latency and limit. */
async function runCell(cell: Cell, mode: PaceRun['mode'], events: number, ceiling: number): Promise<PaceRun> {
  const file = await writeEventsFile(events)
  const flags = ['--latency-ms', String(cell.latencyMs)]
  if (cell.rateLimit !== undefined) flags.push('--rate-limit', String(cell.rateLimit))
  const { url, child: sandbox } = await spawnSandbox(flags)
  const concurrency = mode === 'fixed-4' ? ['--concurrency', '4'] : []
  const samples: number[] = []
  try {
    const started = Date.now()
    // No --report: every event is checked against the sandbox's event ids instead.
    const cli = startCli(['send', file, '--sandbox-url', url, '--json', '--no-progress', ...concurrency])
    const pid = cli.child.pid ?? 0
    const sampler = setInterval(() => void rssOf(pid).then((rss) => rss > 0 && samples.push(rss)), 100)
    const exitCode = await cli.exited
    clearInterval(sampler)
    const seconds = (Date.now() - started) / 1000
    const summary = JSON.parse(cli.stdout()) as RunSummary
    const ids = await acceptedIds(url)
    const stats = (await (await fetch(`${url}/sandbox/stats`)).json()) as {
      requests: number
      faults: Record<string, number>
    }
    const counts = Object.values(ids)
    const eventsPerSecond = Math.round(events / seconds)
    const refused = stats.faults.rateLimit ?? 0
    return {
      latencyMs: cell.latencyMs,
      rateLimit: cell.rateLimit ?? 'none',
      mode,
      events,
      seconds: Math.round(seconds * 10) / 10,
      eventsPerSecond,
      shareOfCeiling: Math.round((eventsPerSecond / ceiling) * 100) / 100,
      requests: stats.requests,
      refused,
      refusedShare: Math.round((refused / Math.max(1, stats.requests)) * 1000) / 1000,
      duplicates: counts.filter((times) => times > 1).length,
      failed: summary.failed,
      lost: events - counts.length - summary.failed - summary.rejected - summary.notSent - summary.unknown,
      peakConcurrency: summary.pace?.peakConcurrency ?? 0,
      meanConcurrency: summary.pace?.meanConcurrency ?? 0,
      peakRssMb: Math.round(Math.max(0, ...samples) / 2 ** 20),
      exitCode
    }
  } finally {
    sandbox.kill()
    await rm(file, { force: true })
  }
}

/**
 * The grid. The zero-latency, no-limit cell runs first: its better events/s is
 * the machine's ceiling for the others. Each cell's events: `seconds` at its
 * ceiling, at least `minEvents`.
 */
export async function benchAdaptive(
  seconds: number,
  minEvents: number,
  onRun: (run: PaceRun) => void = () => undefined
): Promise<{ zeroLatencyRate: number; runs: PaceRun[] }> {
  const runs: PaceRun[] = []
  const size = (ceiling: number): number =>
    Math.max(minEvents, Math.round((ceiling * seconds) / EVENTS_PER_REQUEST) * EVENTS_PER_REQUEST)
  // The machine's rate: a first guess sizes the zero-latency cell, which then measures it.
  const guess = 9000
  const first: PaceRun[] = []
  for (const mode of ['adaptive', 'fixed-4'] as const) {
    first.push(await runCell({ latencyMs: 0 }, mode, size(guess), guess))
  }
  const zeroLatencyRate = Math.max(...first.map((run) => run.eventsPerSecond))
  for (const run of first) {
    run.shareOfCeiling = Math.round((run.eventsPerSecond / zeroLatencyRate) * 100) / 100
    runs.push(run)
    onRun(run)
  }
  for (const rateLimit of RATE_LIMITS) {
    for (const latencyMs of LATENCIES_MS) {
      if (rateLimit === undefined && latencyMs === 0) continue
      const ceiling = Math.min(zeroLatencyRate, rateLimit === undefined ? Infinity : rateLimit * EVENTS_PER_REQUEST)
      const events = size(ceiling)
      for (const mode of ['adaptive', 'fixed-4'] as const) {
        const run = await runCell({ latencyMs, rateLimit }, mode, events, ceiling)
        runs.push(run)
        onRun(run)
      }
    }
  }
  return { zeroLatencyRate, runs }
}
