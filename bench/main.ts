/**
 * npm run bench [-- --overhead-events N] [--rounds N] [--events N] [--latency-ms MS] [--runner-events N]
 *               [--backfill-events N] [--resume-events N] [--interruptions N] [--adaptive-seconds S]
 *               [--adaptive-min-events N] [--memory-events N] [--memory-event-chars N] [--only a,b]
 * Sections: overhead, destination, runner, faults, backfill, resume, adaptive, memory, each in a fresh process.
 * Prints a table and one JSON line per section. Figures, not assertions: see README.
 */
import { spawnSync } from 'node:child_process'
import os from 'node:os'
import { benchAdaptive, type PaceRun } from './adaptive'
import { benchDestination } from './destination'
import { benchOverhead } from './overhead'
import { benchBackfill, benchMemory, benchResume, benchRunner, type RunnerFigures } from './runner'

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`)
  return index >= 0 ? Number(process.argv[index + 1]) : fallback
}

function machine(): string {
  return `${os.cpus().length} × ${os.cpus()[0]?.model.trim() ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`
}

/** 10 % of requests fail, mixed: TikTok 50000/50002, HTTP 503, HTTP 429 + Retry-After, dropped connections, non-JSON bodies. */
const MIXED_FAULTS = [
  ...['--server-error-rate', '0.03', '--http-5xx-rate', '0.02', '--http-429-rate', '0.02'],
  ...['--drop-rate', '0.015', '--malformed-rate', '0.015', '--seed', '20261127']
]

function printRunner(section: string, title: string, figures: RunnerFigures): void {
  console.log(`\n# ${section}: ${title}`)
  const { rssByTenthMb, ...row } = figures
  console.table([row])
  console.log(`runner RSS (MB) at each tenth of the run: ${rssByTenthMb.join(' ')}`)
  console.log(JSON.stringify({ bench: section, machine: machine(), ...figures }))
}

const SECTIONS = ['overhead', 'destination', 'runner', 'faults', 'backfill', 'resume', 'adaptive', 'memory']

/** Each section in a process of its own, so one section's memory does not show in the next one's figures. */
function runSectionsApart(sections: string[]): void {
  console.log(`machine: ${machine()}`)
  const args = process.argv.slice(2).filter((arg, i, all) => arg !== '--only' && all[i - 1] !== '--only')
  for (const section of sections) {
    const child = spawnSync(process.execPath, [__filename, ...args, '--only', section, '--section-process'], {
      stdio: 'inherit'
    })
    if (child.status !== 0) process.exit(child.status ?? 1)
  }
}

async function main(): Promise<void> {
  const only = process.argv.includes('--only')
    ? new Set((process.argv[process.argv.indexOf('--only') + 1] ?? '').split(',').filter(Boolean))
    : new Set(SECTIONS)
  if (!process.argv.includes('--section-process')) return runSectionsApart(SECTIONS.filter((s) => only.has(s)))
  const wanted = (section: string) => only.has(section)

  if (wanted('overhead')) {
    const events = option('overhead-events', 20_000)
    const rounds = option('rounds', 5)
    console.log(
      `\n# overhead: ${events} Order Completed events through actions-core's batch path, this destination beside a no-op one with the same fields (the floor), batch by batch, each batch's best of ${rounds} rounds; TikTok stubbed in a process of its own`
    )
    const figures = await benchOverhead(events, rounds)
    console.table([figures])
    console.log(
      `destination / floor: ${figures.ratio} (target ${figures.targetRatio}: ${figures.targetMet ? 'met' : 'NOT met'}); the destination's own work: ${figures.ownMicrosecondsPerEvent} µs per event over the floor's ${figures.floorMicrosecondsPerEvent} µs`
    )
    console.log(JSON.stringify({ bench: 'overhead', machine: machine(), ...figures }))
  }
  if (wanted('destination')) {
    const events = option('events', 10_000)
    const latencyMs = option('latency-ms', 2)
    console.log(`\n# destination: ${events} Order Completed events through actions-core, HTTP answered by a local stub`)
    const { paths, ratios } = await benchDestination(events, [0, latencyMs])
    console.table(paths)
    for (const [latency, ratio] of Object.entries(ratios)) {
      console.log(`batch / single events/s at stub latency ${latency}: ${ratio}×`)
    }
    console.log(JSON.stringify({ bench: 'destination', machine: machine(), paths, ratios }))
  }
  const runnerEvents = option('runner-events', 100_000)
  if (wanted('runner')) {
    printRunner(
      'runner',
      `${runnerEvents} events from a file, runner → sandbox (own process)`,
      await benchRunner(runnerEvents)
    )
  }
  if (wanted('faults')) {
    printRunner(
      'faults',
      `${runnerEvents} events, 10 % of requests failing (mixed faults), with retries`,
      await benchRunner(runnerEvents, MIXED_FAULTS)
    )
  }
  if (wanted('backfill')) {
    const events = option('backfill-events', 1_000_000)
    console.log(
      `\n# backfill: ${events} events in 10 gzip files (an archive folder), the CLI → sandbox, each in its own process`
    )
    const { rssByTenthMb, ...row } = await benchBackfill(events)
    console.table([row])
    console.log(`CLI RSS (MB) at each tenth of the run: ${rssByTenthMb.join(' ')}`)
    console.log(JSON.stringify({ bench: 'backfill', machine: machine(), ...row, rssByTenthMb }))
  }
  if (wanted('resume')) {
    const events = option('resume-events', 100_000)
    const interruptions = option('interruptions', 5)
    console.log(`\n# resume: ${events} events, SIGINT at ${interruptions} random moments, --resume after each`)
    const figures = await benchResume(events, interruptions)
    console.table([
      {
        events: figures.events,
        interruptions: figures.interruptions,
        uniqueAccepted: figures.uniqueAccepted,
        duplicates: figures.duplicates,
        everyEventOnce: figures.everyEventOnce
      }
    ])
    console.log(
      `interrupted after ${figures.interruptedAt.join(', ')} accepted; exit statuses ${figures.exitCodes.join(' ')}; skipped by each resume: ${figures.skipped.join(', ')}`
    )
    console.log(JSON.stringify({ bench: 'resume', machine: machine(), ...figures }))
  }
  if (wanted('adaptive')) {
    const seconds = option('adaptive-seconds', 15)
    const minEvents = option('adaptive-min-events', 5000)
    console.log(
      `\n# adaptive: the CLI → sandbox (own processes), latency × rate limit, default pace vs --concurrency 4; each cell ~${seconds} s at its ceiling (≥ ${minEvents} events)`
    )
    const { zeroLatencyRate, runs } = await benchAdaptive(seconds, minEvents, (run) =>
      console.log(JSON.stringify({ bench: 'adaptive', machine: machine(), ...run }))
    )
    console.log(`zero-latency rate (the ceiling without a rate limit): ${zeroLatencyRate} events/s`)
    console.table(sideBySide(runs))
  }
  if (wanted('memory')) {
    const events = option('memory-events', 300)
    const chars = option('memory-event-chars', 600_000)
    console.log(
      `\n# memory: ${events} events of about ${chars.toLocaleString('en-US')} characters each (a huge cart) in 3 gzip files, the CLI → sandbox, each in its own process`
    )
    const { rssByTenthMb, ...row } = await benchMemory(events, chars)
    console.table([row])
    console.log(`CLI RSS (MB) at each tenth of the run: ${rssByTenthMb.join(' ')}`)
    console.log(JSON.stringify({ bench: 'memory', machine: machine(), ...row, rssByTenthMb }))
  }
}

/** One row per cell: the adaptive run beside the fixed-4 one. */
function sideBySide(runs: readonly PaceRun[]): Record<string, string | number>[] {
  const rows: Record<string, string | number>[] = []
  for (const run of runs) {
    if (run.mode !== 'adaptive') continue
    const fixed = runs.find(
      (other) => other.mode === 'fixed-4' && other.latencyMs === run.latencyMs && other.rateLimit === run.rateLimit
    )
    rows.push({
      latencyMs: run.latencyMs,
      rateLimit: run.rateLimit,
      events: run.events,
      'adaptive ev/s': run.eventsPerSecond,
      'adaptive %ceil': Math.round(run.shareOfCeiling * 100),
      'adaptive refused': `${run.refused} (${(run.refusedShare * 100).toFixed(1)} %)`,
      'adaptive peak/mean': `${run.peakConcurrency}/${run.meanConcurrency}`,
      'fixed-4 ev/s': fixed?.eventsPerSecond ?? '',
      'fixed-4 %ceil': fixed ? Math.round(fixed.shareOfCeiling * 100) : '',
      'fixed-4 refused': fixed ? `${fixed.refused} (${(fixed.refusedShare * 100).toFixed(1)} %)` : '',
      'failed (default/fixed)': `${run.failed}/${fixed?.failed ?? 0}`,
      'dup/lost': `${run.duplicates + (fixed?.duplicates ?? 0)}/${run.lost + (fixed?.lost ?? 0)}`,
      'RSS MB a/f': `${run.peakRssMb}/${fixed?.peakRssMb ?? ''}`
    })
  }
  return rows
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
