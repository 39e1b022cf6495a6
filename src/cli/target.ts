/**
 * Where the destination's requests go: TikTok (credentials given, or another
 * TikTok host with --api-url), a sandbox already running (--sandbox-url), the
 * built-in sandbox started on a random loopback port (no credentials), or the
 * dry-run stub (--dry-run). The destination always builds TikTok's URLs; the
 * target's `url` is where the runner's request client sends them instead
 * (see ./target-adapter), so nothing global changes and nothing needs restoring.
 */
import { TIKTOK_API_BASE_URL } from '../destinations/tiktok-offline-conversions/tiktok/constants'
import {
  DEFAULT_ACCESS_TOKEN,
  DEFAULT_EVENT_SET_ID,
  STATS_PATH,
  startSandbox,
  type SandboxOptions
} from '../sandbox/server'
import { startDryRunStub } from './dry-run'
import { UsageError } from './errors'
import type { SandboxReport, TargetKind } from './summary-types'

export interface TargetOptions {
  accessToken?: string
  eventSetId?: string
  /** An already running sandbox (`npm run sandbox`); credentials default to the sandbox's defaults. */
  sandboxUrl?: string
  /** Another host that speaks TikTok's API (a proxy, a regional host); needs the credentials. */
  apiUrl?: string
  dryRun?: boolean
  /** Options of the built-in sandbox (faults, latency…), for tests and benchmarks. */
  sandbox?: SandboxOptions
  /** Where a dry run prints request bodies. */
  dryRunOutput?: NodeJS.WritableStream
  dryRunPretty?: boolean
}

export interface Target {
  kind: TargetKind
  /** What report lines name as where their events went (see targetId). */
  id: string
  /** The base URL requests go to (TikTok's own for TikTok). */
  url: string
  accessToken: string
  eventSetId: string
  /** What the sandbox recorded, when the target is a sandbox that tells. */
  sandboxReport(): Promise<SandboxReport | undefined>
  close(): Promise<void>
}

export const DRY_RUN_ACCESS_TOKEN = 'dry-run-access-token'
export const DRY_RUN_EVENT_SET_ID = 'dry-run-event-set'

export const DRY_RUN_TARGET = 'dry-run'
export const BUILT_IN_SANDBOX_TARGET = 'sandbox'

/**
 * Where a run's events go, as its report lines name it (`target`), and as
 * --resume matches it: an earlier delivery counts only when it went to the
 * same target. Compact and stable from run to run, never the token:
 *
 * - `dry-run`: nothing was sent (a dry run's "delivered" is no delivery anywhere);
 * - `sandbox`: the built-in sandbox (its port changes from run to run);
 * - `sandbox:<host[:port]>/<event set id>`: a sandbox at --sandbox-url;
 * - `tiktok:<host[:port]>/<event set id>`: TikTok, or the host of --api-url.
 *
 * TikTok de-duplicates per event set, so the event set is part of it. Worked
 * out from the options alone (the built-in sandbox is not started for it), so
 * --resume reports are read before anything is opened.
 */
export function targetId(options: TargetOptions): string {
  if (options.dryRun) return DRY_RUN_TARGET
  if (options.sandboxUrl !== undefined) {
    const host = new URL(baseUrl('--sandbox-url', options.sandboxUrl)).host
    return `sandbox:${host}/${options.eventSetId ?? DEFAULT_EVENT_SET_ID}`
  }
  if (options.accessToken !== undefined || options.eventSetId !== undefined || options.apiUrl !== undefined) {
    const url = options.apiUrl === undefined ? TIKTOK_API_BASE_URL : baseUrl('--api-url', options.apiUrl)
    return `tiktok:${new URL(url).host}/${options.eventSetId ?? ''}`
  }
  return BUILT_IN_SANDBOX_TARGET
}

export async function openTarget(options: TargetOptions): Promise<Target> {
  const { accessToken, eventSetId } = options
  if (options.sandboxUrl !== undefined && options.apiUrl !== undefined) {
    throw new UsageError('--sandbox-url and --api-url: choose one target')
  }
  // A dry run sends nothing, whatever else the command line names.
  if (options.dryRun) {
    const stub = await startDryRunStub({ output: options.dryRunOutput ?? process.stdout, pretty: options.dryRunPretty })
    return {
      kind: 'dry-run',
      id: DRY_RUN_TARGET,
      url: stub.url,
      accessToken: accessToken ?? DRY_RUN_ACCESS_TOKEN,
      eventSetId: eventSetId ?? DRY_RUN_EVENT_SET_ID,
      sandboxReport: async () => undefined,
      close: () => stub.close()
    }
  }
  if (options.sandboxUrl !== undefined) {
    const url = baseUrl('--sandbox-url', options.sandboxUrl)
    return {
      kind: 'sandbox-url',
      id: targetId(options),
      url,
      accessToken: accessToken ?? DEFAULT_ACCESS_TOKEN,
      eventSetId: eventSetId ?? DEFAULT_EVENT_SET_ID,
      sandboxReport: () => fetchSandboxReport(url),
      close: async () => undefined
    }
  }
  if (accessToken !== undefined || eventSetId !== undefined || options.apiUrl !== undefined) {
    if (!accessToken || !eventSetId) {
      throw new UsageError(
        'give both --access-token and --event-set-id (or TIKTOK_ACCESS_TOKEN and TIKTOK_EVENT_SET_ID) to send to TikTok, or neither to use the sandbox'
      )
    }
    return {
      kind: 'tiktok',
      id: targetId(options),
      url: options.apiUrl === undefined ? TIKTOK_API_BASE_URL : baseUrl('--api-url', options.apiUrl),
      accessToken,
      eventSetId,
      sandboxReport: async () => undefined,
      close: async () => undefined
    }
  }
  // keepEvents 0: the runner reads only the sandbox's counters, not the events themselves.
  const sandbox = await startSandbox({ host: '127.0.0.1', port: 0, keepEvents: 0, ...options.sandbox })
  return {
    kind: 'sandbox',
    id: BUILT_IN_SANDBOX_TARGET,
    url: sandbox.url,
    accessToken: options.sandbox?.accessToken ?? DEFAULT_ACCESS_TOKEN,
    eventSetId: options.sandbox?.eventSetId ?? DEFAULT_EVENT_SET_ID,
    sandboxReport: async () => toSandboxReport(sandbox.stats()),
    close: () => sandbox.close()
  }
}

/** The origin of an http(s) URL given on the command line. */
function baseUrl(option: string, text: string): string {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new UsageError(`${option}: not a URL: ${text}`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`${option}: must be an http(s) URL`)
  return url.origin
}

interface SandboxStatsBody {
  requests?: unknown
  acceptedEvents?: unknown
  uniqueEventIds?: unknown
  duplicateEventIds?: unknown
  rejected?: unknown
  faults?: unknown
}

export function toSandboxReport(stats: SandboxStatsBody): SandboxReport {
  return {
    requests: numberOr0(stats.requests),
    acceptedEvents: numberOr0(stats.acceptedEvents),
    uniqueEventIds: numberOr0(stats.uniqueEventIds),
    duplicateEventIds: numberOr0(stats.duplicateEventIds),
    rejectedRequests: countsOf(stats.rejected),
    faults: countsOf(stats.faults)
  }
}

/** The stats of a sandbox at `url`; undefined when it does not answer them (it may not be a sandbox). */
async function fetchSandboxReport(url: string): Promise<SandboxReport | undefined> {
  try {
    const response = await fetch(`${url}${STATS_PATH}`, { signal: AbortSignal.timeout(5000) })
    if (!response.ok) return undefined
    return toSandboxReport((await response.json()) as SandboxStatsBody)
  } catch {
    return undefined
  }
}

function numberOr0(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0
}

function countsOf(value: unknown): Record<string, number> {
  if (typeof value !== 'object' || value === null) return {}
  const counts: Record<string, number> = {}
  for (const [key, count] of Object.entries(value)) {
    if (typeof count === 'number') counts[key] = count
  }
  return counts
}
