/**
 * The runner's `send`, callable in-process: events in (streamed), through the
 * destination in actions-core (presets or a custom mapping, batch path), to a
 * target (sandbox, TikTok, or a dry run), with retries, a per-event report and
 * a summary. Memory is bounded: the input is streamed, at most `concurrency`
 * batches are in flight, report lines are written as batches settle, and the
 * summary keeps counters only.
 */
import { createReadStream } from 'node:fs'
import { readFile, stat } from 'node:fs/promises'
import definition from '../destinations/tiktok-offline-conversions'
import { toCountryCode } from '../destinations/tiktok-offline-conversions/identity'
import { redactPersonalData, redactSecrets } from '../destinations/tiktok-offline-conversions/privacy'
import type { SandboxOptions } from '../sandbox/server'
import { InputOutputError, UsageError, errorMessage, ioErrorMessage } from './errors'
import { readEvents, type InputError, type InputEvent, type InputFormat } from './input'
import { NO_PROGRESS, startProgress, type Progress } from './progress'
import { NO_REPORT, ReportWriter, classifyStatus, type ReportLine, type ReportSink } from './report'
import {
  DEFAULT_RETRY_POLICY,
  RetryAfterGate,
  parseRetryAfter,
  realSleep,
  settleWithRetries,
  type RetryPolicy,
  type Sleep
} from './retry'
import { Router, customSubscription, presetSubscriptions, type RoutedEntry, type RouteSubscription } from './route'
import { SummaryCollector, type RunSummary } from './summary'
import { openTarget, type Target } from './target'

export const DEFAULT_BATCH_SIZE = 1000
export const MAX_BATCH_SIZE = 10_000
export const DEFAULT_CONCURRENCY = 4
export const MAX_CONCURRENCY = 64

export interface RunSendOptions {
  /** A file of NDJSON or a JSON array of Segment events; "-" reads `stdin`. */
  input: string
  /** The stream read for "-" (default process.stdin). */
  stdin?: AsyncIterable<Buffer | string>

  /** TikTok credentials. Both given: send to TikTok (or to --sandbox-url). Neither: the built-in sandbox. */
  accessToken?: string
  eventSetId?: string
  /** ISO 3166 alpha-2 country of phone numbers written without a country code. */
  defaultPhoneCountry?: string
  /** Send to a sandbox already running there (credentials default to the sandbox's). */
  sandboxUrl?: string
  /** Options of the built-in sandbox (faults, latency, seed…). */
  sandbox?: SandboxOptions
  /** Build and print the TikTok request bodies; send nothing. */
  dryRun?: boolean
  /** Where a dry run prints bodies (default process.stdout). */
  output?: NodeJS.WritableStream
  /** Indent the dry-run bodies. */
  pretty?: boolean

  /** A custom subscription instead of the presets: the action key… */
  action?: string
  /** …and its mapping (an object), or… */
  mapping?: unknown
  /** …a JSON file holding it. */
  mappingFile?: string
  /** FQL of the custom subscription (default: the action's default subscription). */
  subscribe?: string

  /** Write one NDJSON line per input event to this file. */
  report?: string

  /** Events read per onBatch call (default 1000). */
  batchSize?: number
  /** Batches in flight at once (default 4). */
  concurrency?: number
  retry?: Partial<RetryPolicy>
  /** For tests: how back-off waits, and the jitter source. */
  sleep?: Sleep
  random?: () => number
  /** Largest line / array element, in characters. */
  maxEventChars?: number

  /** Show a progress bar (main passes whether stderr is a terminal). */
  progress?: boolean
  progressStream?: NodeJS.WritableStream
}

export type { RunSummary } from './summary'

/** Runs `send`. Throws UsageError / InputOutputError (exit 2); never throws for a bad event. */
export async function runSend(options: RunSendOptions): Promise<RunSummary> {
  const started = Date.now()
  const batchSize = integerOption('batch size', options.batchSize ?? DEFAULT_BATCH_SIZE, 1, MAX_BATCH_SIZE)
  const concurrency = integerOption('concurrency', options.concurrency ?? DEFAULT_CONCURRENCY, 1, MAX_CONCURRENCY)
  const policy = retryPolicy(options.retry)
  const defaultPhoneCountry = phoneCountry(options.defaultPhoneCountry)
  const subscriptions = await resolveSubscriptions(options)
  const input = await openInput(options.input, options.stdin)

  let report: ReportSink = NO_REPORT
  let target: Target | undefined
  let progress: Progress = NO_PROGRESS
  try {
    target = await openTarget({
      accessToken: options.accessToken,
      eventSetId: options.eventSetId,
      sandboxUrl: options.sandboxUrl,
      dryRun: options.dryRun,
      sandbox: options.sandbox,
      dryRunOutput: options.output,
      dryRunPretty: options.pretty
    })
    if (options.report) report = await ReportWriter.open(options.report)
    const secrets = [target.accessToken]
    const collector = new SummaryCollector()
    const gate = new RetryAfterGate(policy.maxRetryAfterMs)
    const sleep = options.sleep ?? realSleep
    const router = new Router(
      definition,
      subscriptions,
      { accessToken: target.accessToken, eventSetID: target.eventSetId, defaultPhoneCountry },
      {
        onRequest: () => collector.httpRequests++,
        onResponse: (status, retryAfter) => {
          collector.countStatus(status)
          const wait = status >= 400 ? parseRetryAfter(retryAfter, Date.now()) : undefined
          if (wait !== undefined) gate.note(wait)
        }
      }
    )
    if (options.progress) progress = startProgress(options.progressStream ?? process.stderr, input.size)

    const batchRunner: BatchContext = {
      router,
      subscriptions,
      policy,
      gate,
      sleep,
      random: options.random,
      secrets,
      collector,
      report,
      progress
    }
    let format: InputFormat | undefined
    await pump(
      readEvents(input.source, {
        maxEventChars: options.maxEventChars,
        onBytes: (bytes) => progress.read(bytes),
        onFormat: (found) => (format = found)
      }),
      { batchSize, concurrency, context: batchRunner }
    )
    progress.stop()
    progress = NO_PROGRESS

    const sandbox = await target.sandboxReport()
    return collector.summary({
      target: target.kind,
      targetUrl: target.url,
      input: input.name,
      format: format ?? 'empty',
      elapsedMs: Date.now() - started,
      ...(sandbox ? { sandbox } : {}),
      ...(options.report ? { report: options.report } : {}),
      dryRun: options.dryRun === true
    })
  } finally {
    progress.stop()
    const closing = [report.close(), target?.close()]
    const results = await Promise.allSettled(closing)
    const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected')
    if (failed) throw failed.reason
  }
}

// ---------------------------------------------------------------------------
// The pipeline

interface BatchContext {
  router: Router
  subscriptions: readonly RouteSubscription[]
  policy: RetryPolicy
  gate: RetryAfterGate
  sleep: Sleep
  random?: () => number
  secrets: string[]
  collector: SummaryCollector
  report: ReportSink
  progress: Progress
}

/**
 * Reads items, routes each event to the subscriptions it matches, and batches
 * per subscription, as Segment does: a batch fills up to `batchSize` events
 * of one subscription, so a mixed file still makes requests of up to 1,000.
 * At most `concurrency` batches are in flight.
 */
async function pump(
  items: AsyncIterable<InputEvent | InputError>,
  { batchSize, concurrency, context }: { batchSize: number; concurrency: number; context: BatchContext }
): Promise<void> {
  const inFlight = new Set<Promise<void>>()
  let fatal: { error: unknown } | undefined

  const launch = async (batch: InputEvent[], subscription: number): Promise<void> => {
    while (inFlight.size >= concurrency) await Promise.race(inFlight)
    if (fatal) return
    const task: Promise<void> = processBatch(batch, subscription, context)
      .catch((error: unknown) => {
        fatal ??= { error }
      })
      .finally(() => inFlight.delete(task))
    inFlight.add(task)
  }

  const batches: InputEvent[][] = context.subscriptions.map(() => [])
  try {
    for await (const item of items) {
      if (fatal) break
      if (item.kind === 'invalid') {
        await writeLines(context, [inputErrorLine(item)])
        context.collector.countEvent({ routed: false })
        context.progress.settled(1)
        continue
      }
      const matched = context.router.matching(item.event)
      context.collector.countEvent({ messageIdGenerated: item.messageIdGenerated, routed: matched.length > 0 })
      if (matched.length === 0) {
        await writeLines(context, [unroutedLine(item)])
        context.progress.settled(1)
        continue
      }
      for (const subscription of matched) {
        batches[subscription].push(item)
        if (batches[subscription].length >= batchSize) {
          await launch(batches[subscription], subscription)
          batches[subscription] = []
        }
      }
    }
    for (const [subscription, batch] of batches.entries()) {
      if (batch.length > 0 && !fatal) await launch(batch, subscription)
    }
  } finally {
    await Promise.all(inFlight)
  }
  if (fatal) throw fatal.error
}

type Pair = { position: number; subscription: number | null }

/** One batch of one subscription: run it, retry what is retryable, write its lines. */
async function processBatch(batch: readonly InputEvent[], subscription: number, context: BatchContext): Promise<void> {
  const { router, gate, sleep } = context
  const waitFirst = gate.remainingMs()
  if (waitFirst > 0) await sleep(waitFirst)
  const routing = await router.run(
    batch.map((item) => item.event),
    subscription
  )

  const first: Array<{ item: Pair; outcome: RoutedEntry }> = []
  routing.forEach((entries, position) => {
    for (const entry of entries) first.push({ item: { position, subscription: entry.subscription }, outcome: entry })
  })

  const resend = async (pairs: Pair[]): Promise<RoutedEntry[]> => {
    const outcomes: RoutedEntry[] = new Array(pairs.length)
    const bySubscription = new Map<number, number[]>()
    pairs.forEach((pair, slot) => {
      // Only subscription-less entries (events actions-core cannot run) have none; they are never retryable.
      const key = pair.subscription ?? -1
      const slots = bySubscription.get(key)
      if (slots) slots.push(slot)
      else bySubscription.set(key, [slot])
    })
    await Promise.all(
      [...bySubscription].map(async ([subscription, slots]) => {
        const events = slots.map((slot) => batch[pairs[slot].position].event)
        const answers = subscription >= 0 ? await router.run(events, subscription) : []
        slots.forEach((slot, k) => {
          outcomes[slot] = answers[k]?.find((entry) => entry.subscription === subscription) ?? {
            subscription: pairs[slot].subscription,
            status: 500,
            message: 'the event was not run again on retry'
          }
        })
      })
    )
    return outcomes
  }

  const settled = await settleWithRetries(first, resend, {
    policy: context.policy,
    sleep,
    random: context.random,
    gate,
    onResend: (count) => (context.collector.retried += count)
  })

  const lines: ReportLine[] = []
  let next = 0
  batch.forEach((item, position) => {
    const start = lines.length
    while (next < settled.length && settled[next].item.position === position) {
      const { outcome, attempts } = settled[next++]
      lines.push(eventLine(item, outcome, attempts, context))
    }
    // The runner matched the event to this subscription; actions-core must answer for it.
    if (lines.length === start) {
      lines.push(eventLine(item, { subscription, status: 500, message: 'actions-core gave no answer for this event' }, 1, context))
    }
  })
  await writeLines(context, lines)
  context.progress.settled(batch.length)
}

async function writeLines(context: BatchContext, lines: ReportLine[]): Promise<void> {
  for (const line of lines) context.collector.record(line)
  await context.report.write(lines)
}

function idFields(item: InputEvent): Pick<ReportLine, 'messageId' | 'messageIdGenerated'> {
  return { messageId: item.messageId, ...(item.messageIdGenerated ? { messageIdGenerated: true as const } : {}) }
}

function eventLine(item: InputEvent, entry: RoutedEntry, attempts: number, context: BatchContext): ReportLine {
  const subscription = entry.subscription === null ? undefined : context.subscriptions[entry.subscription]
  const outcome = classifyStatus(entry.status)
  return {
    index: item.index,
    ...idFields(item),
    action: subscription?.partnerAction ?? null,
    preset: subscription?.name ?? null,
    status: entry.status,
    outcome,
    error: outcome === 'delivered' ? null : safeMessage(entry.message ?? `status ${entry.status}`, context.secrets),
    attempts
  }
}

function unroutedLine(item: InputEvent): ReportLine {
  return {
    index: item.index,
    ...idFields(item),
    action: null,
    preset: null,
    status: 0,
    outcome: 'unrouted',
    error: 'not routed: no subscription matches this event',
    attempts: 0
  }
}

function inputErrorLine(item: InputError): ReportLine {
  return {
    index: item.index,
    messageId: item.messageId,
    action: null,
    preset: null,
    status: 400,
    outcome: 'input-error',
    error: `input: ${item.message}`,
    attempts: 0
  }
}

/** The destination already redacts; this is the last guard before a message reaches a file or a terminal. */
function safeMessage(message: string, secrets: readonly string[]): string {
  return redactSecrets(redactPersonalData(message), secrets)
}

// ---------------------------------------------------------------------------
// Options

function integerOption(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new UsageError(`${name}: must be a whole number from ${min} to ${max}`)
  }
  return value
}

function retryPolicy(overrides: Partial<RetryPolicy> = {}): RetryPolicy {
  const policy = { ...DEFAULT_RETRY_POLICY, ...withoutUndefined(overrides) }
  integerOption('max retries', policy.maxRetries, 0, 100)
  for (const [name, value] of [
    ['retry base delay', policy.baseDelayMs],
    ['retry max delay', policy.maxDelayMs],
    ['max Retry-After', policy.maxRetryAfterMs]
  ] as const) {
    if (!(Number.isFinite(value) && value >= 0)) throw new UsageError(`${name}: must be a number of milliseconds ≥ 0`)
  }
  return policy
}

function withoutUndefined<T extends object>(object: T): Partial<T> {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as Partial<T>
}

function phoneCountry(value: string | undefined): string | undefined {
  if (value === undefined || value.trim() === '') return undefined
  const code = toCountryCode(value)
  if (!code)
    throw new UsageError(`default phone country: "${value}" is not an ISO 3166 alpha-2 country code, such as US`)
  return code
}

async function resolveSubscriptions(options: RunSendOptions): Promise<RouteSubscription[]> {
  const hasMapping = options.mapping !== undefined || options.mappingFile !== undefined
  if (options.action === undefined && !hasMapping) {
    if (options.subscribe !== undefined) throw new UsageError('--subscribe needs --action and --mapping')
    return presetSubscriptions(definition)
  }
  if (options.action === undefined) throw new UsageError('--mapping needs --action <key>')
  if (!hasMapping) throw new UsageError('--action needs --mapping <file.json>')
  const mapping = options.mappingFile !== undefined ? await readMappingFile(options.mappingFile) : options.mapping
  return [customSubscription(definition, options.action, mapping, options.subscribe)]
}

async function readMappingFile(path: string): Promise<unknown> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    throw new InputOutputError(`cannot read the mapping ${path}: ${ioErrorMessage(error)}`)
  }
  try {
    return JSON.parse(text) as unknown
  } catch (error) {
    throw new UsageError(`the mapping ${path} is not valid JSON: ${errorMessage(error)}`)
  }
}

interface OpenedInput {
  source: AsyncIterable<Buffer | string>
  /** Bytes, when the input is a regular file. */
  size?: number
  name: string
}

async function openInput(path: string, stdin?: AsyncIterable<Buffer | string>): Promise<OpenedInput> {
  if (path === '-') return { source: guardReads(() => stdin ?? process.stdin, 'stdin'), name: 'stdin' }
  let size: number
  try {
    const info = await stat(path)
    if (!info.isFile()) throw new Error('not a file')
    size = info.size
  } catch (error) {
    throw new InputOutputError(`cannot read ${path}: ${ioErrorMessage(error)}`)
  }
  // Opened when reading starts, so that an error before then leaves no file open.
  return { source: guardReads(() => createReadStream(path, { highWaterMark: 1 << 20 }), path), size, name: path }
}

/** Read failures are I/O errors (exit 2), not crashes. */
async function* guardReads(open: () => AsyncIterable<Buffer | string>, name: string): AsyncGenerator<Buffer | string> {
  try {
    for await (const chunk of open()) yield chunk as Buffer | string
  } catch (error) {
    throw new InputOutputError(`cannot read ${name}: ${ioErrorMessage(error)}`)
  }
}
