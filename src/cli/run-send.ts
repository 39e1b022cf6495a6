/**
 * The runner's `send`, callable in-process: events in (files, folders, stdin;
 * NDJSON or JSON arrays, gzip or not, streamed), through the destination in
 * actions-core (presets or a custom mapping, batch path), to a target
 * (TikTok, a sandbox, or a dry run), with a credentials check first, retries,
 * a per-event report, --resume, and a summary with match quality. Memory is
 * bounded: the input is streamed, at most 64 batches are in flight (as many
 * as the pace controller allows, or --concurrency), report lines are written
 * as batches settle, and the summary keeps counters only.
 */
import { verifyCredentials, type VerifyRetries } from './check-auth'
import { RunControl, type Stop } from './control'
import { validateSendOptions, type RunSendOptions, type ValidSendOptions } from './options'
import { PaceController } from './pace'
import { MAX_INPUT_CHARS_IN_FLIGHT, runPipeline, type ReadFacts } from './pipeline'
import { NO_PROGRESS, startProgress, type Progress } from './progress'
import { NO_REPORT, ReportWriter, type ReportSink } from './report'
import { readResume, type Resume } from './resume'
import { RetryAfterGate, parseRetryAfter, realSleep } from './retry'
import { Router } from './router'
import { PacedBatches, observeInFlight } from './scheduler'
import { checkFileEncodings, resolveSources, type Source } from './sources'
import { targetText } from './summary-format'
import type { SummaryCollector } from './summary-collector'
import type { CredentialsCheck, RunSummary, StopSummary } from './summary-types'
import { openTarget, targetId, type Target } from './target'
import { answerLocally } from './target-adapter'
import { AlreadyDelivered } from './already-delivered'
import { RunSeries, SeriesCollector, type ReportedRun } from './html/series'

export type { RunSendOptions } from './options'
export type { RunSummary } from './summary-types'

/** What is settled before anything is opened: every usage and input error is found here (exit 2). */
interface Plan extends ValidSendOptions {
  sources: Source[]
  resume?: Resume
}

async function plan(options: RunSendOptions): Promise<Plan> {
  const valid = await validateSendOptions(options)
  const notices = options.notices ?? options.progressStream ?? process.stderr
  const sources = await resolveSources(
    options.inputs,
    () => options.stdin ?? process.stdin,
    ({ name, sameAs }) =>
      notices.write(`tiktok-offline-conversions: ${name} is the same file as ${sameAs}: read once\n`)
  )
  await checkFileEncodings(sources)
  const resume = options.resume?.length
    ? await readResume(options.resume, { target: targetId(options), untargeted: options.resumeUntargeted })
    : undefined
  return { ...valid, sources, resume }
}

/**
 * Runs `send`. Throws UsageError / InputOutputError (exit 2) for what is
 * found wrong before anything is sent; never throws for a bad event. A run
 * that stops early (signal, credentials, target, input) resolves with a
 * summary that says why (`stopped`).
 */
export async function runSend(options: RunSendOptions): Promise<ReportedRun> {
  const started = Date.now()
  const series = new RunSeries(started)
  const planned = await plan(options)
  let report: ReportSink = NO_REPORT
  let target: Target | undefined
  let progress: Progress = NO_PROGRESS
  const notices = options.notices ?? options.progressStream ?? process.stderr
  const control = new RunControl(planned.stopWaitMs, (text) => {
    // The notice goes on its own line, not into the bar.
    progress.stop()
    notices.write(`\n${text}\n`)
  })
  const gate = new RetryAfterGate(planned.policy.maxRetryAfterMs)
  // The credentials check, every batch and every retry start when it says (a Retry-After included).
  const pace = new PaceController({ fixed: planned.concurrency, max: planned.maxConcurrency, retryAfter: gate })
  const scheduler = observeInFlight(new PacedBatches(pace, MAX_INPUT_CHARS_IN_FLIGHT), (batches) =>
    series.timeline.inFlight(batches)
  )
  let checking = false
  const unlisten = control.listen(
    options.interrupts,
    () => scheduler.inFlight,
    () => checking
  )
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
    const collector = new SeriesCollector(series)
    const settings = {
      accessToken: opened.accessToken,
      eventSetID: opened.eventSetId,
      defaultPhoneCountry: planned.defaultPhoneCountry
    }
    const router = new Router(planned.definition, planned.subscriptions, settings, {
      baseUrl: opened.url,
      timeoutMs: options.requestTimeoutMs,
      onRequest: () => collector.countRequest(),
      onResponse: (status, retryAfter) => {
        collector.countStatus(status)
        const wait = status >= 400 ? parseRetryAfter(retryAfter, Date.now()) : undefined
        if (wait !== undefined) gate.note(wait)
      }
    })
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
        pace: pace.stats(),
        dryRun: options.dryRun === true
      })

    const sleep = options.sleep ?? realSleep
    checking = true
    const credentialsCheck = await checkCredentialsFirst(options, router, opened, control, pace, collector, {
      policy: planned.policy,
      sleep,
      random: options.random,
      stop: control.stopSignal,
      abort: control.abortSignal
    }).finally(() => (checking = false))
    if (credentialsCheck === 'refused' || credentialsCheck === 'failed' || credentialsCheck === 'interrupted')
      return series.attach(await summarize(credentialsCheck))

    if (options.progress)
      progress = startProgress(options.progressStream ?? process.stderr, where, totalSize(planned.sources), () => ({
        inFlight: pace.inFlight,
        throttled: pace.throttledRequests
      }))
    const facts = await runPipeline(planned.sources, {
      router,
      subscriptions: planned.subscriptions,
      batchSize: planned.batchSize,
      scheduler,
      pace,
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
      target: opened.id,
      ...optional(
        'alreadyDelivered',
        planned.resume &&
          new AlreadyDelivered(
            planned.resume.delivered,
            new Router(answerLocally(planned.definition), planned.subscriptions, settings)
          )
      )
    })
    progress.stop()
    progress = NO_PROGRESS
    return series.attach(await summarize(credentialsCheck, facts))
  } finally {
    unlisten()
    progress.stop()
    // A report that failed mid-run has said so in the summary (and its exit status): closing it fails again.
    const reportFailed = control.stop?.reason === 'report-failed'
    const closing = [reportFailed ? report.close().catch(() => undefined) : report.close(), target?.close()]
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
  pace: PaceController,
  collector: SummaryCollector,
  retries: VerifyRetries
): Promise<CredentialsCheck> {
  if (options.dryRun) return 'none'
  if (options.authCheck === false) return 'skipped'
  const verdict = await verifyCredentials(router, [target.accessToken], pace, retries)
  if (verdict.ok) return 'accepted'
  // Ctrl-C during the check: the run's reason is the signal, whatever the check's request came to.
  if (control.stop?.reason === 'interrupted') return 'interrupted'
  const where = targetText(target.kind, target.url)
  if (verdict.verdict === 'refused') {
    control.halt(
      'credentials-refused',
      `the credentials check was refused by ${where}: ${verdict.message}; nothing was sent`
    )
  } else if (collector.answers > 0) {
    // It answered (HTTP 502, say): "could not be reached" would contradict the answer it quotes.
    control.halt(
      'target-failed',
      `the credentials could not be checked: ${where} answered, but only with errors: ${verdict.message}; nothing was sent`
    )
  } else {
    control.halt(
      'unreachable',
      `the credentials could not be checked: no answer from ${where}: ${verdict.message}; nothing was sent`
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
  // Everything but the deliveries themselves (millions of digests).
  const { delivered, ...facts } = resume
  return facts
}

/** `{ [key]: value }`, or nothing when the value is undefined: optional fields stay absent, not `undefined`. */
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V }
}
