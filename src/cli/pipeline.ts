/**
 * The send pipeline: sources in (one after the other, streamed), each event
 * routed to the subscriptions it matches, batched per subscription as Segment
 * does, at most `concurrency` batches in flight, retries, and a report line
 * for every outcome as batches settle. It stops as RunControl says (signals,
 * refused credentials, an unreachable target, an unreadable input) without
 * losing an outcome: what was sent is reported as TikTok answered, what was
 * not is reported "not sent", what was abandoned in flight "unknown".
 */
import type { SegmentEvent } from '@segment/actions-core'
import { redactPersonalData, redactSecrets } from '../destinations/tiktok-offline-conversions/privacy'
import { unlessAborted, type RunControl } from './control'
import { InputOutputError, errorMessage } from './errors'
import { readEventChunks, type InputError, type InputEvent, type InputFormat, type InputItem } from './input'
import type { Progress } from './progress'
import type { DeliveryFacts, OutcomeFacts } from './quality'
import { classifyStatus, type Outcome, type ReportLine, type ReportSink } from './report'
import type { DeliveredSet } from './resume'
import { RetryAfterGate, isRetryableStatus, settleWithRetries, type RetryPolicy, type Sleep } from './retry'
import type { Router, RoutedEntry, RouteSubscription } from './route'
import { textBytes, type Source } from './sources'
import type { StopSummary, SummaryCollector } from './summary'

export interface PipelineContext {
  router: Router
  subscriptions: readonly RouteSubscription[]
  batchSize: number
  concurrency: number
  policy: RetryPolicy
  gate: RetryAfterGate
  sleep: Sleep
  random?: () => number
  /** Removed from every message (the access token). */
  secrets: string[]
  /** Where requests go, in words, for the "unreachable" message. */
  targetName: string
  collector: SummaryCollector
  report: ReportSink
  progress: Progress
  control: RunControl
  /** Deliveries of earlier runs (--resume): skipped. */
  delivered?: DeliveredSet
  /** Told the number of batches in flight whenever it changes (a signal's notice says it). */
  onInFlight?: (batches: number) => void
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

/** An outcome, and whether its request was abandoned in flight (then TikTok may or may not have the event). */
type Settled = RoutedEntry & { abandoned?: boolean }

/** A report line, with what match quality needs of a delivered or refused event. */
interface Written {
  line: ReportLine
  facts?: OutcomeFacts
}

/** Runs the sources through the destination. Throws only for what must end the run with exit 2 (a report that cannot be written). */
export async function runPipeline(sources: readonly Source[], context: PipelineContext): Promise<ReadFacts> {
  const { control } = context
  const inFlight = new Set<Promise<void>>()
  const batches: InputEvent[][] = context.subscriptions.map(() => [])
  const formats = new Set<InputFormat>()
  let fatal: { error: unknown } | undefined
  let gzipFiles = 0
  let last: { file: string; index: number } | undefined

  const launch = async (batch: InputEvent[], subscription: number): Promise<void> => {
    while (inFlight.size >= context.concurrency && !control.sendingStopped) {
      await unlessAborted(Promise.race(inFlight), control.stopSignal)
    }
    if (fatal) return
    if (control.sendingStopped)
      return write(
        context,
        batch.map((item) => notSentLine(item, subscription, context))
      )
    const task: Promise<void> = processBatch(batch, subscription, context)
      .catch((error: unknown) => {
        fatal ??= { error }
      })
      .finally(() => {
        inFlight.delete(task)
        context.onInFlight?.(inFlight.size)
      })
    inFlight.add(task)
    context.onInFlight?.(inFlight.size)
  }

  /**
   * Routes one item: into its subscriptions' batches (launching a full one),
   * or straight to `lines` (input errors, not routed, skipped, not sent), which
   * the caller writes once per chunk read.
   */
  const handle = async (item: InputItem, lines: Written[]): Promise<void> => {
    last = { file: item.file, index: item.index }
    if (item.kind === 'invalid') {
      context.collector.countEvent({ routed: false })
      lines.push(inputErrorLine(item))
      return
    }
    const matched = context.router.matching(item.event)
    context.collector.countEvent({ messageIdGenerated: item.messageIdGenerated, routed: matched.length > 0 })
    if (matched.length === 0) {
      lines.push(unroutedLine(item, context))
      return
    }
    for (const subscription of matched) {
      if (context.delivered?.has(item.messageId, context.subscriptions[subscription].name)) {
        lines.push(skippedLine(item, subscription, context))
      } else if (control.sendingStopped) {
        lines.push(notSentLine(item, subscription, context))
      } else {
        batches[subscription].push(item)
        if (batches[subscription].length >= context.batchSize) {
          const full = batches[subscription]
          batches[subscription] = []
          await launch(full, subscription)
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
          const lines: Written[] = []
          for (const item of next.value) {
            // A signal while a batch waited for a slot: the rest of this chunk is not read.
            if (control.readingStopped || fatal) break
            await handle(item, lines)
          }
          if (lines.length > 0) await write(context, lines)
          if (control.readingStopped) break
        }
      } catch (error) {
        if (!(error instanceof InputOutputError)) throw error
        control.halt('input-failed', errorMessage(error))
      } finally {
        // Closes the file; a read still waiting (stdin) is left to end with the process.
        chunks.return(undefined).catch(() => undefined)
      }
    }
    // What the batches still hold: sent if the run goes on, reported "not sent" if it stopped.
    for (const [subscription, batch] of batches.entries()) {
      if (batch.length > 0 && !fatal) await launch(batch, subscription)
    }
  } finally {
    await Promise.all(inFlight)
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

type Pair = { position: number; subscription: number | null }

/** One batch of one subscription: run it, retry what is retryable, write its lines, stop the run if it must. */
async function processBatch(
  batch: readonly InputEvent[],
  subscription: number,
  context: PipelineContext
): Promise<void> {
  const { router, gate, sleep, control } = context
  const waitFirst = gate.remainingMs()
  if (waitFirst > 0) await sleep(waitFirst, control.stopSignal)
  if (control.sendingStopped)
    return write(
      context,
      batch.map((item) => notSentLine(item, subscription, context))
    )

  /** One call to the destination; its retryable outcomes are "abandoned" if the run aborted requests meanwhile. */
  const run = async (events: SegmentEvent[], only: number): Promise<Settled[][]> => {
    const abortedBefore = control.aborted
    const routing = await router.run(events, only, control.abortSignal)
    if (abortedBefore || !control.aborted) return routing
    return routing.map((entries) =>
      entries.map((entry) => (isRetryableStatus(entry.status) ? { ...entry, abandoned: true } : entry))
    )
  }

  const routing = await run(
    batch.map((item) => item.event),
    subscription
  )
  const first: Array<{ item: Pair; outcome: Settled }> = []
  routing.forEach((entries, position) => {
    for (const entry of entries) first.push({ item: { position, subscription: entry.subscription }, outcome: entry })
  })

  const resend = async (pairs: Pair[]): Promise<Settled[]> => {
    const outcomes: Settled[] = new Array(pairs.length)
    const bySubscription = new Map<number, number[]>()
    pairs.forEach((pair, slot) => {
      // Only subscription-less entries (events actions-core cannot run) have none; they are never retryable.
      const key = pair.subscription ?? -1
      const slots = bySubscription.get(key)
      if (slots) slots.push(slot)
      else bySubscription.set(key, [slot])
    })
    await Promise.all(
      [...bySubscription].map(async ([only, slots]) => {
        const events = slots.map((slot) => batch[pairs[slot].position].event)
        const answers = only >= 0 ? await run(events, only) : []
        slots.forEach((slot, k) => {
          outcomes[slot] = answers[k]?.find((entry) => entry.subscription === only) ?? {
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
    stop: control.stopSignal,
    onResend: (count) => (context.collector.retried += count)
  })

  const lines: Written[] = []
  let next = 0
  batch.forEach((item, position) => {
    const start = lines.length
    while (next < settled.length && settled[next].item.position === position) {
      const { outcome, attempts } = settled[next++]
      lines.push(eventLine(item, outcome, attempts, context))
    }
    // The runner matched the event to this subscription; actions-core must answer for it.
    if (lines.length === start) {
      const missing = { subscription, status: 500, message: 'actions-core gave no answer for this event' }
      lines.push(eventLine(item, missing, 1, context))
    }
  })
  await write(context, lines)
  stopIfHopeless(lines, context)
}

/**
 * A 401-class answer: the credentials will be refused for every other event
 * too. Events that failed while the run never got any HTTP answer: the target
 * cannot be reached. Either way, sending more is pointless.
 */
function stopIfHopeless(lines: readonly Written[], context: PipelineContext): void {
  const refused = lines.find(({ line }) => line.outcome === 'rejected' && line.status === 401)
  if (refused) {
    context.control.halt(
      'credentials-refused',
      `the target refused the credentials: ${refused.line.error ?? 'status 401'}`
    )
    return
  }
  const failed = lines.find(({ line }) => line.outcome === 'failed')
  if (failed && context.collector.answers === 0) {
    context.control.halt(
      'unreachable',
      `no answer from ${context.targetName} after ${failed.line.attempts} attempts: ${failed.line.error ?? ''}`
    )
  }
}

async function write(context: PipelineContext, lines: readonly Written[]): Promise<void> {
  for (const { line, facts } of lines) context.collector.record(line, facts)
  context.progress.update(context.collector.live())
  await context.report.write(lines.map(({ line }) => line))
}

/** A report line, its fields in the report's order (built field by field: millions are made). */
function reportLine(
  item: InputEvent,
  subscription: number | null,
  context: PipelineContext,
  outcome: Outcome,
  status: number,
  error: string | null,
  attempts: number,
  delivery?: DeliveryFacts
): ReportLine {
  const route = subscription === null ? undefined : context.subscriptions[subscription]
  const line: ReportLine = {
    file: item.file,
    index: item.index,
    messageId: item.messageId,
    action: route?.partnerAction ?? null,
    preset: route?.name ?? null,
    status,
    outcome,
    error,
    attempts
  }
  if (item.messageIdGenerated) line.messageIdGenerated = true
  if (delivery?.eventId !== undefined) line.eventId = delivery.eventId
  if (delivery && delivery.dropped.length > 0) line.dropped = delivery.dropped.map((value) => value.message)
  return line
}

function eventLine(item: InputEvent, entry: Settled, attempts: number, context: PipelineContext): Written {
  const outcome: Outcome = entry.abandoned ? 'unknown' : classifyStatus(entry.status)
  const line = (error: string | null, delivery?: DeliveryFacts): ReportLine =>
    reportLine(item, entry.subscription, context, outcome, entry.status, error, attempts, delivery)
  const locale = item.event.context?.locale
  const timestamp = item.event.timestamp
  if (outcome === 'delivered') {
    const { delivery } = entry
    return delivery ? { line: line(null, delivery), facts: { delivery, locale, timestamp } } : { line: line(null) }
  }
  const message = safeMessage(entry.message ?? `status ${entry.status}`, context.secrets)
  if (outcome === 'rejected' && entry.refusal)
    return { line: line(message), facts: { refusal: entry.refusal, locale, timestamp } }
  if (outcome === 'unknown') {
    return { line: line(`unknown: the request was abandoned before an answer (${message}); TikTok may have the event`) }
  }
  const retriesLeft = outcome === 'failed' && context.control.sendingStopped && attempts <= context.policy.maxRetries
  return { line: line(retriesLeft ? `${message} (not retried: the run stopped)` : message) }
}

function notSentLine(item: InputEvent, subscription: number, context: PipelineContext): Written {
  const reason = context.control.sendingStoppedBy?.reason
  const why =
    reason === 'credentials-refused'
      ? 'credentials refused'
      : reason === 'unreachable'
        ? 'the target could not be reached'
        : 'the run stopped first'
  return { line: reportLine(item, subscription, context, 'not-sent', 0, `not sent: ${why}`, 0) }
}

function skippedLine(item: InputEvent, subscription: number, context: PipelineContext): Written {
  return { line: reportLine(item, subscription, context, 'skipped', 200, null, 0) }
}

function unroutedLine(item: InputEvent, context: PipelineContext): Written {
  return {
    line: reportLine(item, null, context, 'unrouted', 0, 'not routed: no subscription matches this event', 0)
  }
}

function inputErrorLine(item: InputError): Written {
  return {
    line: {
      file: item.file,
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
}

/** The destination already redacts; this is the last guard before a message reaches a file or a terminal. */
function safeMessage(message: string, secrets: readonly string[]): string {
  return redactSecrets(redactPersonalData(message), secrets)
}
