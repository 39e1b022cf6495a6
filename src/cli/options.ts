/**
 * The options of `send` and `check-auth`, validated once, here, for the
 * command line and for library callers alike: main's parsers turn the
 * command line's text into numbers (what --help promises of each), and
 * validateSendOptions checks every value before anything is opened.
 */
import { readFile } from 'node:fs/promises'
import type { DestinationDefinition } from '@segment/actions-core'
import { InvalidArgumentError } from 'commander'
import destinationDefinition from '../destinations/tiktok-offline-conversions'
import type { Settings } from '../destinations/tiktok-offline-conversions/generated-types'
import { toCountryCode } from '../destinations/tiktok-offline-conversions/identity'
import type { SandboxOptions } from '../sandbox/server'
import { DEFAULT_STOP_WAIT_MS, MAX_TIMER_MS, type InterruptSource } from './control'
import { InputOutputError, UsageError, errorMessage, ioErrorMessage } from './errors'
import { checkOutputPaths } from './output-paths'
import { DEFAULT_RETRY_POLICY, type RetryPolicy, type Sleep } from './retry'
import { customSubscription, presetSubscriptions, type RouteSubscription } from './subscriptions'

export const DEFAULT_BATCH_SIZE = 1000
export const MAX_BATCH_SIZE = 10_000
/** The most batches in flight, adaptive or fixed (and the adaptive pace's default ceiling). */
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
  /** Reports of earlier runs: the events they show delivered to this run's target are skipped. */
  resume?: string[]
  /** Count the deliveries in --resume lines that name no target (reports of earlier versions) as made to this target. */
  resumeUntargeted?: boolean

  /** Events read per onBatch call (default 1000). */
  batchSize?: number
  /** A fixed number of batches in flight (--concurrency N); by default the runner finds its own pace (adaptive). */
  concurrency?: number
  /** The most batches in flight the adaptive pace may reach (--max-concurrency; default and at most 64). */
  maxConcurrency?: number
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

export interface CheckAuthOptions {
  accessToken?: string
  eventSetId?: string
  defaultPhoneCountry?: string
  /** Check against a sandbox running there instead of TikTok. */
  sandboxUrl?: string
  /** Check against another host that speaks TikTok's API. */
  apiUrl?: string
}

/** Checks the options of `check-auth` (UsageError, exit 2): it needs credentials, unless a sandbox has its own. */
export function validateCheckAuthOptions(options: CheckAuthOptions): void {
  if (options.sandboxUrl === undefined && (!options.accessToken || !options.eventSetId)) {
    throw new UsageError(
      'check-auth needs --access-token and --event-set-id (or TIKTOK_ACCESS_TOKEN and TIKTOK_EVENT_SET_ID)'
    )
  }
}

/** The options a run goes by, once checked. */
export interface ValidSendOptions {
  definition: DestinationDefinition<Settings>
  batchSize: number
  /** A fixed number of batches in flight (--concurrency); undefined: the pace adapts, up to `maxConcurrency`. */
  concurrency?: number
  maxConcurrency: number
  policy: RetryPolicy
  /** After the first signal, how long the requests in flight may take (at most Node's timer limit). */
  stopWaitMs: number
  defaultPhoneCountry?: string
  subscriptions: RouteSubscription[]
}

/** Checks every option of `send` (UsageError, exit 2), before any input is opened. */
export async function validateSendOptions(options: RunSendOptions): Promise<ValidSendOptions> {
  const definition = options.definition ?? destinationDefinition
  const batchSize = integerOption('batch size', options.batchSize ?? DEFAULT_BATCH_SIZE, 1, MAX_BATCH_SIZE)
  const pace = paceOptions(options)
  const policy = retryPolicy(options.retry)
  const stopWaitMs = options.stopWaitMs ?? DEFAULT_STOP_WAIT_MS
  if (!(Number.isFinite(stopWaitMs) && stopWaitMs >= 0 && stopWaitMs <= MAX_TIMER_MS)) {
    throw new UsageError(
      `stop wait: must be from 0 to ${MAX_TIMER_MS} ms (--stop-wait ${Math.floor(MAX_TIMER_MS / 1000)} s, about 24.8 days: the longest wait Node's timers keep)`
    )
  }
  const defaultPhoneCountry = phoneCountry(options.defaultPhoneCountry)
  // Before any input is opened: an invalid --subscribe is refused with nothing read.
  const subscriptions = await resolveSubscriptions(definition, options)
  // The report is never a file the run reads, however it is spelled.
  await checkOutputPaths({
    inputs: options.inputs,
    mapping: options.mappingFile,
    resume: options.resume,
    report: options.report
  })
  return { definition, batchSize, ...pace, policy, stopWaitMs, defaultPhoneCountry, subscriptions }
}

/** --concurrency N: that many, fixed. Otherwise the pace adapts, up to --max-concurrency (default 64). */
function paceOptions(options: RunSendOptions): Pick<ValidSendOptions, 'concurrency' | 'maxConcurrency'> {
  if (options.concurrency === undefined) {
    return {
      maxConcurrency: integerOption('max concurrency', options.maxConcurrency ?? MAX_CONCURRENCY, 1, MAX_CONCURRENCY)
    }
  }
  if (options.maxConcurrency !== undefined) {
    throw new UsageError('--max-concurrency bounds the adaptive pace: it does not go with a fixed --concurrency')
  }
  const concurrency = integerOption('concurrency', options.concurrency, 1, MAX_CONCURRENCY)
  return { concurrency, maxConcurrency: concurrency }
}

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
    if (value > MAX_TIMER_MS) {
      throw new UsageError(
        `${name}: must be at most ${MAX_TIMER_MS} ms (about 24.8 days: the longest wait Node's timers keep; a longer one would fire at once)`
      )
    }
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

// The command line's text → numbers (commander calls these as it parses).

export function positiveInteger(text: string): number {
  const value = Number(text)
  if (!Number.isInteger(value) || value < 1) throw new InvalidArgumentError('must be a whole number ≥ 1')
  return value
}

export function nonNegativeNumber(text: string): number {
  const value = Number(text)
  if (text.trim() === '' || !Number.isFinite(value) || value < 0) throw new InvalidArgumentError('must be a number ≥ 0')
  return value
}

export function nonNegativeInteger(text: string): number {
  const value = Number(text)
  if (text.trim() === '' || !Number.isInteger(value) || value < 0)
    throw new InvalidArgumentError('must be a whole number ≥ 0')
  return value
}
