import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough, Readable } from 'node:stream'
import { freshSample } from '../../__tests__/helpers'
import { runCli } from '../../main'
import type { ReportedRun } from '../series'

const ENV_KEYS = ['TIKTOK_ACCESS_TOKEN', 'TIKTOK_EVENT_SET_ID', 'TIKTOK_DEFAULT_PHONE_COUNTRY'] as const
const savedEnv: Partial<Record<string, string>> = {}
let dir: string
let sample: string

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cli-html-'))
  sample = freshSample(dir)
  for (const key of ENV_KEYS) {
    savedEnv[key] = process.env[key]
    delete process.env[key]
  }
})
afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
  for (const key of ENV_KEYS) if (savedEnv[key] !== undefined) process.env[key] = savedEnv[key]
})

/** A stream that keeps what is written to it. */
function sink(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough()
  let text = ''
  stream.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')))
  return { stream, text: () => text }
}

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const [out, err] = [sink(), sink()]
  const code = await runCli(args, { stdout: out.stream, stderr: err.stream, stdin: Readable.from([]) })
  return { code, stdout: out.text(), stderr: err.text() }
}

describe('send --html', () => {
  it('writes the page of the numbers --json prints; the series come after the summary keys', async () => {
    const html = join(dir, 'run.html')
    const { code, stdout } = await cli(['send', sample, '--json', '--html', html, '--no-progress'])
    expect(code).toBe(0)
    const run = JSON.parse(stdout) as ReportedRun
    expect(Object.keys(run).slice(-5)).toEqual(['dryRun', 'startedAt', 'eventTimes', 'timeline', 'references'])
    const page = readFileSync(html, 'utf8')
    expect(page).toContain(`data-outcome="delivered"><span class="n" data-count="${run.delivered}">`)
    expect(page).toContain(`data-outcome="rejected"><span class="n" data-count="${run.rejected}">`)
    expect(run.delivered).toBe(54)
    // Every delivered sample event is dated within the last day (fresh dates): none outside the window.
    const byDay = run.eventTimes.days.reduce((sum, day) => sum + day.delivered, 0)
    expect(byDay).toBe(54)
    expect(run.references.refused.map((entry) => [entry.reason, entry.count])).toEqual([
      ['currency_required', 1],
      ['invalid_currency', 1],
      ['no_email_or_phone', 1],
      ['unreadable_timestamp', 1]
    ])
  })

  it('refuses, before anything is sent, a page that would overwrite the report, an input or a --resume report', async () => {
    const report = join(dir, 'report.ndjson')
    const same = await cli(['send', sample, '--report', report, '--html', report])
    expect(same.code).toBe(2)
    expect(same.stderr).toBe(
      `tiktok-offline-conversions: --html ${report} is also the --report file: write the page to another file\n`
    )
    expect(existsSync(report)).toBe(false)
    const input = await cli(['send', sample, '--html', sample])
    expect(input.code).toBe(2)
    expect(input.stderr).toContain(`--html ${sample} is also an input`)
    const earlier = join(dir, 'earlier.ndjson')
    writeFileSync(earlier, '')
    const resume = await cli(['send', sample, '--resume', earlier, '--html', earlier])
    expect(resume.stderr).toContain(`--html ${earlier} is also a --resume report`)
  })

  it('refuses a page in a folder that does not exist, or that is a folder', async () => {
    const missing = join(dir, 'no-such-folder', 'run.html')
    const result = await cli(['send', sample, '--html', missing])
    expect(result.code).toBe(2)
    expect(result.stderr).toBe(
      `tiktok-offline-conversions: cannot write the HTML report ${missing}: no such file or directory (ENOENT)\n`
    )
    const folder = await cli(['send', sample, '--html', dir])
    expect(folder.code).toBe(2)
    expect(folder.stderr).toBe(
      `tiktok-offline-conversions: cannot write the HTML report ${dir}: is a directory (EISDIR)\n`
    )
  })
})
