/**
 * Issue 19, the input and files side, end to end over loopback (the README's
 * fault matrix, "Input and file faults"): the report never destroys a file
 * the run reads; every event of an input is accounted for; a file reached
 * twice is read once; a byte order mark split across reads; signals end a run
 * whose stdin is left open; memory bounded by a batch's size, not only its count.
 */
import { copyFileSync, existsSync, linkSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { Readable } from 'node:stream'
import type { Sandbox } from '../../sandbox/server'
import { runSend } from '../run-send'
import type { RunSummary } from '../summary-types'
import { ROOT, cli, countOutcomes, ndjson, purchase, purchaseEventId, readReport, scratchAndSandbox } from './helpers'
import type { Captured } from './helpers'
import { startCli, startSandboxProcess, waitFor, type SandboxProcess } from './helpers'

const scratch = scratchAndSandbox('runner-hostile-input-')
let dir: string
let sandbox: Sandbox
beforeAll(() => {
  ;[dir, sandbox] = [scratch.dir, scratch.sandbox]
})

/** `send` in-process against the sandbox. */
function send(args: string[], stdin: string | AsyncIterable<Buffer> = ''): Promise<Captured> {
  return cli(['send', ...args, '--sandbox-url', sandbox.url, '--no-progress'], stdin)
}

const events = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => purchase(`${prefix}-${i}`))

describe('the report and the page never overwrite a file the run reads, however it is named (exit 2, nothing written)', () => {
  // The files of the run, named when the scratch folder exists.
  let [input, folder, inFolder, mapping, earlier] = ['', '', '', '', '']
  const inputText = ndjson(events('paths', 5))

  beforeAll(() => {
    ;[input, folder, mapping, earlier] = ['paths-events.ndjson', 'paths-archive', 'mapping.json', 'earlier.ndjson'].map(
      (name) => join(dir, name)
    )
    inFolder = join(folder, 'a.ndjson')
    writeFileSync(input, inputText)
    mkdirSync(folder)
    writeFileSync(inFolder, inputText)
    copyFileSync(join(ROOT, 'samples', 'contact-mapping.json'), mapping)
    writeFileSync(earlier, '')
    linkSync(input, join(dir, 'paths-hard-link.ndjson'))
    symlinkSync(input, join(dir, 'paths-symlink.ndjson'))
    linkSync(inFolder, join(dir, 'paths-link-into-folder.ndjson'))
  })

  const PREFIX = 'tiktok-offline-conversions: '
  const REPORT_ADVICE = 'write the report to another file'
  const FOLDER = 'whose files are read as input'
  const cases: Array<[string, () => string[], () => string]> = [
    [
      '--report: the input under another path',
      () => [input, '--report', `${dir}/../${basename(dir)}/./paths-events.ndjson`],
      () =>
        `--report ${dir}/../${basename(dir)}/./paths-events.ndjson is also an input (${input}, the same file): ${REPORT_ADVICE}`
    ],
    [
      '--report: a hard link to the input',
      () => [input, '--report', join(dir, 'paths-hard-link.ndjson')],
      () =>
        `--report ${join(dir, 'paths-hard-link.ndjson')} is also an input (${input}, the same file): ${REPORT_ADVICE}`
    ],
    [
      '--report: a symbolic link to the input',
      () => [input, '--report', join(dir, 'paths-symlink.ndjson')],
      () => `--report ${join(dir, 'paths-symlink.ndjson')} is also an input (${input}, the same file): ${REPORT_ADVICE}`
    ],
    [
      '--report: the input as given',
      () => [input, '--report', input],
      () => `--report ${input} is also an input: ${REPORT_ADVICE}`
    ],
    [
      '--report: the mapping file',
      () => [input, '--action', 'trackNonPaymentOfflineConversion', '--mapping', mapping, '--report', mapping],
      () => `--report ${mapping} is also the --mapping file: ${REPORT_ADVICE}`
    ],
    [
      '--report: the --resume report spelled another way',
      () => [input, '--resume', earlier, '--report', `${dir}//./earlier.ndjson`],
      () =>
        `--report ${dir}//./earlier.ndjson is also a --resume report (${earlier}, the same file): ${REPORT_ADVICE} (the old one is read, not rewritten)`
    ],
    [
      '--report: a new file inside an input folder',
      () => [folder, '--report', join(folder, 'report.ndjson')],
      () =>
        `--report ${join(folder, 'report.ndjson')} is inside the input folder ${folder}, ${FOLDER}: write the report outside it`
    ],
    [
      '--report: a hard link to a file of an input folder',
      () => [folder, '--report', join(dir, 'paths-link-into-folder.ndjson')],
      () =>
        `--report ${join(dir, 'paths-link-into-folder.ndjson')} is the same file as ${inFolder}, in the input folder ${folder}, ${FOLDER}: write the report outside it`
    ],
    [
      '--html: a hard link to the input',
      () => [input, '--html', join(dir, 'paths-hard-link.ndjson')],
      () =>
        `--html ${join(dir, 'paths-hard-link.ndjson')} is also an input (${input}, the same file): write the page to another file`
    ],
    [
      '--html: a page inside an input folder',
      () => [folder, '--html', join(folder, 'run.html')],
      () =>
        `--html ${join(folder, 'run.html')} is inside the input folder ${folder}, ${FOLDER}: write the page outside it`
    ]
  ]

  it.each(cases)('%s', async (_, args, message) => {
    const result = await send(args())
    expect(result).toEqual({ code: 2, stdout: '', stderr: `${PREFIX}${message()}\n` })
    // Every file the run reads is as it was, nothing new was written, nothing was sent.
    expect(readFileSync(input, 'utf8')).toBe(inputText)
    expect(readFileSync(inFolder, 'utf8')).toBe(inputText)
    expect(readFileSync(mapping, 'utf8')).toBe(readFileSync(join(ROOT, 'samples', 'contact-mapping.json'), 'utf8'))
    expect(readFileSync(earlier, 'utf8')).toBe('')
    expect(existsSync(join(folder, 'report.ndjson')) || existsSync(join(folder, 'run.html'))).toBe(false)
    expect(sandbox.stats().requests).toBe(0)
  })
})

describe('every event of an input is accounted for', () => {
  const text = (prefix: string, count: number) => events(prefix, count).map((event) => JSON.stringify(event))

  async function sendFile(name: string, content: string) {
    const path = join(dir, name)
    writeFileSync(path, content)
    const report = join(dir, `${name}.report.ndjson`)
    const result = await send([path, '--report', report, '--json'])
    return { result, summary: JSON.parse(result.stdout) as RunSummary, lines: readReport(report), path }
  }

  it('arrays one after another, with or without space between: each element is an event', async () => {
    const [a, b, c, d, e, f] = text('arrays', 6)
    const { result, summary, lines } = await sendFile('arrays.json', `[${a},${b}][${c},${d}]\n\n  [${e},\n${f}]\n`)
    expect(result.code).toBe(0)
    expect(summary).toMatchObject({ eventsRead: 6, delivered: 6, inputErrors: 0, format: 'json-array' })
    expect(lines.map((line) => [line.index, line.outcome])).toEqual(
      [1, 2, 3, 4, 5, 6].map((index) => [index, 'delivered'])
    )
    expect([...sandbox.eventIdCounts().keys()].sort()).toEqual(
      [0, 1, 2, 3, 4, 5].map((i) => purchaseEventId(`arrays-${i}`)).sort()
    )
  })

  it('an array followed by NDJSON lines: the lines are events too, counted on', async () => {
    const [a, b, c, d] = text('then-lines', 4)
    const { summary, lines } = await sendFile('then-lines.json', `[${a},${b}]\n${c}\nnot json\n${d}\n`)
    expect(summary).toMatchObject({ eventsRead: 5, delivered: 4, inputErrors: 1, format: 'mixed' })
    expect(lines.map((line) => [line.index, line.outcome, line.messageId])).toEqual([
      [1, 'delivered', 'then-lines-0'],
      [2, 'delivered', 'then-lines-1'],
      [3, 'delivered', 'then-lines-2'],
      [4, 'input-error', null],
      [5, 'delivered', 'then-lines-3']
    ])
  })

  it('an array missing its commas: one input error per element, never one for all', async () => {
    const all = text('no-commas', 1000)
    const { summary, lines } = await sendFile('no-commas.json', `[${all.join('')}]`)
    expect(summary).toMatchObject({ eventsRead: 1000, delivered: 1, inputErrors: 999 })
    expect(countOutcomes(lines)).toEqual({ delivered: 1, 'input-error': 999 })
    expect(lines[1]).toMatchObject({
      index: 2,
      messageId: 'no-commas-1',
      outcome: 'input-error',
      error: 'input: no comma between this element and the one before it in the JSON array'
    })
  })

  it('a string left open breaks its element only: the next lines are read', async () => {
    const [a, b] = text('open-string', 2)
    const broken = '{"type": "track", "event": "Order Completed", "messageId": "open-string-x},'
    const { summary, lines } = await sendFile('open-string.json', ['[', `${a},`, broken, b, ']'].join('\n'))
    expect(summary).toMatchObject({ eventsRead: 3, delivered: 2, inputErrors: 1 })
    expect(lines.map((line) => [line.index, line.outcome, line.error])).toEqual([
      [1, 'delivered', null],
      [2, 'input-error', 'input: not valid JSON: a string is not closed on its line'],
      [3, 'delivered', null]
    ])
  })
})

describe('the same file reached twice', () => {
  it('a folder, a path in it and a symbolic link to it: read once, said once on stderr', async () => {
    const folder = join(dir, 'twice')
    mkdirSync(folder)
    const file = join(folder, 'a.ndjson')
    writeFileSync(file, ndjson(events('twice', 7)))
    writeFileSync(join(folder, 'b.ndjson'), ndjson(events('twice-b', 3)))
    const link = join(dir, 'twice-link.ndjson')
    symlinkSync(file, link)
    const report = join(dir, 'twice-report.ndjson')
    const result = await send([folder, file, link, '--report', report, '--json'])
    expect(result.code).toBe(0)
    expect(result.stderr).toBe(
      `tiktok-offline-conversions: ${file} is the same file as ${file}: read once\n` +
        `tiktok-offline-conversions: ${link} is the same file as ${file}: read once\n`
    )
    const summary = JSON.parse(result.stdout) as RunSummary
    expect(summary).toMatchObject({ eventsRead: 10, delivered: 10, files: 2 })
    expect(readReport(report).map((line) => `${line.file}:${line.index}`)).toEqual([
      ...[1, 2, 3, 4, 5, 6, 7].map((index) => `${file}:${index}`),
      ...[1, 2, 3].map((index) => `${join(folder, 'b.ndjson')}:${index}`)
    ])
    expect([...sandbox.eventIdCounts().values()]).toEqual(Array(10).fill(1))
  })
})

describe('a UTF-8 byte order mark split across two reads of stdin', () => {
  it.each([
    [[0xef], [0xbb, 0xbf]],
    [[0xef, 0xbb], [0xbf]],
    [[0xef, 0xbb, 0xbf], []]
  ])('is dropped (%j + %j), line 1 is an event', async (first, second) => {
    const text = ndjson(events('bom', 3))
    const chunks = [Buffer.from(first), Buffer.concat([Buffer.from(second), Buffer.from(text.slice(0, 10))])]
    const result = await send(['-', '--json'], Readable.from([...chunks, Buffer.from(text.slice(10))]))
    expect(result.code).toBe(0)
    expect(JSON.parse(result.stdout)).toMatchObject({ eventsRead: 3, delivered: 3, inputErrors: 0 })
  })
})

describe('a batch is cut by its size as well as its count', () => {
  it('20 events of 900,000 characters (a property the mapping drops): batches of 9, 9 and 2', async () => {
    const big = events('big', 20).map((event) => ({
      ...event,
      properties: { ...(event.properties as object), note: 'n'.repeat(900_000) }
    }))
    const report = join(dir, 'big-report.ndjson')
    const summary = await runSend({
      inputs: ['-'],
      stdin: Readable.from([ndjson(big)]),
      sandboxUrl: sandbox.url,
      report,
      progress: false
    })
    expect(summary).toMatchObject({ eventsRead: 20, delivered: 20, httpRequests: 4 })
    // The credentials check, then one request per batch: 9 events (8.1 M characters) fit under 8 Mi, 10 do not.
    expect(sandbox.stats()).toMatchObject({ requests: 4, acceptedEvents: 20 })
    expect(countOutcomes(readReport(report))).toEqual({ delivered: 20 })
  })
})

describe('a signal with stdin left open and idle (tail -f … | send -)', () => {
  let box: SandboxProcess | undefined
  afterEach(async () => {
    await box?.stop()
    box = undefined
  })

  it.each(['SIGTERM', 'SIGINT'] as const)('%s: the summary prints and the process exits 130', async (signal) => {
    box = await startSandboxProcess(dir)
    const running = box
    const sent = events(`idle-${signal}`, 20)
    const run = startCli(
      ['send', '-', '--sandbox-url', running.url, '--batch-size', '10', '--json', '--no-progress'],
      ndjson(sent),
      true
    )
    await waitFor(async () => ((await running.stats()).acceptedEvents >= 20 ? true : undefined), {
      what: 'the sandbox to accept the 20 events written to stdin'
    })
    run.process.kill(signal)
    expect(await run.exited).toBe(130)
    expect(run.stderr()).toBe(`\n${signal}: stopping (no batch in flight).\n`)
    const summary = JSON.parse(run.stdout()) as RunSummary
    expect(summary).toMatchObject({ eventsRead: 20, delivered: 20, notSent: 0 })
    expect(summary.stopped).toMatchObject({ reason: 'interrupted', message: `interrupted by ${signal}` })
    expect(run.process.stdin?.writableEnded).toBe(false)
  })
})
