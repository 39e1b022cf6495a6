/** The runner's error kinds and how they read for a person: a leaf, it imports nothing of the project. */
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
