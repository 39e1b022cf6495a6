/**
 * The per-event report: one NDJSON line per input event (and per subscription,
 * for an event two subscriptions matched), written as batches finish so memory
 * stays bounded. Lines carry the input `file` and `index`; within a batch they
 * are in input order. Messages come from the destination and actions-core,
 * which never put raw emails, phones or tokens in them; the runner adds no
 * event content. A later run reads it back with --resume.
 */
import { createWriteStream, type WriteStream } from 'node:fs'
import { once } from 'node:events'
import { InputOutputError, ioErrorMessage } from './errors'
import { isRetryableStatus } from './retry'

export type Outcome =
  /** TikTok accepted it. */
  | 'delivered'
  /** An earlier run delivered it (--resume): not sent again. */
  | 'skipped'
  /** Refused, not worth retrying (4xx). */
  | 'rejected'
  /** Still retryable (408, 429, 5xx) after the last retry, or when the run stopped. */
  | 'failed'
  /** Never sent: the run stopped first (interrupted, credentials refused, target unreachable). */
  | 'not-sent'
  /** Its request was abandoned (a second Ctrl-C) or timed out: TikTok may or may not have it. */
  | 'unknown'
  /** No subscription matches it (not an error). */
  | 'unrouted'
  /** Not an event the runner can read. */
  | 'input-error'

export interface ReportLine {
  /** The file it was read from (as named on the command line, or "stdin"). */
  file: string
  /** Line number (NDJSON) or element number (JSON array) in that file, from 1. */
  index: number
  messageId: string | null
  /** Present (true) when the event had no messageId and the runner derived one from its content. */
  messageIdGenerated?: true
  /** The action that ran for it (partnerAction), or null. */
  action: string | null
  /** The preset (subscription) name, "custom", or null. */
  preset: string | null
  /** 200 delivered (and skipped); 4xx rejected; 408/429/5xx failed or unknown; 0 not sent or not routed; 400 for an input error. */
  status: number
  outcome: Outcome
  error: string | null
  /** Times it was sent in this run (0 when it never was). */
  attempts: number
  /**
   * Where its events go (./target's targetId): "dry-run", "sandbox" (the
   * built-in one), "sandbox:<host>/<event set>" or "tiktok:<host>/<event set>".
   * --resume counts a delivery only for the same target. Absent in reports of
   * earlier versions.
   */
  target?: string
  /** The TikTok event name sent, with `eventId` (TikTok de-duplicates by both). */
  event?: string
  /**
   * The event_id TikTok received (or, skipped, would receive), which it
   * de-duplicates by (a purchase's order ID, else the messageId): on every
   * line whose event the destination built (delivered, skipped, and rejected,
   * failed or unknown after a request), absent when it never got that far.
   */
  eventId?: string
  /** Delivered, with values the destination left out, each as "field[position]: why" (never the value). */
  dropped?: string[]
}

/** Delivered (2xx), failed (still retryable after the last retry) or rejected (anything else). */
export function classifyStatus(status: number): 'delivered' | 'rejected' | 'failed' {
  if (status >= 200 && status < 300) return 'delivered'
  return isRetryableStatus(status) ? 'failed' : 'rejected'
}

export interface ReportSink {
  write(lines: readonly ReportLine[]): Promise<void>
  close(): Promise<void>
}

/** Writes nothing: the run has no --report. */
export const NO_REPORT: ReportSink = {
  write: async () => undefined,
  close: async () => undefined
}

export class ReportWriter implements ReportSink {
  private failure: Error | undefined

  private constructor(
    private readonly stream: WriteStream,
    private readonly path: string
  ) {
    stream.on('error', (error) => {
      this.failure ??= this.writeError(error)
    })
  }

  /** Opens (truncates) the file; fails now, not mid-run, when it cannot be written. */
  static async open(path: string): Promise<ReportWriter> {
    const stream = createWriteStream(path, { flags: 'w' })
    try {
      await once(stream, 'open')
    } catch (error) {
      throw new InputOutputError(`cannot write the report ${path}: ${ioErrorMessage(error)}`)
    }
    return new ReportWriter(stream, path)
  }

  /**
   * Resolves once the lines are handed to the file system (the stream's write
   * callback), so that a failure (ENOSPC) is known for these very lines: every
   * line of a call that resolved is in the file, none of a call that threw is
   * counted as written.
   */
  async write(lines: readonly ReportLine[]): Promise<void> {
    if (this.failure) throw this.failure
    if (lines.length === 0) return
    const text = lines.map((line) => JSON.stringify(line)).join('\n') + '\n'
    await new Promise<void>((resolve) => {
      this.stream.write(text, (error) => {
        if (error) this.failure ??= this.writeError(error)
        resolve()
      })
    })
    if (this.failure) throw this.failure
  }

  async close(): Promise<void> {
    if (!this.stream.writable) {
      if (this.failure) throw this.failure
      return
    }
    await new Promise<void>((resolve) => {
      this.stream.once('error', () => resolve())
      this.stream.end(resolve)
    })
    if (this.failure) throw this.failure
  }

  private writeError(error: unknown): InputOutputError {
    return new InputOutputError(`cannot write the report ${this.path}: ${ioErrorMessage(error)}`)
  }

  toString(): string {
    return this.path
  }
}
