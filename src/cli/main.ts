#!/usr/bin/env node
/**
 * The `tiktok-offline-conversions` command: parses the command line and hands
 * over to runSend / runCheckAuth. Exit statuses: 0 the run completed; 1 with
 * --fail-on-rejects when an event was rejected or failed (or check-auth found
 * the credentials bad); 2 usage or I/O errors.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander'
import { runCheckAuth } from './check-auth'
import { EXIT_OK, EXIT_REJECTS, EXIT_USAGE, InputOutputError, UsageError, errorMessage } from './errors'
import { DEFAULT_BATCH_SIZE, DEFAULT_CONCURRENCY, MAX_BATCH_SIZE, MAX_CONCURRENCY, runSend } from './run-send'
import { DEFAULT_RETRY_POLICY } from './retry'
import { formatSummary, type RunSummary } from './summary'

export interface CliIO {
  stdout: NodeJS.WritableStream
  stderr: NodeJS.WritableStream & { isTTY?: boolean }
  stdin: AsyncIterable<Buffer | string>
}

interface SendFlags {
  accessToken?: string
  eventSetId?: string
  defaultPhoneCountry?: string
  sandboxUrl?: string
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
}

interface CheckAuthFlags {
  accessToken?: string
  eventSetId?: string
  defaultPhoneCountry?: string
  sandboxUrl?: string
}

const ENVIRONMENT = `
Environment variables:
  TIKTOK_ACCESS_TOKEN           same as --access-token
  TIKTOK_EVENT_SET_ID           same as --event-set-id
  TIKTOK_DEFAULT_PHONE_COUNTRY  same as --default-phone-country
  TIKTOK_API_BASE_URL           host the destination sends to (default https://business-api.tiktok.com);
                                the runner sets it itself for the sandbox and --dry-run`

const EXIT_STATUSES = `
Exit status:
  0  the run completed (every event has an outcome in the summary and the report)
  1  send --fail-on-rejects: some event was rejected, failed after retries, or was not valid input;
     check-auth: the credentials were refused (or could not be checked)
  2  usage or I/O error: bad option, missing or unreadable file, bad mapping JSON, unknown action,
     report not writable`

const SEND_HELP = `
Input: NDJSON (one Segment event per line) or one JSON array of events (the file starts with "[").
Both are streamed, so files of millions of events run in bounded memory. A line that is not JSON,
not an object, has no "type", or has a "context" that is not an object is an input error: reported,
never dropped. An event without a messageId gets "runner-<hash of the event>", so re-sends and re-runs
de-duplicate at TikTok; the report marks it (messageIdGenerated).

Routing is Segment's: the destination's presets are the subscriptions (Order Completed →
CompletePayment, Callback Started → Contact, Subscription Created → Subscribe, Form Submitted →
SubmitForm, Signed Up → CompleteRegistration, …), run by actions-core's Destination on its batch path.
With --action and --mapping, one subscription of that action with that mapping replaces them; the
mapping is used as Segment uses a saved mapping (field keys to values or directives such as
{"@path": "$.properties.order_id"}; defaults are not merged in).

Target: with --access-token and --event-set-id, events go to TikTok. Without credentials, a TikTok
sandbox is started on a random loopback port and the summary shows what it accepted. --sandbox-url
sends to a sandbox already running (npm run sandbox). --dry-run sends nothing: it prints each TikTok
request body (identifiers hashed) to stdout, and the summary to stderr.

Retries: answers 408, 429 and 5xx (and TikTok's rate-limit and system-error codes) are retried
with exponential back-off and full jitter (random wait up to min(max, base × 2^(n-1))), never sooner
than a Retry-After the server sent. What still fails is reported as failed, never dropped.

Report (--report): one JSON line per input event (two when two subscriptions matched it):
  {"index": <line or element number>, "messageId", "action", "preset", "status", "outcome", "error", "attempts"}
  outcome: delivered (status 200) | rejected (4xx, not retried) | failed (still 408/429/5xx after
  the last retry) | unrouted (status 0: no subscription matches) | input-error (status 400)
Lines are written as batches finish: sort by index for input order. Messages never hold raw emails,
phone numbers or tokens.

Examples:
  npm start                                            the sample file against the built-in sandbox
  tiktok-offline-conversions send events.ndjson --report report.ndjson
  tiktok-offline-conversions send events.json --dry-run --pretty
  cat events.ndjson | tiktok-offline-conversions send - --access-token … --event-set-id …
  tiktok-offline-conversions send samples/offline-conversions.ndjson --action trackNonPaymentOfflineConversion \\
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
    .description('send the Segment events of a file (or stdin) to TikTok, the sandbox, or nowhere (--dry-run)')
    .argument('<file>', 'NDJSON or JSON array of Segment events; "-" reads stdin')
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
      'write one NDJSON line per input event: index, messageId, action, preset, status, outcome, error, attempts'
    )
    .option('--fail-on-rejects', 'exit 1 when any event was rejected, failed after retries, or was not valid input')
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
    .option('--no-progress', 'no progress bar (it is shown only when stderr is a terminal)')
    .option('--json', 'print the summary as JSON')
    .addHelpText('after', `${SEND_HELP}\n${ENVIRONMENT}\n${EXIT_STATUSES}`)
    .action(async (file: string, flags: SendFlags) => {
      const summary = await runSend({
        input: file,
        stdin: io.stdin,
        accessToken: flags.accessToken,
        eventSetId: flags.eventSetId,
        defaultPhoneCountry: flags.defaultPhoneCountry,
        sandboxUrl: flags.sandboxUrl,
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
      setExitCode(flags.failOnRejects && hasRejects(summary) ? EXIT_REJECTS : EXIT_OK)
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
    .addHelpText('after', `${ENVIRONMENT}\n${EXIT_STATUSES}`)
    .action(async (flags: CheckAuthFlags) => {
      const result = await runCheckAuth(flags)
      if (result.ok) {
        io.stdout.write(`Credentials accepted by ${result.target}\n`)
        setExitCode(EXIT_OK)
      } else {
        io.stderr.write(`Credentials check failed against ${result.target}: ${result.message}\n`)
        setExitCode(EXIT_REJECTS)
      }
    })

  return program
}

/** Any rejected, failed or invalid input event. Not-routed events are not rejects. */
export function hasRejects(summary: RunSummary): boolean {
  return summary.rejected > 0 || summary.failed > 0 || summary.inputErrors > 0
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
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin }
}

function positiveInteger(text: string): number {
  const value = Number(text)
  if (!Number.isInteger(value) || value < 1) throw new InvalidArgumentError('must be a whole number ≥ 1')
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
