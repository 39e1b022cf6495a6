#!/usr/bin/env node
/**
 * The `tiktok-offline-conversions` command: parses the command line, hands
 * over to runSend / runCheckAuth, and turns what happened into an exit status
 * (see EXIT_STATUSES and ./errors).
 */
import { Command, CommanderError, Option } from 'commander'
import { runCheckAuth } from './check-auth'
import { DEFAULT_STOP_WAIT_MS, type InterruptSource } from './control'
import { InputOutputError, UsageError, errorMessage } from './errors'
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, exitStatus } from './exit-status'
import {
  CHECK_AUTH_TARGET_HELP,
  ENVIRONMENT,
  EXIT_STATUSES,
  PROGRAM_DESCRIPTION,
  SEND_HELP,
  SEND_TARGET_HELP,
  type TargetOptionHelp
} from './help'
import {
  DEFAULT_BATCH_SIZE,
  MAX_BATCH_SIZE,
  MAX_CONCURRENCY,
  nonNegativeInteger,
  nonNegativeNumber,
  positiveInteger
} from './options'
import { runSend } from './run-send'
import { DEFAULT_RETRY_POLICY } from './retry'
import { formatSummary } from './summary-format'
import { checkHtmlPath, writeHtmlReport } from './html/write'

export interface CliIO {
  stdout: NodeJS.WritableStream
  stderr: NodeJS.WritableStream & { isTTY?: boolean }
  stdin: AsyncIterable<Buffer | string>
  /** SIGINT / SIGTERM while `send` runs (the process's, when run as a command). */
  interrupts?: InterruptSource
}

/** The options both commands take: where requests go, with which credentials. */
interface TargetFlags {
  accessToken?: string
  eventSetId?: string
  defaultPhoneCountry?: string
  sandboxUrl?: string
  apiUrl?: string
}

interface SendFlags extends TargetFlags {
  authCheck: boolean
  resume: string[]
  resumeUntargeted?: boolean
  stopWait: number
  dryRun?: boolean
  pretty?: boolean
  action?: string
  mapping?: string
  subscribe?: string
  report?: string
  failOnRejects?: boolean
  batchSize: number
  concurrency?: number
  maxConcurrency?: number
  maxRetries: number
  retryBaseMs: number
  retryMaxMs: number
  progress: boolean
  json?: boolean
  html?: string
}

export function buildProgram(io: CliIO, setExitCode: (code: number) => void): Command {
  const program = new Command('tiktok-offline-conversions')
    .description(PROGRAM_DESCRIPTION)
    .showHelpAfterError('(add --help for usage)')
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text)
    })
    .addHelpText('after', `${ENVIRONMENT}\n${EXIT_STATUSES}`)
    .exitOverride()

  const send = program
    .command('send')
    .description('send the Segment events of files, folders or stdin to TikTok, the sandbox, or nowhere (--dry-run)')
    .argument(
      '<inputs...>',
      'files and folders of NDJSON or JSON arrays of Segment events, gzip or not; "-" reads stdin'
    )
  addTargetOptions(send, SEND_TARGET_HELP)
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
      'skip the events this earlier report shows delivered to the same target, by event_id (repeat for several reports)',
      (value: string, previous: string[]) => [...previous, value],
      []
    )
    .option(
      '--resume-untargeted',
      "also count the deliveries of --resume lines that name no target (reports of versions before 'target') as made to this run's target"
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
      `a fixed number of batches in flight (1–${MAX_CONCURRENCY}); default: adaptive, the runner finds its own pace`,
      positiveInteger
    )
    .option(
      '--max-concurrency <n>',
      `the most batches in flight the adaptive pace may reach (1–${MAX_CONCURRENCY}; default ${MAX_CONCURRENCY})`,
      positiveInteger
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
      if (flags.html) {
        await checkHtmlPath(flags.html, { inputs, mapping: flags.mapping, report: flags.report, resume: flags.resume })
      }
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
        resumeUntargeted: flags.resumeUntargeted === true,
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
        maxConcurrency: flags.maxConcurrency,
        retry: { maxRetries: flags.maxRetries, baseDelayMs: flags.retryBaseMs, maxDelayMs: flags.retryMaxMs },
        progress: flags.progress && io.stderr.isTTY === true,
        progressStream: io.stderr
      })
      const out = flags.dryRun ? io.stderr : io.stdout
      out.write(`${flags.json ? JSON.stringify(summary, null, 2) : formatSummary(summary)}\n`)
      if (flags.html) await writeHtmlReport(flags.html, summary, [flags.accessToken])
      setExitCode(exitStatus(summary, flags.failOnRejects === true))
    })

  const checkAuth = program
    .command('check-auth')
    .description("check the credentials with the destination's testAuthentication (records no conversion)")
  addTargetOptions(checkAuth, CHECK_AUTH_TARGET_HELP)
    .addHelpText('after', `${ENVIRONMENT}\n${EXIT_STATUSES}`)
    .action(async (flags: TargetFlags) => {
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

/** The target options, declared once for both commands, in the order --help lists them. */
function addTargetOptions(command: Command, help: TargetOptionHelp): Command {
  return command
    .addOption(new Option('--access-token <token>', 'TikTok Events API access token').env('TIKTOK_ACCESS_TOKEN'))
    .addOption(new Option('--event-set-id <id>', 'TikTok offline event set ID').env('TIKTOK_EVENT_SET_ID'))
    .addOption(
      new Option('--default-phone-country <code>', help.defaultPhoneCountry).env('TIKTOK_DEFAULT_PHONE_COUNTRY')
    )
    .option('--sandbox-url <url>', help.sandboxUrl)
    .option('--api-url <url>', help.apiUrl)
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
