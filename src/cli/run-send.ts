/**
 * The runner's `send`, callable in-process: events in (files, folders, stdin;
 * NDJSON or JSON arrays, gzip or not, streamed), through the destination in
 * actions-core (presets or a custom mapping, batch path), to a target
 * (TikTok, a sandbox, or a dry run), with a credentials check first, retries,
 * a per-event report, --resume, and a summary with match quality. Memory is
 * bounded: the input is streamed, at most `concurrency` batches are in
 * flight, report lines are written as batches settle, and the summary keeps
 * counters only.
 */
import { readFile } from 'node:fs/promises'
import type { DestinationDefinition } from '@segment/actions-core'
import destinationDefinition from '../destinations/tiktok-offline-conversions'
import type { Settings } from '../destinations/tiktok-offline-conversions/generated-types'
import { toCountryCode } from '../destinations/tiktok-offline-conversions/identity'
import type { SandboxOptions } from '../sandbox/server'
import { verifyCredentials, type VerifyRetries } from './check-auth'
import { DEFAULT_STOP_WAIT_MS, RunControl, type InterruptSource, type Stop } from './control'
import { InputOutputError, UsageError, errorMessage, ioErrorMessage } from './errors'
import { runPipeline, type ReadFacts } from './pipeline'
import { NO_PROGRESS, startProgress, type Progress } from './progress'
import { NO_REPORT, ReportWriter, type ReportSink } from './report'
import { readResume, type Resume } from './resume'
import { DEFAULT_RETRY_POLICY, RetryAfterGate, parseRetryAfter, realSleep, type RetryPolicy, type Sleep } from './retry'
import { Router, customSubscription, presetSubscriptions, type RouteSubscription } from './route'
import { checkFileEncodings, resolveSources, type Source } from './sources'
import { targetText, type CredentialsCheck, type RunSummary, type StopSummary } from './summary'
import { RunSeries, SeriesCollector, type ReportedRun } from './html/series'
import { openTarget, type Target } from './target'

export const DEFAULT_BATCH_SIZE = 1000
export const MAX_BATCH_SIZE = 10_000
export const DEFAULT_CONCURRENCY = 4
export const MAX_CONCURRENCY = 64

export interface RunSendOptions {
  /** Files and folders of NDJSON or JSON arrays of Segment events (gzip or not); "-" reads `stdin`. */
  inputs: string[]
  /** The stream read for "-" (default process.stdin). */
  stdin?: AsyncIterable<Buffer | string>

  /** TikTok credentials. Both given: send to TikTok (or to --sandbox-url / --api-url). Neither: the built-in sandbox. */
  accessToken?: string
  eventSetId?: string
  /** ISO 3166 alpha-2 country of phone numbers written without a country code. */
  defaultPhoneCountry?: string
  /** Send to a sandbox already running there (credentials default to the sandbox's). */
  sandboxUrl?: string
  /** Send to another host that speaks TikTok's API instead of TikTok's own. */
  apiUrl?: string
  /** Options of the built-in sandbox (faults, latency, seed…). */
  sandbox?: SandboxOptions
  /** Build and print the TikTok request bodies; send nothing. */
  dryRun?: boolean
  /** Where a dry run prints bodies (default process.stdout). */
  output?: NodeJS.WritableStream
  /** Indent the dry-run bodies. */
  pretty?: boolean
  /** Run the destination's credentials check before the first batch (default true; never in a dry run). */
  authCheck?: boolean
  /** Replaces the destination's request timeout (ms), e.g. to test timeouts without waiting 10 s. */
  requestTimeoutMs?: number

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
  /** Reports of earlier runs: the events they show delivered are skipped. */
  resume?: string[]

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

  /** Ctrl-C / SIGTERM: main passes the process's signals. */
  interrupts?: InterruptSource
  /** After the first signal, how long the requests in flight may take before they are abandoned. */
  stopWaitMs?: number
  /** Where the runner tells a person what a signal does (default: the progress stream). */
  notices?: NodeJS.WritableStream

  /** Show a progress bar (main passes whether stderr is a terminal). */
  progress?: boolean
  progressStream?: NodeJS.WritableStream

  /** The destination (default: TikTok Offline Conversions); tests pass a variant of it. */
  definition?: DestinationDefinition<Settings>
}

export type { RunSummary } from './summary'

/** What is settled before anything is opened: every usage and input error is found here (exit 2). */
interface Plan {
  definition: DestinationDefinition<Settings>
  batchSize: number
  concurrency: number
  policy: RetryPolicy
  defaultPhoneCountry?: string
  subscriptions: RouteSubscription[]
  sources: Source[]
  resume?: Resume
}

async function plan(options: RunSendOptions): Promise<Plan> {
  const definition = options.definition ?? destinationDefinition
  const batchSize = integerOption('batch size', options.batchSize ?? DEFAULT_BATCH_SIZE, 1, MAX_BATCH_SIZE)
  const concurrency = integerOption('concurrency', options.concurrency ?? DEFAULT_CONCURRENCY, 1, MAX_CONCURRENCY)
  const policy = retryPolicy(options.retry)
  const defaultPhoneCountry = phoneCountry(options.defaultPhoneCountry)
  // Before any input is opened: an invalid --subscribe is refused with nothing read.
  const subscriptions = await resolveSubscriptions(definition, options)
  if (options.report !== undefined && (options.resume ?? []).includes(options.report)) {
    throw new UsageError(
      `--report ${options.report} is also a --resume report: write the new report to another file (the old one is read, not rewritten)`
    )
  }
  const sources = await resolveSources(options.inputs, () => options.stdin ?? process.stdin)
  await checkFileEncodings(sources)
  const resume = options.resume?.length ? await readResume(options.resume) : undefined
  return { definition, batchSize, concurrency, policy, defaultPhoneCountry, subscriptions, sources, resume }
}

/**
 * Runs `send`. Throws UsageError / InputOutputError (exit 2) for what is
 * found wrong before anything is sent; never throws for a bad event. A run
 * that stops early (signal, credentials, target, input) resolves with a
 * summary that says why (`stopped`).
 */
export async function runSend(options: RunSendOptions): Promise<ReportedRun> {
  const started = Date.now()
  const planned = await plan(options)
  let report: ReportSink = NO_REPORT
  let target: Target | undefined
  let progress: Progress = NO_PROGRESS
  const notices = options.notices ?? options.progressStream ?? process.stderr
  const control = new RunControl(options.stopWaitMs ?? DEFAULT_STOP_WAIT_MS, (text) => {
    // The notice goes on its own line, not into the bar.
    progress.stop()
    notices.write(`\n${text}\n`)
  })
  let inFlightBatches = 0
  const unlisten = control.listen(options.interrupts, () => inFlightBatches)
  try {
    target = await openTarget({
      accessToken: options.accessToken,
      eventSetId: options.eventSetId,
      sandboxUrl: options.sandboxUrl,
      apiUrl: options.apiUrl,
      dryRun: options.dryRun,
      sandbox: options.sandbox,
      dryRunOutput: options.output,
      dryRunPretty: options.pretty
    })
    // Opened before anything is sent: a report that cannot be written is found now, not mid-run.
    if (options.report) report = await ReportWriter.open(options.report)
    const opened = target
    const series = new RunSeries(started)
    const collector = new SeriesCollector(series)
    const gate = new RetryAfterGate(planned.policy.maxRetryAfterMs)
    const router = new Router(
      planned.definition,
      planned.subscriptions,
      {
        accessToken: opened.accessToken,
        eventSetID: opened.eventSetId,
        defaultPhoneCountry: planned.defaultPhoneCountry
      },
      {
        onRequest: () => collector.httpRequests++,
        onResponse: (status, retryAfter) => {
          collector.countStatus(status)
          const wait = status >= 400 ? parseRetryAfter(retryAfter, Date.now()) : undefined
          if (wait !== undefined) gate.note(wait)
        }
      },
      { baseUrl: opened.url, timeoutMs: options.requestTimeoutMs }
    )
    const where = targetText(opened.kind, opened.url)
    const summarize = async (credentialsCheck: CredentialsCheck, facts?: ReadFacts): Promise<RunSummary> =>
      collector.summary({
        target: opened.kind,
        targetUrl: opened.url,
        inputs: options.inputs,
        files: facts?.files ?? 0,
        gzipFiles: facts?.gzipFiles ?? 0,
        format: facts?.format ?? 'empty',
        credentialsCheck,
        elapsedMs: Date.now() - started,
        ...optional('resume', planned.resume && resumeFacts(planned.resume)),
        ...optional('stopped', control.stop && stopFacts(control.stop, facts, planned.sources.length)),
        ...optional('sandbox', await opened.sandboxReport()),
        ...optional('report', options.report),
        dryRun: options.dryRun === true
      })

    const sleep = options.sleep ?? realSleep
    const credentialsCheck = await checkCredentialsFirst(options, router, opened, control, {
      policy: planned.policy,
      sleep,
      random: options.random,
      stop: control.stopSignal
    })
    if (credentialsCheck === 'refused' || credentialsCheck === 'failed')
      return series.attach(await summarize(credentialsCheck))

    if (options.progress)
      progress = startProgress(options.progressStream ?? process.stderr, where, totalSize(planned.sources))
    const facts = await runPipeline(planned.sources, {
      router,
      subscriptions: planned.subscriptions,
      batchSize: planned.batchSize,
      concurrency: planned.concurrency,
      policy: planned.policy,
      gate,
      sleep,
      random: options.random,
      secrets: [opened.accessToken],
      targetName: where,
      collector,
      report,
      progress,
      control,
      ...optional('delivered', planned.resume?.delivered),
      onInFlight: (batches) => {
        inFlightBatches = batches
        series.timeline.inFlight(batches)
      }
    })
    progress.stop()
    progress = NO_PROGRESS
    return series.attach(await summarize(credentialsCheck, facts))
  } finally {
    unlisten()
    progress.stop()
    const closing = [report.close(), target?.close()]
    const results = await Promise.allSettled(closing)
    const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected')
    if (failed) throw failed.reason
  }
}

/**
 * The destination's credentials check before the first batch (not in a dry
 * run, not with --no-auth-check). Refused or failed: the run is halted, and
 * nothing is read or sent.
 */
async function checkCredentialsFirst(
  options: RunSendOptions,
  router: Router,
  target: Target,
  control: RunControl,
  retries: VerifyRetries
): Promise<CredentialsCheck> {
  if (options.dryRun) return 'none'
  if (options.authCheck === false) return 'skipped'
  const verdict = await verifyCredentials(router, [target.accessToken], retries)
  if (verdict.ok) return 'accepted'
  const where = targetText(target.kind, target.url)
  if (verdict.verdict === 'refused') {
    control.halt(
      'credentials-refused',
      `the credentials check was refused by ${where}: ${verdict.message}; nothing was sent`
    )
  } else {
    control.halt(
      'unreachable',
      `the credentials could not be checked by ${where}: ${verdict.message}; nothing was sent`
    )
  }
  return verdict.verdict
}

/** The sum of the inputs' sizes, for the progress bar; undefined when one is unknown (stdin). */
function totalSize(sources: readonly Source[]): number | undefined {
  let total = 0
  for (const source of sources) {
    if (source.size === undefined) return undefined
    total += source.size
  }
  return total
}

function stopFacts(stop: Stop, facts: ReadFacts | undefined, sources: number): StopSummary {
  return { ...stop, ...optional('readUpTo', facts?.readUpTo), filesNotRead: facts?.filesNotRead ?? sources }
}

function resumeFacts(resume: Resume): RunSummary['resume'] {
  return { reports: resume.reports, deliveries: resume.deliveries, unreadableLines: resume.unreadableLines }
}

/** `{ [key]: value }`, or nothing when the value is undefined: optional fields stay absent, not `undefined`. */
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V }
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

async function resolveSubscriptions(
  definition: DestinationDefinition<Settings>,
  options: RunSendOptions
): Promise<RouteSubscription[]> {
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
