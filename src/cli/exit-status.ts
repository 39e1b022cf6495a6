/**
 * Exit statuses of the runner (main's --help lists every case) and the one
 * place that decides a `send` run's from its summary.
 */
import type { RunSummary } from './summary-types'

export const EXIT_OK = 0
/** The target refused the credentials or could not be reached; --fail-on-rejects and some event was not delivered; check-auth refused. */
export const EXIT_FAILURE = 1
/** Bad command line, unreadable or undecodable input, bad mapping, unwritable report. */
export const EXIT_USAGE = 2
/** The report could not be written (disk full…) during the run: sending stopped at once; the summary says what is not in the report. */
export const EXIT_REPORT_FAILED = 3
/** Interrupted by SIGINT or SIGTERM (128 + SIGINT's 2, as shells report Ctrl-C). */
export const EXIT_INTERRUPTED = 130

/** The exit status of a `send` run that produced a summary: the one place that decides it. */
export function exitStatus(summary: RunSummary, failOnRejects: boolean): number {
  switch (summary.stopped?.reason) {
    case 'interrupted':
      return EXIT_INTERRUPTED
    case 'input-failed':
      return EXIT_USAGE
    case 'report-failed':
      return EXIT_REPORT_FAILED
    case 'credentials-refused':
    case 'unreachable':
    case 'target-failed':
      return EXIT_FAILURE
    case undefined:
      return failOnRejects && hasRejects(summary) ? EXIT_FAILURE : EXIT_OK
  }
}

/** Any event not delivered for a reason other than routing: rejected, failed, invalid input, not sent, unknown. */
export function hasRejects(summary: RunSummary): boolean {
  return summary.rejected + summary.failed + summary.inputErrors + summary.notSent + summary.unknown > 0
}
