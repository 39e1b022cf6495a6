/**
 * Item 1 of the backfill issue: files and folders, gzip by content, every
 * report line naming its file and line, and input that is not UTF-8 named and
 * refused (exit 2) before anything is sent.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { gzipSync } from 'node:zlib'
import { startSandbox, type Sandbox } from '../../sandbox/server'
import { SNIFF_BYTES, Utf8Decoder, notUtf8 } from '../encoding'
import { InputOutputError } from '../errors'
import { EXIT_USAGE, exitStatus } from '../exit-status'
import { runSend, type RunSendOptions } from '../run-send'
import { isGzip, resolveSources } from '../sources'
import { countOutcomes, ndjson, purchase, purchaseEventId, readReport } from './helpers'

let dir: string
let sandbox: Sandbox
const quiet: Partial<RunSendOptions> = { progress: false, retry: { baseDelayMs: 1, maxDelayMs: 2 } }

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'runner-sources-'))
  sandbox = await startSandbox()
})
afterAll(async () => {
  await sandbox.close()
  rmSync(dir, { recursive: true, force: true })
})
beforeEach(() => sandbox.reset())

/** A folder laid out like Segment's archive: one folder per day, one gzip file per hour, some names misleading. */
function archive(name: string): { root: string; ids: string[] } {
  const root = join(dir, name)
  const ids: string[] = []
  const hour = (day: string, file: string, count: number, gzip: boolean): void => {
    const events = Array.from({ length: count }, (_, i) => purchase(`${day}-${file}-${i}`))
    ids.push(...events.map((event) => purchaseEventId(String(event.messageId))))
    const text = ndjson(events)
    mkdirSync(join(root, day), { recursive: true })
    writeFileSync(join(root, day, file), gzip ? gzipSync(text) : text)
  }
  hour('2026-11-02', '10.gz', 3, true)
  hour('2026-11-01', '23.gz', 2, true)
  hour('2026-11-01', '09.gz', 2, true)
  // A gzip file without .gz, and a plain file with it: the content decides.
  hour('2026-11-02', '11.ndjson', 2, true)
  hour('2026-11-02', '12.gz', 1, false)
  writeFileSync(join(root, '.DS_Store'), 'not events')
  return { root, ids }
}

describe('inputs: files, folders, stdin', () => {
  it("reads a folder's files in name order, subfolders in place, hidden entries left out", async () => {
    const { root } = archive('order')
    const sources = await resolveSources([root], () => Readable.from([]))
    expect(sources.map((source) => source.name.slice(root.length + 1))).toEqual([
      '2026-11-01/09.gz',
      '2026-11-01/23.gz',
      '2026-11-02/10.gz',
      '2026-11-02/11.ndjson',
      '2026-11-02/12.gz'
    ])
  })

  it('sends an archive folder of gzip files, recognized by content, and every line names its file and line', async () => {
    const { root, ids } = archive('backfill')
    const report = join(dir, 'backfill-report.ndjson')
    const summary = await runSend({ ...quiet, inputs: [root], sandboxUrl: sandbox.url, report })
    expect(summary).toMatchObject({
      inputs: [root],
      files: 5,
      gzipFiles: 4,
      format: 'ndjson',
      eventsRead: 10,
      delivered: 10,
      rejected: 0,
      inputErrors: 0
    })
    const lines = readReport(report)
    expect(lines.map((line) => `${line.file.slice(root.length + 1)}:${line.index} ${line.messageId}`)).toEqual([
      '2026-11-01/09.gz:1 2026-11-01-09.gz-0',
      '2026-11-01/09.gz:2 2026-11-01-09.gz-1',
      '2026-11-01/23.gz:1 2026-11-01-23.gz-0',
      '2026-11-01/23.gz:2 2026-11-01-23.gz-1',
      '2026-11-02/10.gz:1 2026-11-02-10.gz-0',
      '2026-11-02/10.gz:2 2026-11-02-10.gz-1',
      '2026-11-02/10.gz:3 2026-11-02-10.gz-2',
      '2026-11-02/11.ndjson:1 2026-11-02-11.ndjson-0',
      '2026-11-02/11.ndjson:2 2026-11-02-11.ndjson-1',
      '2026-11-02/12.gz:1 2026-11-02-12.gz-0'
    ])
    for (const id of ids) expect(sandbox.acceptedCount(id)).toBe(1)
  })

  it('reads several files and folders and stdin in the order given; a gzip stream on stdin too', async () => {
    const a = join(dir, 'a.ndjson')
    writeFileSync(a, ndjson([purchase('file-a')]))
    const { root } = archive('mixed')
    const report = join(dir, 'mixed-report.ndjson')
    const summary = await runSend({
      ...quiet,
      inputs: [a, '-', root],
      stdin: Readable.from([gzipSync(ndjson([purchase('stdin-0'), purchase('stdin-1')]))]),
      sandboxUrl: sandbox.url,
      report
    })
    expect(summary).toMatchObject({ files: 7, gzipFiles: 5, eventsRead: 13, delivered: 13 })
    const files = readReport(report).map((line) => line.file)
    expect(files.filter((file) => file === 'stdin')).toHaveLength(2)
    expect(files.filter((file) => file === a)).toHaveLength(1)
  })

  it('reads concatenated gzip members (as `cat a.gz b.gz` makes them) as one file', async () => {
    const path = join(dir, 'members.gz')
    writeFileSync(path, Buffer.concat([gzipSync(ndjson([purchase('m-1')])), gzipSync(ndjson([purchase('m-2')]))]))
    const summary = await runSend({ ...quiet, inputs: [path], sandboxUrl: sandbox.url })
    expect(summary).toMatchObject({ gzipFiles: 1, eventsRead: 2, delivered: 2 })
  })

  it('tells gzip by its first two bytes', () => {
    expect(isGzip(gzipSync('x'))).toBe(true)
    expect(isGzip(Buffer.from('{"type":"track"}'))).toBe(false)
    expect(isGzip(Buffer.from([0x1f]))).toBe(false)
  })
})

describe('input that is not UTF-8', () => {
  const event = JSON.stringify(purchase('enc-1'))
  const bom = (bytes: number[], text: Buffer): Buffer => Buffer.concat([Buffer.from(bytes), text])
  const utf16be = (text: string): Buffer => Buffer.from(text, 'utf16le').swap16()
  const latin1 = Buffer.from(`${JSON.stringify(purchase('enc-2', { properties: { note: 'José' } }))}\n`, 'latin1')
  const utf32le = (text: string): Buffer => {
    const out = Buffer.alloc(text.length * 4)
    for (let i = 0; i < text.length; i++) out.writeUInt32LE(text.charCodeAt(i), i * 4)
    return out
  }

  it.each<[string, Buffer, string]>([
    [
      'UTF-16LE with a byte order mark',
      bom([0xff, 0xfe], Buffer.from(event, 'utf16le')),
      'it is UTF-16LE (it starts with a UTF-16LE byte order mark), not UTF-8: convert it, e.g. iconv -f UTF-16LE -t UTF-8'
    ],
    [
      'UTF-16BE with a byte order mark',
      bom([0xfe, 0xff], utf16be(event)),
      'it is UTF-16BE (it starts with a UTF-16BE byte order mark), not UTF-8: convert it, e.g. iconv -f UTF-16BE -t UTF-8'
    ],
    [
      'UTF-16LE without one',
      Buffer.from(event, 'utf16le'),
      'it looks like UTF-16LE (NUL bytes between the characters), not UTF-8: convert it, e.g. iconv -f UTF-16LE -t UTF-8'
    ],
    [
      'UTF-16BE without one',
      utf16be(event),
      'it looks like UTF-16BE (NUL bytes between the characters), not UTF-8: convert it, e.g. iconv -f UTF-16BE -t UTF-8'
    ],
    [
      'UTF-32LE',
      utf32le(event),
      'it looks like UTF-32LE (NUL bytes between the characters), not UTF-8: convert it, e.g. iconv -f UTF-32LE -t UTF-8'
    ],
    [
      'Latin-1',
      latin1,
      `byte 0xE9 at byte ${latin1.indexOf(0xe9)} is not UTF-8 (is the file Latin-1 or Windows-1252? convert it, e.g. iconv -f WINDOWS-1252 -t UTF-8)`
    ]
  ])('%s: named, exit 2, before anything is sent', async (_, bytes, problem) => {
    const good = join(dir, 'good-first.ndjson')
    writeFileSync(good, ndjson([purchase('before-the-bad-file')]))
    const bad = join(dir, 'bad-encoding.ndjson')
    writeFileSync(bad, bytes)
    // The good file comes first: still nothing is sent, every file is looked at before the run.
    await expect(runSend({ ...quiet, inputs: [good, bad], sandboxUrl: sandbox.url })).rejects.toThrow(
      new InputOutputError(`${bad}: ${problem}`)
    )
    expect(sandbox.stats().requests).toBe(0)
  })

  it('names it in a gzip file too, and on stdin (before anything of it is sent)', async () => {
    const gz = join(dir, 'utf16.gz')
    writeFileSync(gz, gzipSync(bom([0xff, 0xfe], Buffer.from(event, 'utf16le'))))
    await expect(runSend({ ...quiet, inputs: [gz], sandboxUrl: sandbox.url })).rejects.toThrow(
      /utf16\.gz: it is UTF-16LE \(it starts with a UTF-16LE byte order mark\), not UTF-8/
    )
    const summary = await runSend({
      ...quiet,
      inputs: ['-'],
      stdin: Readable.from([bom([0xff, 0xfe], Buffer.from(event, 'utf16le'))]),
      sandboxUrl: sandbox.url
    })
    expect(summary.stopped).toEqual({
      reason: 'input-failed',
      message:
        'stdin: it is UTF-16LE (it starts with a UTF-16LE byte order mark), not UTF-8: convert it, e.g. iconv -f UTF-16LE -t UTF-8',
      readUpTo: undefined,
      filesNotRead: 0
    })
    expect(summary).toMatchObject({ eventsRead: 0, delivered: 0 })
    expect(exitStatus(summary, false)).toBe(EXIT_USAGE)
  })

  it('far into a file: the lines before are sent and reported, then the run stops on the line, exit 2', async () => {
    // More than the bytes looked at before the run, so the check as it streams finds it.
    const before: Record<string, unknown>[] = []
    while (ndjson(before).length < 2 * SNIFF_BYTES) before.push(purchase(`deep-${before.length}`))
    const latin1Line = Buffer.from(
      `${JSON.stringify(purchase('deep-bad', { properties: { note: 'Müller' } }))}\n`,
      'latin1'
    )
    const after = ndjson([purchase('deep-after')])
    const path = join(dir, 'deep.ndjson')
    writeFileSync(path, Buffer.concat([Buffer.from(ndjson(before)), latin1Line, Buffer.from(after)]))
    const report = join(dir, 'deep-report.ndjson')
    const summary = await runSend({ ...quiet, inputs: [path], sandboxUrl: sandbox.url, report })
    const badLine = before.length + 1
    expect(summary.stopped?.reason).toBe('input-failed')
    expect(summary.stopped?.message).toMatch(
      new RegExp(
        `^${escape(path)}: line ${badLine} is not UTF-8 text: byte 0xFC at byte [\\d,]+ is not UTF-8 \\(is the file Latin-1`
      )
    )
    expect(exitStatus(summary, false)).toBe(EXIT_USAGE)
    expect(summary).toMatchObject({ eventsRead: before.length, delivered: before.length })
    expect(countOutcomes(readReport(report))).toEqual({ delivered: before.length })
    expect(sandbox.acceptedCount('deep-bad')).toBe(0)
    expect(sandbox.acceptedCount('deep-after')).toBe(0)
  })

  it('a gzip file cut short: what was read is sent, then exit 2 naming the file', async () => {
    const whole = gzipSync(ndjson(Array.from({ length: 400 }, (_, i) => purchase(`cut-${i}`))))
    const path = join(dir, 'cut.gz')
    writeFileSync(path, whole.subarray(0, whole.length - 40))
    const summary = await runSend({ ...quiet, inputs: [path], sandboxUrl: sandbox.url })
    expect(summary.stopped).toMatchObject({
      reason: 'input-failed',
      message: `cannot read ${path}: the gzip data ends too soon (is the file cut short?)`
    })
    expect(summary.eventsRead).toBeGreaterThan(0)
    expect(summary.delivered).toBe(summary.eventsRead)
    expect(exitStatus(summary, false)).toBe(EXIT_USAGE)
  })
})

describe('Utf8Decoder', () => {
  const text = Buffer.from('{"name":"Zoë 😀 € ok"}\n', 'utf8')

  it('takes UTF-8 cut into chunks at every byte, characters split between chunks included', () => {
    for (let cut = 1; cut < text.length; cut++) {
      const check = new Utf8Decoder()
      expect([check.push(text.subarray(0, cut)), check.push(text.subarray(cut))]).toEqual([-1, -1])
      expect(check.cutShort).toBe(false)
    }
  })

  it('finds the offset of the first bad byte, and a character cut at the very end', () => {
    expect(new Utf8Decoder().push(Buffer.from([0x61, 0x62, 0xe9, 0x63]))).toBe(2)
    const check = new Utf8Decoder()
    expect(check.push(Buffer.from([0x61, 0xf0, 0x9f]))).toBe(-1)
    expect(check.cutShort).toBe(true)
    // The carried bytes and the next chunk do not make a character.
    expect(check.push(Buffer.from([0x41]))).toBe(0)
  })

  it('notUtf8 leaves UTF-8 (with or without a byte order mark) alone, and a head cut mid-character', () => {
    expect(notUtf8(text, true)).toBeUndefined()
    expect(notUtf8(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), text]), true)).toBeUndefined()
    expect(notUtf8(text.subarray(0, 12), false)).toBeUndefined()
    // `{"name":"Zo` then ë (C3 AB): cut after its first byte.
    expect(notUtf8(text.subarray(0, 12), true)).toMatch(/^byte 0xC3 at byte 11 is not UTF-8/)
  })
})

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
}
