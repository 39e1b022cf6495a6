/**
 * What a run did, as the summary tells it (and --json prints it): counters
 * only, so memory does not grow with the number of events.
 */
import type { Stop } from './control'
import type { PaceStats } from './pace'
import type { MatchQuality } from './quality'
import type { ResumeSource } from './resume'

export type TargetKind = 'sandbox' | 'sandbox-url' | 'tiktok' | 'dry-run'

/**
 * The credentials check before the first batch: accepted, refused (4xx), or
 * could not be made (no answer, 5xx after retries); interrupted (Ctrl-C
 * before it finished: nothing sent); skipped with
 * --no-auth-check; none for a dry run.
 */
export type CredentialsCheck = 'accepted' | 'refused' | 'failed' | 'interrupted' | 'skipped' | 'none'

/** Outcomes of routed events (an event two subscriptions matched counts once for each). */
export interface OutcomeCounts {
  delivered: number
  /** Delivered by an earlier run (--resume), not sent again. */
  skipped: number
  rejected: number
  failed: number
  /** Read, but never sent: the run stopped first. */
  notSent: number
  /** Sent, but their requests were abandoned: TikTok may have them. */
  unknown: number
}

export interface RouteCount extends OutcomeCounts {
  preset: string
  action: string
  /** Events this subscription matched. */
  events: number
}

export interface ReasonCount {
  reason: string
  count: number
}

/** What the sandbox recorded (the built-in one, or the one at --sandbox-url when it answers). */
export interface SandboxReport {
  /** Requests the sandbox received, faulted ones included. */
  requests: number
  /** Events in requests it accepted, each re-send counted again. */
  acceptedEvents: number
  uniqueEventIds: number
  duplicateEventIds: number
  /** Requests it refused, by TikTok code. */
  rejectedRequests: Record<string, number>
  faults: Record<string, number>
}

/** Why and where a run stopped before the end of its input. */
export interface StopSummary extends Stop {
  /** The last item read, when reading stopped early. */
  readUpTo?: { file: string; index: number }
  /** Files (of those named) not opened at all. */
  filesNotRead: number
}

/** The run's outcomes (OutcomeCounts) are per routed event and subscription. */
export interface RunSummary extends OutcomeCounts {
  target: TargetKind
  /** Where requests went (for "tiktok", TikTok's host). */
  targetUrl: string
  /** The inputs as named on the command line ("-" for stdin). */
  inputs: string[]
  /** Files read, stdin counted as one… */
  files: number
  /** …of which gzip. */
  gzipFiles: number
  format: 'ndjson' | 'json-array' | 'mixed' | 'empty'
  credentialsCheck: CredentialsCheck
  /** Lines / array elements read (blank lines excepted), bad ones included. */
  eventsRead: number
  inputErrors: number
  /** Events that had no messageId and got one derived from their content. */
  messageIdsGenerated: number
  /** Events no subscription matched (an identify call, an event no preset names). */
  unrouted: number
  /** Events at least one subscription matched. */
  routedEvents: number
  /** Per subscription (preset and action), most events first. */
  routes: RouteCount[]
  /** Reasons, most common first (request IDs left out so that alike errors group). */
  reasons: {
    inputErrors: ReasonCount[]
    rejected: ReasonCount[]
    failed: ReasonCount[]
  }
  quality: MatchQuality
  /** Event re-sends (an event sent three times counts 2). */
  retried: number
  /** HTTP requests the destination made, the credentials check included (in a dry run, to the stub). */
  httpRequests: number
  /** HTTP answers by status. */
  httpStatuses: Record<string, number>
  elapsedMs: number
  eventsPerSecond: number
  /** How the requests were paced: adaptive or fixed, peak and mean in flight, refused for rate, time waiting to be sent. */
  pace?: PaceStats
  resume?: ResumeSource
  stopped?: StopSummary
  sandbox?: SandboxReport
  report?: string
  /** Outcomes the report could not take (it failed mid-run, e.g. disk full): they are counted here only. */
  notInReport?: NotInReport
  dryRun: boolean
}

/** What a report that failed mid-run is missing: lines, and of them the events TikTok accepted. */
export interface NotInReport {
  lines: number
  delivered: number
}

/** Live counts, for the progress bar. */
export interface LiveCounts {
  read: number
  delivered: number
  rejected: number
  failed: number
}
