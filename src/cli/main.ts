#!/usr/bin/env node
/**
 * The `tiktok-offline-conversions` command: parses the command line, hands
 * over to runSend / runCheckAuth, and turns what happened into an exit status
 * (see EXIT_STATUSES and ./errors).
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander'
import { runCheckAuth } from './check-auth'
import { DEFAULT_STOP_WAIT_MS, type InterruptSource } from './control'
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, InputOutputError, UsageError, errorMessage, exitStatus } from './errors'
import { DEFAULT_BATCH_SIZE, DEFAULT_CONCURRENCY, MAX_BATCH_SIZE, MAX_CONCURRENCY, runSend } from './run-send'
import { DEFAULT_RETRY_POLICY } from './retry'
import { formatSummary } from './summary'
import { checkHtmlPath, writeHtmlReport } from './html/write'

export interface CliIO {
  stdout: NodeJS.WritableStream
  stderr: NodeJS.WritableStream & { isTTY?: boolean }
  stdin: AsyncIterable<Buffer | string>
  /** SIGINT / SIGTERM while `send` runs (the process's, when run as a command). */
  interrupts?: InterruptSource
}

interface SendFlags {
  accessToken?: string
  eventSetId?: string
  defaultPhoneCountry?: string
  sandboxUrl?: string
  apiUrl?: string
  authCheck: boolean
  resume: string[]
  stopWait: number
  dryRun?: boolean
  pretty?: boolean
  action?: string
  mapping?: string
  subscribe?: string
  report?: string
  failOnRejects?: boolean
  batchSize: number
  concurrency: number
  maxRetries: number
  retryBaseMs: number
  retryMaxMs: number
  progress: boolean
  json?: boolean
  html?: string
}

interface CheckAuthFlags {
  accessToken?: string
  eventSetId?: string
  defaultPhoneCountry?: string
  sandboxUrl?: string
  apiUrl?: string
}

const ENVIRONMENT = `
Environment variables:
  TIKTOK_ACCESS_TOKEN           same as --access-token
  TIKTOK_EVENT_SET_ID           same as --event-set-id
  TIKTOK_DEFAULT_PHONE_COUNTRY  same as --default-phone-country
(The host requests go to is chosen with --api-url, --sandbox-url or --dry-run, never by the environment.)`

const EXIT_STATUSES = `
Exit status:
  0    the run completed: every event has an outcome in the summary and the report (rejected ones
       included, unless --fail-on-rejects)
  1    the target refused the credentials: the check before sending (nothing is sent), or a
       401-class answer during the run (sending stops; the remaining events are reported
       "not sent: credentials refused"); or the target could not be reached: no answer to the check,
       or to any request of the run; or send --fail-on-rejects and some event was rejected, failed
       after retries, was not valid input, or was not sent; check-auth: the credentials were refused
       or could not be checked
  2    usage or input error, found before anything is sent: bad option, invalid --subscribe FQL
       (with the parser's reading), missing or unreadable file or folder, a file that is not UTF-8
       (UTF-16 and others are named), bad mapping JSON, unknown action, report not writable, a
       --resume report missing or not a report; or an input that fails during the run (a gzip file
       cut short, bytes further in that are not UTF-8): what was read before it is sent and reported
  130  interrupted (Ctrl-C, SIGINT or SIGTERM): the requests in flight finish, every known outcome is
       reported, the summary counts the events not sent; continue with --resume <report>`

const SEND_HELP = `
Input: files and folders (a folder's files in name order, its subfolders' in their place, hidden
".…" entries left out: an archive of one folder per day and one file per hour runs in time order),
and "-" for stdin. Each file is NDJSON (one Segment event per line) or one JSON array of events
(it starts with "["), gzip-compressed or not: gzip is recognized by its content, whatever the name.
Files must be UTF-8; one in another encoding is named and stops the run before anything is sent.
Everything is streamed, so archives of millions of events run in bounded memory. A line that is not
JSON, not an object, has no "type", or has a "context" that is not an object is an input error:
reported, never dropped. An event without a messageId gets "runner-<hash of the event>", so re-sends
and re-runs de-duplicate at TikTok; the report marks it (messageIdGenerated).

Routing is Segment's: the destination's presets are the subscriptions (Order Completed →
CompletePayment, Callback Started → Contact, Subscription Created → Subscribe, Form Submitted →
SubmitForm, Signed Up → CompleteRegistration, …), run by actions-core's Destination on its batch path.
With --action and --mapping, one subscription of that action with that mapping replaces them; the
mapping is used as Segment uses a saved mapping (field keys to values or directives such as
{"@path": "$.properties.order_id"}; defaults are not merged in).

Target: with --access-token and --event-set-id, events go to TikTok (--api-url: another host that
speaks TikTok's API, e.g. a proxy). Without credentials, a TikTok sandbox is started on a random
loopback port and the summary shows what it accepted. --sandbox-url sends to a sandbox already
running (npm run sandbox). --dry-run sends nothing: it prints each TikTok request body (identifiers
hashed) to stdout, and the summary to stderr. The progress bar (on a terminal) names the target from
the start and counts delivered, rejected and failed events as they settle.

Credentials first: before the first batch, the destination's own credentials check runs (a request
with no events; TikTok records no conversion). Refused: exit 1, nothing sent. --no-auth-check skips
it. A 401-class answer during the run stops the sending: the remaining events are reported
"not sent: credentials refused", exit 1.

Ctrl-C / SIGTERM: reading stops, nothing new is sent, the requests in flight may finish (up to
--stop-wait seconds; a second signal abandons them at once, and their events are reported
"unknown": TikTok may have them). Every known outcome is reported, the summary counts the events
not sent, exit 130. --resume <report> then skips what was delivered and sends the rest; repeat it
for each earlier report of the same input. TikTok de-duplicates by event_id, so sending an "unknown"
event again is safe.

Retries: answers 408, 429 and 5xx (and TikTok's rate-limit and system-error codes) are retried
with exponential back-off and full jitter (random wait up to min(max, base × 2^(n-1))), never sooner
than a Retry-After the server sent. What still fails is reported as failed, never dropped.

Report (--report): one JSON line per input event (two when two subscriptions matched it):
  {"file", "index": <line or element number in the file>, "messageId", "action", "preset", "status",
   "outcome", "error", "attempts", and for delivered events "eventId" (what TikTok de-duplicates by:
   a purchase's order ID, else the messageId) and "dropped" [values the destination left out]}
  outcome: delivered (status 200) | skipped (delivered by an earlier run, --resume) | rejected (4xx,
  not retried) | failed (still 408/429/5xx after the last retry, or when the run stopped) |
  not-sent (status 0: the run stopped first) | unknown (its request was abandoned) | unrouted
  (status 0: no subscription matches) | input-error (status 400)
Lines are written as batches finish: sort by file and index for input order. Messages and "dropped"
notes ("phone_numbers[1]: no country code and no Default Phone Country") never hold raw emails,
phone numbers or tokens.

Match quality (in the summary and --json): the share of delivered events with an email, a phone,
an external ID, a ttclid; the values the destination dropped, by reason; events refused as outside
TikTok's time window; purchases delivered without revenue; and a hint for each loss you can fix.

Examples:
  npm start                                            the sample file against the built-in sandbox
  tiktok-offline-conversions send archive/2026-11-*/ --report report.ndjson --access-token … --event-set-id …
  tiktok-offline-conversions send archive/ --resume report.ndjson --report report-2.ndjson …
  tiktok-offline-conversions send events.json --dry-run --pretty
  zcat events.ndjson.gz | tiktok-offline-conversions send - --access-token … --event-set-id …
  tiktok-offline-conversions send events.ndjson --action trackNonPaymentOfflineConversion \\
      --mapping samples/contact-mapping.json --subscribe 'type = "track" and event = "Callback Started"'`

export function buildProgram(io: CliIO, setExitCode: (code: number) => void): Command {
  const program = new Command('tiktok-offline-conversions')
    .description(
      'Sends offline conversions (Segment events) to TikTok through the Segment Actions destination "TikTok Offline Conversions": events in, hashed TikTok requests out, an outcome for every event.'
    )
    .showHelpAfterError('(add --help for usage)')
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text)
    })
    .addHelpText('after', `${ENVIRONMENT}\n${EXIT_STATUSES}`)
    .exitOverride()

  program
    .command('send')
    .description('send the Segment events of files, folders or stdin to TikTok, the sandbox, or nowhere (--dry-run)')
    .argument(
      '<inputs...>',
      'files and folders of NDJSON or JSON arrays of Segment events, gzip or not; "-" reads stdin'
    )
    .addOption(new Option('--access-token <token>', 'TikTok Events API access token').env('TIKTOK_ACCESS_TOKEN'))
    .addOption(new Option('--event-set-id <id>', 'TikTok offline event set ID').env('TIKTOK_EVENT_SET_ID'))
    .addOption(
      new Option(
        '--default-phone-country <code>',
        'ISO 3166 alpha-2 country of phone numbers written without a country code (e.g. US)'
      ).env('TIKTOK_DEFAULT_PHONE_COUNTRY')
    )
    .option(
      '--sandbox-url <url>',
      "send to a TikTok sandbox already running there (credentials default to the sandbox's)"
    )
    .option('--api-url <url>', 'send to this host instead of https://business-api.tiktok.com (one that speaks its API)')
    .option('--no-auth-check', 'do not check the credentials before the first batch')
    .option('--dry-run', 'build the TikTok requests and print their bodies (hashed) to stdout; send nothing')
    .option('--pretty', 'indent the bodies printed by --dry-run')
    .option(
      '--action <key>',
      'custom subscription: the action (trackPaymentOfflineConversion or trackNonPaymentOfflineConversion)'
    )
    .option('--mapping <file.json>', "custom subscription: a JSON file with the mapping of the action's fields")
    .option(
      '--subscribe <fql>',
      "custom subscription: which events it takes (default: the action's default subscription)"
    )
    .option(
      '--report <file>',
      'write one NDJSON line per input event: file, index, messageId, action, preset, status, outcome, error, attempts, eventId, dropped'
    )
    .option(
      '--resume <report>',
      'skip the events this earlier report shows delivered (repeat for several reports)',
      (value: string, previous: string[]) => [...previous, value],
      []
    )
    .option(
      '--fail-on-rejects',
      'exit 1 when any event was rejected, failed after retries, was not valid input, or was not sent'
    )
    .option(
      '--batch-size <n>',
      `events per batch handed to the destination (1–${MAX_BATCH_SIZE})`,
      positiveInteger,
      DEFAULT_BATCH_SIZE
    )
    .option(
      '--concurrency <n>',
      `batches in flight at once (1–${MAX_CONCURRENCY})`,
      positiveInteger,
      DEFAULT_CONCURRENCY
    )
    .option('--max-retries <n>', 'retries of a retryable outcome', nonNegativeInteger, DEFAULT_RETRY_POLICY.maxRetries)
    .option('--retry-base-ms <ms>', 'back-off base', nonNegativeInteger, DEFAULT_RETRY_POLICY.baseDelayMs)
    .option('--retry-max-ms <ms>', 'back-off cap', nonNegativeInteger, DEFAULT_RETRY_POLICY.maxDelayMs)
    .option(
      '--stop-wait <seconds>',
      'after Ctrl-C / SIGTERM, how long the requests in flight may take before they are abandoned',
      nonNegativeNumber,
      DEFAULT_STOP_WAIT_MS / 1000
    )
    .option('--no-progress', 'no progress bar (it is shown only when stderr is a terminal)')
    .option('--json', 'print the summary as JSON')
    .option(
      '--html <file>',
      'also write the summary as a self-contained HTML page with charts (when the run ends or is interrupted)'
    )
    .addHelpText('after', `${SEND_HELP}\n${ENVIRONMENT}\n${EXIT_STATUSES}`)
    .action(async (inputs: string[], flags: SendFlags) => {
      if (flags.html) await checkHtmlPath(flags.html, { inputs, report: flags.report, resume: flags.resume })
      const summary = await runSend({
        inputs,
        stdin: io.stdin,
        accessToken: flags.accessToken,
        eventSetId: flags.eventSetId,
        defaultPhoneCountry: flags.defaultPhoneCountry,
        sandboxUrl: flags.sandboxUrl,
        apiUrl: flags.apiUrl,
        authCheck: flags.authCheck,
        resume: flags.resume,
        interrupts: io.interrupts,
        stopWaitMs: flags.stopWait * 1000,
        notices: io.stderr,
        dryRun: flags.dryRun === true,
        output: io.stdout,
        pretty: flags.pretty === true,
        action: flags.action,
        mappingFile: flags.mapping,
        subscribe: flags.subscribe,
        report: flags.report,
        batchSize: flags.batchSize,
        concurrency: flags.concurrency,
        retry: { maxRetries: flags.maxRetries, baseDelayMs: flags.retryBaseMs, maxDelayMs: flags.retryMaxMs },
        progress: flags.progress && io.stderr.isTTY === true,
        progressStream: io.stderr
      })
      const out = flags.dryRun ? io.stderr : io.stdout
      out.write(`${flags.json ? JSON.stringify(summary, null, 2) : formatSummary(summary)}\n`)
      if (flags.html) await writeHtmlReport(flags.html, summary, [flags.accessToken])
      setExitCode(exitStatus(summary, flags.failOnRejects === true))
    })

  program
    .command('check-auth')
    .description("check the credentials with the destination's testAuthentication (records no conversion)")
    .addOption(new Option('--access-token <token>', 'TikTok Events API access token').env('TIKTOK_ACCESS_TOKEN'))
    .addOption(new Option('--event-set-id <id>', 'TikTok offline event set ID').env('TIKTOK_EVENT_SET_ID'))
    .addOption(
      new Option('--default-phone-country <code>', 'also check this Default Phone Country setting').env(
        'TIKTOK_DEFAULT_PHONE_COUNTRY'
      )
    )
    .option('--sandbox-url <url>', 'check against a TikTok sandbox running there instead of TikTok')
    .option('--api-url <url>', 'check against this host instead of https://business-api.tiktok.com')
    .addHelpText('after', `${ENVIRONMENT}\n${EXIT_STATUSES}`)
    .action(async (flags: CheckAuthFlags) => {
      const result = await runCheckAuth(flags)
      if (result.ok) {
        io.stdout.write(`Credentials accepted by ${result.target}\n`)
        setExitCode(EXIT_OK)
      } else {
        io.stderr.write(`Credentials check failed against ${result.target}: ${result.message}\n`)
        setExitCode(EXIT_FAILURE)
      }
    })

  return program
}

/** Runs the command line (without `node` and the script); resolves to the exit status. */
export async function runCli(args: readonly string[], io: CliIO = processIO()): Promise<number> {
  let exitCode = EXIT_OK
  const program = buildProgram(io, (code) => (exitCode = code))
  if (args.length === 0) {
    program.outputHelp({ error: true })
    return EXIT_USAGE
  }
  try {
    await program.parseAsync([...args], { from: 'user' })
    return exitCode
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.exitCode === 0
        ? EXIT_OK
        : EXIT_USAGE
    }
    const known = error instanceof UsageError || error instanceof InputOutputError
    io.stderr.write(`tiktok-offline-conversions: ${known ? '' : 'error: '}${errorMessage(error)}\n`)
    return EXIT_USAGE
  }
}

function processIO(): CliIO {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    interrupts: (onSignal) => {
      // Listening replaces Node's default (exit at once) only while `send` runs.
      const handler = (signal: NodeJS.Signals): void => onSignal(signal)
      process.on('SIGINT', handler)
      process.on('SIGTERM', handler)
      return () => {
        process.off('SIGINT', handler)
        process.off('SIGTERM', handler)
      }
    }
  }
}

function positiveInteger(text: string): number {
  const value = Number(text)
  if (!Number.isInteger(value) || value < 1) throw new InvalidArgumentError('must be a whole number ≥ 1')
  return value
}

function nonNegativeNumber(text: string): number {
  const value = Number(text)
  if (text.trim() === '' || !Number.isFinite(value) || value < 0) throw new InvalidArgumentError('must be a number ≥ 0')
  return value
}

function nonNegativeInteger(text: string): number {
  const value = Number(text)
  if (text.trim() === '' || !Number.isInteger(value) || value < 0)
    throw new InvalidArgumentError('must be a whole number ≥ 0')
  return value
}

if (require.main === module) {
  // `… --dry-run | head`: a closed stdout ends the output, it is not an error worth a stack trace.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error
    process.exit(process.exitCode ?? EXIT_OK)
  })
  runCli(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code
    },
    (error: unknown) => {
      process.stderr.write(`tiktok-offline-conversions: ${errorMessage(error)}\n`)
      process.exitCode = EXIT_USAGE
    }
  )
}
