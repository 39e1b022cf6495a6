/**
 * Item 6, the progress bar: the target from the first frame, and live counts
 * of delivered, rejected and failed events, so a run where everything is
 * refused looks like one from its first batch.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { startSandbox, type Sandbox } from '../../sandbox/server'
import { formatProgress, startProgress } from '../progress'
import { runSend } from '../run-send'
import { ndjson, purchase } from './helpers'

describe('formatProgress', () => {
  const counts = { read: 12_000, delivered: 11_900, rejected: 80, failed: 20 }

  it('with the size of the input known: bar, share, counts, time and ETA', () => {
    expect(
      formatProgress({
        target: 'TikTok at https://business-api.tiktok.com',
        counts,
        fraction: 0.5,
        elapsedSeconds: 75,
        etaSeconds: 75
      })
    ).toBe(
      'Sending to TikTok at https://business-api.tiktok.com | ████████████░░░░░░░░░░░░ 50% | 12,000 read: 11,900 delivered, 80 rejected, 20 failed | 1:15 elapsed, ETA 1:15'
    )
  })

  it('with the pace: the requests in flight now and those throttled so far', () => {
    expect(
      formatProgress({
        target: 'TikTok at https://business-api.tiktok.com',
        counts,
        elapsedSeconds: 75,
        pace: { inFlight: 12, throttled: 3 }
      })
    ).toBe(
      'Sending to TikTok at https://business-api.tiktok.com | 12,000 read: 11,900 delivered, 80 rejected, 20 failed | 12 in flight, 3 throttled | 1:15 elapsed'
    )
  })

  it('reading stdin (size unknown): counts and time only', () => {
    expect(
      formatProgress({
        target: 'the TikTok sandbox at http://127.0.0.1:8787',
        counts: { read: 0, delivered: 0, rejected: 0, failed: 0 },
        elapsedSeconds: 3725
      })
    ).toBe(
      'Sending to the TikTok sandbox at http://127.0.0.1:8787 | 0 read: 0 delivered, 0 rejected, 0 failed | 1:02:05 elapsed'
    )
  })
})

describe('the bar during a run', () => {
  let dir: string
  let sandbox: Sandbox
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'runner-progress-'))
    sandbox = await startSandbox()
  })
  afterAll(async () => {
    await sandbox.close()
    rmSync(dir, { recursive: true, force: true })
  })

  const frames = (output: string): string[] =>
    output
      .split(/\r|\n|\u001b\[[0-9;]*[A-Za-z]/)
      .map((frame) => frame.trim())
      .filter((frame) => frame.startsWith('Sending to'))

  afterEach(() => jest.useRealTimers())

  it('names the target in its first frame, and its counts add up to what the run did', () => {
    const stream = new PassThrough()
    let output = ''
    stream.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')))
    // cli-progress keeps the time (elapsed and ETA): a fake clock moves it.
    jest.useFakeTimers({ now: 0 })
    const progress = startProgress(stream, 'TikTok at https://business-api.tiktok.com', 1000)
    jest.setSystemTime(2000)
    progress.read(500)
    progress.update({ read: 10, delivered: 7, rejected: 2, failed: 1 })
    progress.stop()
    const drawn = frames(output)
    expect(drawn[0]).toBe(
      'Sending to TikTok at https://business-api.tiktok.com | ░░░░░░░░░░░░░░░░░░░░░░░░ 0% | 0 read: 0 delivered, 0 rejected, 0 failed | 0:00 elapsed'
    )
    expect(drawn[drawn.length - 1]).toBe(
      'Sending to TikTok at https://business-api.tiktok.com | ████████████░░░░░░░░░░░░ 50% | 10 read: 7 delivered, 2 rejected, 1 failed | 0:02 elapsed, ETA 0:02'
    )
  })

  it('shows refusals from the first batch on: a run the sandbox refuses counts them live', async () => {
    const input = join(dir, 'refused.ndjson')
    writeFileSync(input, ndjson(Array.from({ length: 5 }, (_, i) => purchase(`p-${i}`))))
    const stream = new PassThrough()
    let output = ''
    stream.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')))
    await runSend({
      inputs: [input],
      sandboxUrl: sandbox.url,
      accessToken: 'wrong-token',
      authCheck: false,
      progress: true,
      progressStream: stream,
      batchSize: 1,
      concurrency: 1
    })
    const drawn = frames(output)
    expect(drawn[0]).toMatch(
      /^Sending to the TikTok sandbox at http:\/\/127\.0\.0\.1:\d+ \| ░+ 0% \| 0 read: 0 delivered/
    )
    // The first batch is refused (401): the run stops, the bar's last frame says so.
    expect(drawn[drawn.length - 1]).toMatch(/ \| 5 read: 0 delivered, 1 rejected, 0 failed \| /)
  })
})
