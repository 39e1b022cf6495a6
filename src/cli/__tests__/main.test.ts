import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startSandbox, type Sandbox } from '../../sandbox/server'
import type { RunSummary } from '../summary-types'
import { cli, freshSample } from './helpers'

let SAMPLE: string
let GOOD_LINES: string

let sandbox: Sandbox
let dir: string
const ENV_KEYS = ['TIKTOK_ACCESS_TOKEN', 'TIKTOK_EVENT_SET_ID', 'TIKTOK_DEFAULT_PHONE_COUNTRY'] as const
const savedEnv: Partial<Record<string, string>> = {}

beforeAll(async () => {
  sandbox = await startSandbox()
  dir = mkdtempSync(join(tmpdir(), 'runner-cli-'))
  SAMPLE = freshSample(dir)
  GOOD_LINES = readFileSync(SAMPLE, 'utf8').split('\n').slice(0, 5).join('\n')
  for (const key of ENV_KEYS) {
    savedEnv[key] = process.env[key]
    delete process.env[key]
  }
})
afterAll(async () => {
  await sandbox.close()
  rmSync(dir, { recursive: true, force: true })
  for (const key of ENV_KEYS) {
    if (savedEnv[key] === undefined) delete process.env[key]
    else process.env[key] = savedEnv[key]
  }
})
afterEach(() => {
  for (const key of ENV_KEYS) delete process.env[key]
})

describe('--help', () => {
  it('documents the commands, environment variables and every exit status', async () => {
    const { code, stdout } = await cli(['--help'])
    expect(code).toBe(0)
    for (const text of ['send', 'check-auth', 'TIKTOK_ACCESS_TOKEN', 'TIKTOK_EVENT_SET_ID', 'Exit status']) {
      expect(stdout).toContain(text)
    }
    for (const status of ['0', '1', '2', '130']) expect(stdout).toMatch(new RegExp(`^  ${status} +\\S`, 'm'))
    // The host is an option now, not an environment variable the destination reads.
    expect(stdout).not.toContain('TIKTOK_API_BASE_URL')
  })

  it('documents every option of send', async () => {
    const { code, stdout } = await cli(['send', '--help'])
    expect(code).toBe(0)
    for (const option of [
      '--access-token',
      '--event-set-id',
      '--default-phone-country',
      '--sandbox-url',
      '--api-url',
      '--no-auth-check',
      '--resume',
      '--stop-wait',
      '--dry-run',
      '--pretty',
      '--action',
      '--mapping',
      '--subscribe',
      '--report',
      '--fail-on-rejects',
      '--batch-size',
      '--concurrency',
      '--max-retries',
      '--retry-base-ms',
      '--retry-max-ms',
      '--no-progress',
      '--json',
      'TIKTOK_DEFAULT_PHONE_COUNTRY',
      'Retry-After',
      'outcome',
      'gzip',
      'UTF-8',
      'not-sent',
      'unknown',
      'Match quality',
      '130'
    ]) {
      expect(stdout).toContain(option)
    }
  })

  it('documents check-auth', async () => {
    const { code, stdout } = await cli(['check-auth', '--help'])
    expect(code).toBe(0)
    expect(stdout).toContain('--access-token')
    expect(stdout).toContain('testAuthentication')
  })
})

describe('exit statuses', () => {
  it('2 without a command, with an unknown command or option, or a bad number', async () => {
    expect((await cli([])).code).toBe(2)
    expect((await cli(['upload'])).code).toBe(2)
    expect((await cli(['send', SAMPLE, '--frobnicate'])).code).toBe(2)
    expect((await cli(['send'])).code).toBe(2)
    const bad = await cli(['send', SAMPLE, '--batch-size', 'many'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('must be a whole number')
  })

  it('2 for a missing file, with the reason on stderr', async () => {
    const { code, stderr, stdout } = await cli(['send', join(dir, 'missing.ndjson')])
    expect(code).toBe(2)
    expect(stderr).toMatch(/cannot read .*missing\.ndjson: no such file or directory \(ENOENT\)$/m)
    expect(stdout).toBe('')
  })

  it('2 for bad mapping JSON and for an unknown action', async () => {
    const mapping = join(dir, 'mapping.json')
    writeFileSync(mapping, '{ nope')
    expect((await cli(['send', SAMPLE, '--action', 'trackPaymentOfflineConversion', '--mapping', mapping])).code).toBe(
      2
    )
    writeFileSync(mapping, '{"event": "Contact"}')
    const unknown = await cli(['send', SAMPLE, '--action', 'sendAll', '--mapping', mapping])
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain('unknown action "sendAll"')
  })

  it('2 for an invalid --subscribe, with what the parser read, before reading anything', async () => {
    let read = false
    const stdin = (async function* (): AsyncGenerator<Buffer> {
      read = true
      yield Buffer.from(GOOD_LINES)
    })()
    const mapping = join(dir, 'contact.json')
    writeFileSync(mapping, '{"event": "Contact"}')
    const { code, stdout, stderr } = await cli(
      [
        'send',
        '-',
        '--sandbox-url',
        sandbox.url,
        '--action',
        'trackNonPaymentOfflineConversion',
        '--mapping',
        mapping,
        '--subscribe',
        "event = 'Callback Started'"
      ],
      stdin
    )
    expect(code).toBe(2)
    expect(stdout).toBe('')
    expect(stderr).toBe(
      `tiktok-offline-conversions: invalid subscription (--subscribe): Segment's parser reads \`event = 'Callback Started'\` as \`event = "'Callback Started'"\`, which is not what it says: FQL strings take double quotes, operators are = != < > <= >=, as in \`type = "track" and event = "Order Completed"\`\n`
    )
    expect(read).toBe(false)
    expect(sandbox.stats().requests).toBe(0)
  })

  it('1 when the target refuses the credentials, even without --fail-on-rejects: nothing is sent', async () => {
    sandbox.reset()
    const { code, stdout } = await cli([
      'send',
      SAMPLE,
      '--sandbox-url',
      sandbox.url,
      '--access-token',
      'not-the-sandbox-token',
      '--no-progress'
    ])
    expect(code).toBe(1)
    expect(stdout).toMatch(
      /^Stopped: credentials refused: the credentials check was refused by the TikTok sandbox at http:\/\/127\.0\.0\.1:\d+: TikTok refused the request: Invalid access token \(code 40105, request_id \w+\); nothing was sent$/m
    )
    expect(stdout.split('\n').slice(2)).toEqual([
      'Credentials                             refused: nothing was sent',
      'HTTP requests                        1  answers: 200×1',
      ''
    ])
    expect(sandbox.stats()).toMatchObject({ requests: 1, acceptedEvents: 0 })
  })

  it('1 when the target cannot be reached, even without --fail-on-rejects: nothing is sent', async () => {
    // A port that was free a moment ago: nothing listens there.
    const server = createServer()
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as { port: number }
    await new Promise<void>((resolve) => server.close(() => resolve()))
    const { code, stdout } = await cli(
      [
        'send',
        '-',
        '--sandbox-url',
        `http://127.0.0.1:${port}`,
        '--retry-base-ms',
        '1',
        '--max-retries',
        '1',
        '--json'
      ],
      GOOD_LINES
    )
    expect(code).toBe(1)
    const summary = JSON.parse(stdout) as RunSummary
    expect(summary).toMatchObject({ credentialsCheck: 'failed', eventsRead: 0, delivered: 0, httpRequests: 2 })
    expect(summary.stopped?.reason).toBe('unreachable')
    expect(summary.stopped?.message).toMatch(
      new RegExp(
        `^the credentials could not be checked: no answer from the TikTok sandbox at http://127\\.0\\.0\\.1:${port}: Could not reach TikTok: .+; nothing was sent$`
      )
    )
  })

  it('0 when the run completed, even with rejects; 1 with --fail-on-rejects', async () => {
    const args = ['send', SAMPLE, '--sandbox-url', sandbox.url, '--no-progress']
    const completed = await cli(args)
    expect(completed.code).toBe(0)
    expect(completed.stdout).toMatch(/^Events read +60 /m)
    expect(completed.stdout).toMatch(/^Rejected +4$/m)
    expect((await cli([...args, '--fail-on-rejects'])).code).toBe(1)
  })

  it('0 with --fail-on-rejects when nothing was rejected', async () => {
    const { code, stdout } = await cli(
      ['send', '-', '--sandbox-url', sandbox.url, '--fail-on-rejects', '--json'],
      GOOD_LINES
    )
    expect(code).toBe(0)
    const summary = JSON.parse(stdout) as RunSummary
    expect(summary).toMatchObject({ inputs: ['-'], eventsRead: 5, delivered: 5, rejected: 0 })
  })
})

describe('send', () => {
  it('reads the credentials from the environment', async () => {
    process.env.TIKTOK_ACCESS_TOKEN = 'sandbox-access-token'
    process.env.TIKTOK_EVENT_SET_ID = 'wrong-event-set'
    const { code, stdout } = await cli(['send', '-', '--sandbox-url', sandbox.url, '--json'], GOOD_LINES)
    expect(code).toBe(1)
    const summary = JSON.parse(stdout) as RunSummary
    expect(summary).toMatchObject({ credentialsCheck: 'refused', delivered: 0 })
    expect(summary.stopped?.message).toMatch(
      /No permission to operate event set wrong-event-set \(code 40001, request_id \w+\); nothing was sent$/
    )
  })

  it('--dry-run writes only request bodies to stdout and the summary to stderr', async () => {
    const { code, stdout, stderr } = await cli(['send', '-', '--dry-run'], GOOD_LINES)
    expect(code).toBe(0)
    const bodies = stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { data: unknown[] })
    expect(bodies.flatMap((body) => body.data)).toHaveLength(5)
    expect(stderr).toMatch(/^Target: nowhere \(dry run/m)
    expect(stderr).toMatch(/^Delivered \(dry run\) +5$/m)
  })

  it('--dry-run --pretty indents the bodies', async () => {
    const { stdout } = await cli(['send', '-', '--dry-run', '--pretty'], GOOD_LINES.split('\n')[0])
    expect(stdout.startsWith('{\n  "event_source": "offline"')).toBe(true)
  })

  it('writes the report given with --report', async () => {
    const report = join(dir, 'cli-report.ndjson')
    const { code } = await cli(['send', SAMPLE, '--sandbox-url', sandbox.url, '--report', report])
    expect(code).toBe(0)
    expect(readFileSync(report, 'utf8').trimEnd().split('\n')).toHaveLength(60)
  })
})

describe('check-auth', () => {
  it('0 when the credentials are accepted', async () => {
    const { code, stdout } = await cli([
      'check-auth',
      '--sandbox-url',
      sandbox.url,
      '--access-token',
      'sandbox-access-token',
      '--event-set-id',
      'sandbox-event-set'
    ])
    expect(code).toBe(0)
    expect(stdout).toContain(`Credentials accepted by ${sandbox.url}`)
  })

  it('1 when they are refused, without printing the token', async () => {
    const token = 'secret-token-0123456789'
    const { code, stderr } = await cli([
      'check-auth',
      '--sandbox-url',
      sandbox.url,
      '--access-token',
      token,
      '--event-set-id',
      'sandbox-event-set'
    ])
    expect(code).toBe(1)
    expect(stderr).toMatch(
      /^Credentials check failed against http:\/\/127\.0\.0\.1:\d+: TikTok refused the request: Invalid access token \(code 40105, request_id \w+\)\n$/
    )
    expect(stderr).not.toContain(token)
  })

  it('2 without credentials', async () => {
    const { code, stderr } = await cli(['check-auth'])
    expect(code).toBe(2)
    expect(stderr).toContain('check-auth needs --access-token and --event-set-id')
  })
})

describe('send: the pace options', () => {
  it('documents --concurrency (fixed) and --max-concurrency (the adaptive ceiling)', async () => {
    const { stdout } = await cli(['send', '--help'])
    expect(stdout).toMatch(/--concurrency <n>\s+a fixed number of batches in flight \(1–64\);\s+default: adaptive/)
    expect(stdout).toMatch(/--max-concurrency <n>\s+the most batches in flight the adaptive pace\s+may reach/)
    expect(stdout).toContain('Pace: by default the runner finds how many batches to keep in flight')
  })

  it('2 for --max-concurrency with a fixed --concurrency, or above 64', async () => {
    const both = await cli(['send', SAMPLE, '--concurrency', '2', '--max-concurrency', '8'])
    expect(both.code).toBe(2)
    expect(both.stderr).toContain('--max-concurrency bounds the adaptive pace')
    const above = await cli(['send', SAMPLE, '--max-concurrency', '65'])
    expect(above.code).toBe(2)
    expect(above.stderr).toContain('max concurrency: must be a whole number from 1 to 64')
  })

  it('--json gives the pace: adaptive by default, fixed with --concurrency', async () => {
    const adaptive = JSON.parse((await cli(['send', '-', '--sandbox-url', sandbox.url, '--json'], GOOD_LINES)).stdout)
    expect((adaptive as RunSummary).pace).toMatchObject({ mode: 'adaptive', maxConcurrency: 64, throttledRequests: 0 })
    const fixed = JSON.parse(
      (await cli(['send', '-', '--sandbox-url', sandbox.url, '--json', '--concurrency', '3'], GOOD_LINES)).stdout
    )
    expect((fixed as RunSummary).pace).toMatchObject({ mode: 'fixed', maxConcurrency: 3 })
  })
})
