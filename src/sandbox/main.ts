/**
 * Standalone TikTok sandbox: `npm run sandbox -- --port 8787 --server-error-rate 0.05`.
 * With `--ready-file <path>` it writes its URL there once listening, for
 * benchmarks that spawn it as a child process.
 */
import { rename, writeFile } from 'node:fs/promises'
import { Command, InvalidArgumentError } from 'commander'
import {
  DEFAULT_ACCESS_TOKEN,
  DEFAULT_EVENT_SET_ID,
  EVENTS_PATH,
  EVENT_IDS_PATH,
  RESET_PATH,
  Sandbox,
  SandboxOptions,
  STATS_PATH,
  startSandbox
} from './server'

export interface SandboxCommandLine {
  options: SandboxOptions
  readyFile?: string
}

interface RawFlags {
  host: string
  port: number
  accessToken?: string
  eventSetId?: string
  rateLimit?: number
  serverErrorRate?: number
  http5xxRate?: number
  http429Rate?: number
  latencyMs?: number
  dropRate?: number
  malformedRate?: number
  seed?: number
  keepEvents?: number
  readyFile?: string
}

/** Parses the flags (without `node` and the script path). */
export function parseSandboxCommandLine(args: readonly string[]): SandboxCommandLine {
  const program = new Command('sandbox')
    .description("Plays TikTok's Events API 2.0 (offline events) on loopback, with reproducible faults.")
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--port <port>', 'port (0 picks a free one)', parsePort, 0)
    .option('--access-token <token>', 'Access-Token the sandbox accepts (default: sandbox-access-token)')
    .option('--event-set-id <id>', 'offline event set id it accepts (default: sandbox-event-set)')
    .option('--rate-limit <n>', 'requests per second before answering 40100', parseNonNegativeInteger)
    .option('--server-error-rate <share>', 'share (0..1) answered code 50000/50002', parseShare)
    .option('--http-5xx-rate <share>', 'share (0..1) answered HTTP 503', parseShare)
    .option('--http-429-rate <share>', 'share (0..1) answered HTTP 429 with Retry-After: 1', parseShare)
    .option('--latency-ms <ms>', 'delay before every answer', parseNonNegativeInteger)
    .option('--drop-rate <share>', 'share (0..1) of connections destroyed without an answer', parseShare)
    .option('--malformed-rate <share>', 'share (0..1) answered with a body that is not JSON', parseShare)
    .option('--seed <n>', 'seed of the fault PRNG (reproducible faults)', parseInteger)
    .option('--keep-events <n>', 'accepted events kept in full (default 10000)', parseNonNegativeInteger)
    .option('--ready-file <path>', 'write the URL to this file once listening')
    .parse([...args], { from: 'user' })
  const flags = program.opts<RawFlags>()
  return {
    options: withoutUndefined({
      host: flags.host,
      port: flags.port,
      accessToken: flags.accessToken,
      eventSetId: flags.eventSetId,
      rateLimitPerSecond: flags.rateLimit,
      serverErrorRate: flags.serverErrorRate,
      http5xxRate: flags.http5xxRate,
      http429Rate: flags.http429Rate,
      latencyMs: flags.latencyMs,
      dropConnectionRate: flags.dropRate,
      malformedBodyRate: flags.malformedRate,
      seed: flags.seed,
      keepEvents: flags.keepEvents
    }),
    ...(flags.readyFile === undefined ? {} : { readyFile: flags.readyFile })
  }
}

function parseInteger(text: string): number {
  const value = Number(text)
  if (!Number.isInteger(value)) throw new InvalidArgumentError('Not an integer.')
  return value
}

function parseNonNegativeInteger(text: string): number {
  const value = parseInteger(text)
  if (value < 0) throw new InvalidArgumentError('Must not be negative.')
  return value
}

function parsePort(text: string): number {
  const value = parseNonNegativeInteger(text)
  if (value > 65535) throw new InvalidArgumentError('Not a port.')
  return value
}

function parseShare(text: string): number {
  const value = Number(text)
  if (text.trim() === '' || !(value >= 0 && value <= 1)) throw new InvalidArgumentError('Must be between 0 and 1.')
  return value
}

function withoutUndefined<T extends object>(object: T): T {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as T
}

function describeSandbox(sandbox: Sandbox, options: SandboxOptions): string {
  const faults = Object.entries(options)
    .filter(([key]) => /Rate|rateLimit|latency/.test(key))
    .map(([key, value]) => `${key}=${String(value)}`)
  return [
    `TikTok Events API sandbox listening on ${sandbox.url}`,
    `  Access token: ${options.accessToken ?? DEFAULT_ACCESS_TOKEN}`,
    `  Event set ID: ${options.eventSetId ?? DEFAULT_EVENT_SET_ID}`,
    `  Faults:       ${faults.length > 0 ? `${faults.join(' ')} (--seed ${sandbox.seed})` : 'none'}`,
    '',
    'Send to it with the runner:',
    `  tiktok-offline-conversions send <files or folders> --sandbox-url ${sandbox.url}`,
    '',
    `Admin: GET ${sandbox.url}${STATS_PATH}  GET ${sandbox.url}${EVENTS_PATH}  GET ${sandbox.url}${EVENT_IDS_PATH}  POST ${sandbox.url}${RESET_PATH}`,
    'Ctrl-C prints the stats and stops.'
  ].join('\n')
}

/** Written then renamed, so a process polling for the file never reads half a URL. */
async function writeReadyFile(path: string, url: string): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`
  await writeFile(temporary, `${url}\n`)
  await rename(temporary, path)
}

async function main(): Promise<void> {
  const { options, readyFile } = parseSandboxCommandLine(process.argv.slice(2))
  const sandbox = await startSandbox(options)
  console.log(describeSandbox(sandbox, options))
  if (readyFile !== undefined) await writeReadyFile(readyFile, sandbox.url)

  let stopping = false
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return
    stopping = true
    console.log(`\n${signal}: stats\n${JSON.stringify(sandbox.stats(), null, 2)}`)
    sandbox.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error)
        process.exit(1)
      }
    )
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error)
    process.exit(1)
  })
}
