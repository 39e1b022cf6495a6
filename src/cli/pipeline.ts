/**
 * The send pipeline: sources in (one after the other, streamed), each event
 * routed to the subscriptions it matches, batched per subscription as Segment
 * does, each full batch started when the scheduler has room and settled by
 * ./settle-batch, a report line for every outcome as batches settle. It stops as RunControl says (signals,
 * refused credentials, an unreachable target, an unreadable input) without
 * losing an outcome: what was sent is reported as TikTok answered, what was
 * not is reported "not sent", what was abandoned in flight "unknown".
 */
import { unlessAborted } from './control'
import { InputOutputError, errorMessage } from './errors'
import { readEventChunks, type InputEvent, type InputFormat, type InputItem } from './input'
import type { Progress } from './progress'
import { recordEntries } from './record'
import { inputErrorLine, notSentLine, unroutedLine, type ReportEntry } from './report-lines'
import type { BatchScheduler } from './scheduler'
import { settleBatch, unsentLines, type BatchContext } from './settle-batch'
import { textBytes, type Source } from './sources'
import type { StopSummary } from './summary-types'

/**
 * A batch is also cut when its events' JSON text reaches this many characters
 * (8 Mi: 8 MiB of ASCII JSON), whatever --batch-size says. A batch in flight
 * holds its events parsed, then mapped, then serialized: about 5 times its
 * input text (measured with 300 events of 600,000 characters each, see the
 * README's memory benchmark), so the runner's memory is bounded by about
 * (batches under way) × 5 × this, not by the events' count alone.
 */
export const MAX_BATCH_INPUT_CHARS = 8 * 2 ** 20

/**
 * However many batches the pace lets in flight (up to 64), the batches under
 * way hold at most this much input text among them (64 Mi characters: eight
 * batches of the largest size, about 350 MB at 5 times their text); a batch
 * waits for room, or goes alone when it is larger than that.
 */
export const MAX_INPUT_CHARS_IN_FLIGHT = 8 * MAX_BATCH_INPUT_CHARS

export interface PipelineContext extends BatchContext {
  batchSize: number
  /** A batch is cut when its events' text reaches this many characters (default MAX_BATCH_INPUT_CHARS). */
  maxBatchChars?: number
  /** How many batches may be in flight. */
  scheduler: BatchScheduler
}

/** What the reading found, for the summary. */
export interface ReadFacts {
  files: number
  gzipFiles: number
  format: 'ndjson' | 'json-array' | 'mixed' | 'empty'
  /** Set when reading stopped before the end of the input. */
  readUpTo?: StopSummary['readUpTo']
  filesNotRead: number
}

/**
 * Runs the sources through the destination. Never throws for an event, an
 * answer or a report that cannot be written (that stops the run: RunControl);
 * only for what is a bug.
 */
export async function runPipeline(sources: readonly Source[], context: PipelineContext): Promise<ReadFacts> {
  const { control, scheduler } = context
  const batches: InputEvent[][] = context.subscriptions.map(() => [])
  /** The characters of each batch being filled. */
  const batchChars: number[] = context.subscriptions.map(() => 0)
  const maxBatchChars = context.maxBatchChars ?? MAX_BATCH_INPUT_CHARS
  const launch = async (subscription: number): Promise<void> => {
    const full = batches[subscription]
    const chars = batchChars[subscription]
    batches[subscription] = []
    batchChars[subscription] = 0
    await dispatchBatch(full, subscription, chars)
  }
  const formats = new Set<InputFormat>()
  let fatal: { error: unknown } | undefined
  let gzipFiles = 0
  let last: { file: string; index: number } | undefined

  /** Starts a full batch when the scheduler has room (or reports it "not sent" when sending stopped meanwhile). */
  const dispatchBatch = async (batch: InputEvent[], subscription: number, chars: number): Promise<void> => {
    await scheduler.waitForSlot(control.stopSignal, chars)
    if (fatal) return
    if (control.sendingStopped) return recordEntries(context, await unsentLines(batch, subscription, context))
    scheduler.track(
      settleBatch(batch, subscription, context).catch((error: unknown) => {
        fatal ??= { error }
      }),
      chars
    )
  }

  /**
   * Routes one item: into its subscriptions' batches (launching a full one),
   * or straight to `lines` (input errors, not routed, skipped, not sent), which
   * the caller writes once per chunk read.
   */
  const routeItem = async (item: InputItem, lines: ReportEntry[]): Promise<void> => {
    last = { file: item.file, index: item.index }
    if (item.kind === 'invalid') {
      context.collector.countEvent({ routed: false })
      lines.push(inputErrorLine(item, context))
      return
    }
    const matched = context.router.matching(item.event)
    context.collector.countEvent({ messageIdGenerated: item.messageIdGenerated, routed: matched.length > 0 })
    if (matched.length === 0) {
      lines.push(unroutedLine(item, context))
      return
    }
    for (const subscription of matched) {
      // With --resume, an event not sent may still have been delivered before: its batch tells (unsentLines).
      if (control.sendingStopped && !context.alreadyDelivered) {
        lines.push(notSentLine(item, subscription, context))
      } else {
        // An event that would take the batch past its size goes into the next one.
        if (batches[subscription].length > 0 && batchChars[subscription] + item.chars > maxBatchChars) {
          await launch(subscription)
        }
        batches[subscription].push(item)
        batchChars[subscription] += item.chars
        if (batches[subscription].length >= context.batchSize || batchChars[subscription] >= maxBatchChars) {
          await launch(subscription)
        }
      }
    }
  }

  let opened = 0
  try {
    for (const source of sources) {
      if (control.readingStopped || fatal) break
      opened++
      const bytes = textBytes(counted(source.raw(), context.progress), source.name, () => void gzipFiles++)
      const chunks = readEventChunks(bytes, { file: source.name, onFormat: (format) => formats.add(format) })
      try {
        for (;;) {
          const next = await unlessAborted(chunks.next(), control.readingSignal)
          if (next === undefined || next.done || fatal) break
          const lines: ReportEntry[] = []
          for (const item of next.value) {
            // A signal while a batch waited for a slot: the rest of this chunk is not read.
            if (control.readingStopped || fatal) break
            await routeItem(item, lines)
          }
          if (lines.length > 0) await recordEntries(context, lines)
          if (control.readingStopped) break
        }
      } catch (error) {
        if (!(error instanceof InputOutputError)) throw error
        control.halt('input-failed', errorMessage(error))
      } finally {
        // Closes the file; a read still waiting (stdin left open and idle) is let go of, so the process can end.
        if (control.readingStopped) source.abandon?.()
        chunks.return(undefined).catch(() => undefined)
      }
    }
    // What the batches still hold: sent if the run goes on, reported "not sent" if it stopped.
    for (const [subscription, batch] of batches.entries()) {
      if (batch.length > 0 && !fatal) await dispatchBatch(batch, subscription, batchChars[subscription])
    }
  } finally {
    await scheduler.drain()
  }
  if (fatal) throw fatal.error
  const stoppedEarly = control.readingStopped
  return {
    files: opened,
    gzipFiles,
    format: formats.size === 0 ? 'empty' : formats.size > 1 ? 'mixed' : [...formats][0],
    ...(stoppedEarly && last ? { readUpTo: last } : {}),
    filesNotRead: sources.length - opened
  }
}

/** Counts the bytes read (before decompression) for the progress bar. */
async function* counted(chunks: AsyncIterable<Buffer>, progress: Progress): AsyncGenerator<Buffer> {
  for await (const chunk of chunks) {
    progress.read(chunk.length)
    yield chunk
  }
}
