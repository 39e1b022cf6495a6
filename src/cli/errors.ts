import type { RunSummary } from './summary'

/** Exit statuses of the runner (main's --help lists every case). */
export const EXIT_OK = 0
/** The target refused the credentials or could not be reached; --fail-on-rejects and some event was not delivered; check-auth refused. */
export const EXIT_FAILURE = 1
/** Bad command line, unreadable or undecodable input, bad mapping, unwritable report. */
export const EXIT_USAGE = 2
/** Interrupted by SIGINT or SIGTERM (128 + SIGINT's 2, as shells report Ctrl-C). */
export const EXIT_INTERRUPTED = 130

/** The exit status of a `send` run that produced a summary: the one place that decides it. */
export function exitStatus(summary: RunSummary, failOnRejects: boolean): number {
  switch (summary.stopped?.reason) {
    case 'interrupted':
      return EXIT_INTERRUPTED
    case 'input-failed':
      return EXIT_USAGE
    case 'credentials-refused':
    case 'unreachable':
      return EXIT_FAILURE
    case undefined:
      return failOnRejects && hasRejects(summary) ? EXIT_FAILURE : EXIT_OK
  }
}

/** Any event not delivered for a reason other than routing: rejected, failed, invalid input, not sent, unknown. */
export function hasRejects(summary: RunSummary): boolean {
  return summary.rejected + summary.failed + summary.inputErrors + summary.notSent + summary.unknown > 0
}

/** A mistake in how the runner was called: bad option values, unknown action, bad mapping. */
export class UsageError extends Error {
  override name = 'UsageError'
}

/** A file or stream that could not be read or written. */
export class InputOutputError extends Error {
  override name = 'InputOutputError'
}

/** The message of any error, for a person (errors of another realm, as under jest, included). */
export function errorMessage(error: unknown): string {
  if (typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string') {
    return (error as { message: string }).message
  }
  return String(error)
}

const IO_CODES: Record<string, string> = {
  ENOENT: 'no such file or directory (ENOENT)',
  EACCES: 'permission denied (EACCES)',
  EPERM: 'operation not permitted (EPERM)',
  EISDIR: 'is a directory (EISDIR)',
  ENOTDIR: 'a part of the path is not a directory (ENOTDIR)',
  ENOSPC: 'no space left on the device (ENOSPC)'
}

/** A file system error in a few words, without repeating the path. */
export function ioErrorMessage(error: unknown): string {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined
  return (typeof code === 'string' && IO_CODES[code]) || errorMessage(error)
}
