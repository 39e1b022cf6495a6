/**
 * What `send` reads: the files and folders on its command line (a folder's
 * files in name order, its subfolders too, as an archive is laid out: one
 * folder per day, one file per hour) and "-" for stdin. Gzip is recognized by
 * its first bytes, not by a name, and undone as the file streams. Every file
 * is looked at before anything is sent, so that one in another encoding than
 * UTF-8 stops the run before it starts.
 */
import { createReadStream, type Stats } from 'node:fs'
import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { Readable, pipeline } from 'node:stream'
import { createGunzip } from 'node:zlib'
import { SNIFF_BYTES, notUtf8 } from './encoding'
import { InputOutputError, UsageError, ioErrorMessage } from './errors'

/** The name stdin has in reports and summaries. */
export const STDIN_NAME = 'stdin'

export interface Source {
  /** The path as given (for a folder's file: the folder joined with its path inside), or "stdin". */
  name: string
  /** Bytes on disk (compressed, for a gzip file); unknown for stdin. */
  size?: number
  /** The file's device and inode ("dev:ino"): the same file reached by two paths has one. */
  id?: string
  /** The bytes as stored (still compressed, for a gzip file); opened when iterated. */
  raw(): AsyncIterable<Buffer>
  /**
   * Reading stopped before the end (a signal): lets go of what a read may be
   * waiting on, so that a pipe left open (`tail -f … | send -`) does not keep
   * the process alive. Files need none: closing their iterator closes them.
   */
  abandon?(): void
}

/** Gzip's magic number: the first two bytes of every gzip member. */
export function isGzip(head: Buffer): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b
}

/** A file reached a second time (a folder and a path in it, a link): read once, under its first name. */
export interface RepeatedFile {
  name: string
  sameAs: string
}

/**
 * The sources of the command line's inputs, in order, each file once (by
 * device and inode: `onRepeat` is told of the others). Fails (exit 2) on
 * anything that cannot be read.
 */
export async function resolveSources(
  inputs: readonly string[],
  stdin: () => AsyncIterable<Buffer | string>,
  onRepeat: (repeat: RepeatedFile) => void = () => undefined
): Promise<Source[]> {
  if (inputs.length === 0) throw new UsageError('send needs at least one file, folder, or "-" for stdin')
  if (inputs.filter((input) => input === '-').length > 1) throw new UsageError('"-" (stdin) can be read only once')
  const sources: Source[] = []
  const seen = new Map<string, string>()
  const add = (path: string, info: Stats): void => {
    const id = `${info.dev}:${info.ino}`
    const first = seen.get(id)
    if (first !== undefined) return onRepeat({ name: path, sameAs: first })
    seen.set(id, path)
    sources.push(fileSource(path, info.size, id))
  }
  for (const input of inputs) {
    if (input === '-') {
      sources.push({ name: STDIN_NAME, raw: () => asBuffers(stdin(), STDIN_NAME), abandon: () => destroy(stdin()) })
      continue
    }
    const info = await stat(input).catch((error: unknown) => {
      throw new InputOutputError(`cannot read ${input}: ${ioErrorMessage(error)}`)
    })
    if (info.isFile()) add(input, info)
    else if (info.isDirectory()) {
      const files = await folderFiles(input)
      if (files.length === 0) throw new InputOutputError(`cannot read ${input}: the folder holds no files`)
      for (const file of files) add(file.path, file.info)
    } else throw new InputOutputError(`cannot read ${input}: not a file or a folder`)
  }
  return sources
}

/** The paths of the files a folder input is read from, in the order they are read. */
export async function folderFilePaths(folder: string): Promise<string[]> {
  return (await folderFiles(folder)).map((file) => file.path)
}

/**
 * Looks at the start of every file (decompressed) before anything is sent:
 * one that is not UTF-8 is a usage error naming the file and its encoding.
 */
export async function checkFileEncodings(sources: readonly Source[]): Promise<void> {
  for (const source of sources) {
    if (source.size === undefined) continue
    const head = await readHead(source)
    const problem = notUtf8(head.bytes, head.complete)
    if (problem) throw new InputOutputError(`${source.name}: ${problem}`)
  }
}

/** The text of a source: decompressed when it is gzip (`onGzip` is told), as it streams. */
export async function* textBytes(
  raw: AsyncIterable<Buffer>,
  name: string,
  onGzip: () => void = () => undefined
): AsyncGenerator<Buffer> {
  const iterator = raw[Symbol.asyncIterator]()
  const head: Buffer[] = []
  let headLength = 0
  let ended = false
  // Two bytes tell gzip; a first chunk of one byte is rare but possible on a pipe.
  while (headLength < 2) {
    const next = await iterator.next()
    if (next.done) {
      ended = true
      break
    }
    head.push(next.value)
    headLength += next.value.length
  }
  const start = Buffer.concat(head)
  const all = (async function* (): AsyncGenerator<Buffer> {
    try {
      if (start.length > 0) yield start
      if (ended) return
      for (;;) {
        const next = await iterator.next()
        if (next.done) return
        yield next.value
      }
    } finally {
      // Stopped early (a sniff, an interrupted run): close the file now, not when collected.
      await iterator.return?.()
    }
  })()
  if (!isGzip(start)) {
    yield* all
    return
  }
  onGzip()
  const gunzip = createGunzip()
  pipeline(Readable.from(all), gunzip, () => undefined)
  try {
    for await (const chunk of gunzip) yield chunk as Buffer
  } catch (error) {
    if (error instanceof InputOutputError) throw error
    throw new InputOutputError(`cannot read ${name}: ${gzipErrorMessage(error)}`)
  }
}

function fileSource(path: string, size: number, id: string): Source {
  return {
    name: path,
    size,
    id,
    // Opened when reading starts, so that files wait their turn and an early error leaves none open.
    raw: () => asBuffers(createReadStream(path, { highWaterMark: 1 << 20 }), path)
  }
}

/** A folder's files, in name order, its subfolders' files in their place; hidden entries (".…") left out. */
async function folderFiles(folder: string): Promise<Array<{ path: string; info: Stats }>> {
  const entries = await readdir(folder).catch((error: unknown) => {
    throw new InputOutputError(`cannot read ${folder}: ${ioErrorMessage(error)}`)
  })
  const files: Array<{ path: string; info: Stats }> = []
  // Code-point order, the same on every machine: hourly names sort as time does.
  for (const entry of entries.filter((name) => !name.startsWith('.')).sort(byCodePoint)) {
    const path = join(folder, entry)
    const info = await stat(path).catch((error: unknown) => {
      throw new InputOutputError(`cannot read ${path}: ${ioErrorMessage(error)}`)
    })
    if (info.isDirectory()) files.push(...(await folderFiles(path)))
    else if (info.isFile()) files.push({ path, info })
  }
  return files
}

function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/** Destroys a stream (process.stdin: its handle is closed); other iterables are left as they are. */
function destroy(stream: AsyncIterable<Buffer | string>): void {
  const destroyable = stream as { destroy?: unknown }
  if (typeof destroyable.destroy === 'function') (destroyable.destroy as () => void).call(stream)
}

/** Read failures are I/O errors (exit 2), not crashes; strings (a test's stdin) become bytes. */
async function* asBuffers(chunks: AsyncIterable<Buffer | string>, name: string): AsyncGenerator<Buffer> {
  try {
    for await (const chunk of chunks) yield typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk
  } catch (error) {
    throw new InputOutputError(`cannot read ${name}: ${ioErrorMessage(error)}`)
  }
}

/** The first SNIFF_BYTES of a file's text (decompressed), and whether that is all of it. */
async function readHead(source: Source): Promise<{ bytes: Buffer; complete: boolean }> {
  const chunks: Buffer[] = []
  let length = 0
  const text = textBytes(source.raw(), source.name)
  try {
    for await (const chunk of text) {
      chunks.push(chunk)
      length += chunk.length
      if (length >= SNIFF_BYTES) return { bytes: Buffer.concat(chunks).subarray(0, SNIFF_BYTES), complete: false }
    }
    return { bytes: Buffer.concat(chunks), complete: true }
  } finally {
    await text.return(undefined)
  }
}

function gzipErrorMessage(error: unknown): string {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined
  if (code === 'Z_BUF_ERROR') return 'the gzip data ends too soon (is the file cut short?)'
  if (code === 'Z_DATA_ERROR') return 'the gzip data is damaged'
  return ioErrorMessage(error)
}
