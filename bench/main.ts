/**
 * npm run bench [-- --events N]
 * Prints a table and one JSON line per benchmark. Figures, not assertions: see README.
 */
import os from 'node:os'
import { benchDestination } from './destination'

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`)
  return index >= 0 ? Number(process.argv[index + 1]) : fallback
}

function machine(): string {
  return `${os.cpus().length} × ${os.cpus()[0]?.model.trim() ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`
}

async function main(): Promise<void> {
  const events = option('events', 10_000)
  const latencyMs = option('latency-ms', 2)
  console.log(`machine: ${machine()}`)
  console.log(`\n# destination: ${events} Order Completed events through actions-core, HTTP answered by a local stub`)
  const { paths, ratios } = await benchDestination(events, [0, latencyMs])
  console.table(paths)
  for (const [latency, ratio] of Object.entries(ratios)) console.log(`batch / single events/s at stub latency ${latency}: ${ratio}×`)
  console.log(JSON.stringify({ bench: 'destination', machine: machine(), paths, ratios }))
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
