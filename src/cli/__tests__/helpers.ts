/**
 * What the runner's tests share: the sample file with fresh dates, report
 * reading, events dated relative to now, and (for the end-to-end tests) the
 * CLI and the sandbox in processes of their own, on loopback.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { rm, readFile } from 'node:fs/promises'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough, Readable } from 'node:stream'
import { freshDates } from '../../../samples/fresh-dates'
import { startSandbox, type Sandbox } from '../../sandbox/server'
import { runCli, type CliIO } from '../main'
import type { ReportLine } from '../report'

export const ROOT = join(__dirname, '..', '..', '..')
export const SAMPLE_SOURCE = join(ROOT, 'samples', 'offline-conversions.ndjson')

/** The sample, dated so that TikTok's time window takes it today, written into `dir`. */
export function freshSample(dir: string, name = 'offline-conversions.ndjson'): string {
  const path = join(dir, name)
  writeFileSync(path, freshDates(readFileSync(SAMPLE_SOURCE, 'utf8'), Date.now()))
  return path
}

/** An hour ago, as Segment writes it. */
export function anHourAgo(): string {
  return new Date(Date.now() - 3_600_000).toISOString()
}

/** The i-th of a run of distinct, valid purchases (email and a phone with its country code). */
export function purchase(id: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'track',
    event: 'Order Completed',
    messageId: id,
    timestamp: anHourAgo(),
    userId: `customer-${id}`,
    properties: { order_id: purchaseEventId(id), revenue: 25, currency: 'USD' },
    context: { traits: { email: `${id}@example.com`, phone: '+1 415 555 0134' } },
    ...extra
  }
}

/** The event_id TikTok receives for `purchase(id)`: the order ID, as the Complete Payment preset sends. */
export const purchaseEventId = (id: string): string => `POS-${id}`

export function ndjson(events: readonly unknown[]): string {
  return events.map((event) => JSON.stringify(event)).join('\n') + '\n'
}

export function readReport(path: string): ReportLine[] {
  const text = readFileSync(path, 'utf8').trimEnd()
  if (text === '') return []
  return text
    .split('\n')
    .map((line) => JSON.parse(line) as ReportLine)
    .sort((a, b) => a.file.localeCompare(b.file) || a.index - b.index)
}

/** Outcome → count. */
export function countOutcomes(lines: readonly ReportLine[]): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const line of lines) counts[line.outcome] = (counts[line.outcome] ?? 0) + 1
  return counts
}

export interface Captured {
  code: number
  stdout: string
  stderr: string
}

/** The command line run in-process: its exit status and what it wrote. */
export async function cli(args: string[], stdin: string | AsyncIterable<Buffer> = ''): Promise<Captured> {
  const stdout = new PassThrough()
  const stderr = new PassThrough()
  const out: Buffer[] = []
  const err: Buffer[] = []
  stdout.on('data', (chunk: Buffer) => out.push(chunk))
  stderr.on('data', (chunk: Buffer) => err.push(chunk))
  const io: CliIO = { stdout, stderr, stdin: typeof stdin === 'string' ? Readable.from([Buffer.from(stdin)]) : stdin }
  const code = await runCli(args, io)
  return { code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }
}

/**
 * A scratch folder and the built-in sandbox for a test file: made before its
 * tests, removed after them; the sandbox's counts are reset before each test.
 */
export function scratchAndSandbox(prefix: string): { readonly dir: string; readonly sandbox: Sandbox } {
  const state: { dir?: string; sandbox?: Sandbox } = {}
  beforeAll(async () => {
    state.dir = mkdtempSync(join(tmpdir(), prefix))
    state.sandbox = await startSandbox()
  })
  afterAll(async () => {
    await state.sandbox?.close()
    if (state.dir) rmSync(state.dir, { recursive: true, force: true })
  })
  beforeEach(() => state.sandbox?.reset())
  return {
    get dir(): string {
      if (state.dir === undefined) throw new Error('scratchAndSandbox: used outside a test')
      return state.dir
    },
    get sandbox(): Sandbox {
      if (state.sandbox === undefined) throw new Error('scratchAndSandbox: used outside a test')
      return state.sandbox
    }
  }
}

// ---------------------------------------------------------------------------
// Processes of their own (end-to-end tests)

/** Node with TypeScript compiled on load (no build needed before `npm test`). */
const TS_NODE = ['-r', 'ts-node/register/transpile-only']

export interface Child {
  process: ChildProcess
  stdout(): string
  stderr(): string
  /** The exit status (128 + n when killed by a signal it did not handle). */
  exited: Promise<number>
}

/** `stdin`: written then closed (none: closed at once); `keepStdinOpen`: written and left open, as `tail -f` does. */
export function startNode(script: string, args: readonly string[], stdin?: string, keepStdinOpen = false): Child {
  const child = spawn(process.execPath, [...TS_NODE, script, ...args], {
    cwd: ROOT,
    env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true' },
    stdio: ['pipe', 'pipe', 'pipe']
  })
  let out = ''
  let err = ''
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')))
  child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')))
  if (keepStdinOpen) child.stdin?.write(stdin ?? '')
  else if (stdin !== undefined) child.stdin?.end(stdin)
  else child.stdin?.end()
  const exited = new Promise<number>((resolve) =>
    child.once('exit', (code, signal) =>
      resolve(code ?? 128 + (signal === 'SIGKILL' ? 9 : signal === 'SIGTERM' ? 15 : 2))
    )
  )
  return { process: child, stdout: () => out, stderr: () => err, exited }
}

export function startCli(args: readonly string[], stdin?: string, keepStdinOpen = false): Child {
  return startNode(join(ROOT, 'src', 'cli', 'main.ts'), args, stdin, keepStdinOpen)
}

export interface SandboxProcess {
  url: string
  child: Child
  stats(): Promise<{ requests: number; acceptedEvents: number; uniqueEventIds: number; duplicateEventIds: number }>
  eventIds(): Promise<Record<string, number>>
  stop(): Promise<void>
}

/** The sandbox (`npm run sandbox`) in a process of its own, with `flags`. */
export async function startSandboxProcess(dir: string, flags: readonly string[] = []): Promise<SandboxProcess> {
  const readyFile = join(dir, `sandbox-${Date.now()}-${Math.random().toString(16).slice(2)}.url`)
  const child = startNode(join(ROOT, 'src', 'sandbox', 'main.ts'), [
    '--keep-events',
    '0',
    '--ready-file',
    readyFile,
    ...flags
  ])
  const url = await waitFor(async () => (await readFile(readyFile, 'utf8').catch(() => '')).trim() || undefined, {
    what: `the sandbox to start (stderr: ${child.stderr()})`
  })
  await rm(readyFile, { force: true })
  const get = async <T>(path: string): Promise<T> => (await (await fetch(`${url}${path}`)).json()) as T
  return {
    url,
    child,
    stats: () => get('/sandbox/stats'),
    eventIds: () => get('/sandbox/event-ids'),
    stop: async () => {
      child.process.kill('SIGKILL')
      await child.exited
    }
  }
}

/** Polls `probe` until it gives a value. Not a timed test: the bound only keeps a broken run from hanging. */
export async function waitFor<T>(
  probe: () => Promise<T | undefined>,
  { what, everyMs = 25, giveUpMs = 30_000 }: { what: string; everyMs?: number; giveUpMs?: number }
): Promise<T> {
  const deadline = Date.now() + giveUpMs
  for (;;) {
    const value = await probe()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, everyMs))
  }
}
