/**
 * Streaming reader of Segment events: NDJSON (one event per line) or JSON
 * arrays of events, told apart by the first non-space character (`[` = array;
 * arrays may follow one another, and NDJSON lines may follow them).
 * Every line or element becomes one item, in input order: an event ready for
 * actions-core, or an input error saying why it cannot be one. Nothing is dropped.
 * The text must be UTF-8: bytes that are not stop the reading with an error
 * naming the line, after the lines before it.
 */
import { createHash } from 'node:crypto'
import type { SegmentEvent } from '@segment/actions-core'
import { BoundedText } from './bounded-text'
import { Utf8Decoder, invalidByteText, wideEncoding } from './encoding'
import { InputOutputError } from './errors'
import { JsonArraySplitter, type ArrayPiece } from './json-array'
import { describe, isObject } from './values'

/** The largest line or array element read (characters); Segment's own limit is 32 KB per event. */
export const DEFAULT_MAX_EVENT_CHARS = 1_000_000

export type InputFormat = 'ndjson' | 'json-array'

export interface InputEvent {
  kind: 'event'
  /** The file it was read from (as named on the command line), or "stdin". */
  file: string
  /** Line number (NDJSON) or element number (JSON array), from 1. */
  index: number
  event: SegmentEvent
  messageId: string
  /** The event had no messageId: the runner gave it one derived from its content. */
  messageIdGenerated: boolean
  /** Characters of its JSON text as read: what a batch's input size is counted in. */
  chars: number
}

export interface InputError {
  kind: 'invalid'
  file: string
  index: number
  /** The event's messageId when it could be read. */
  messageId: string | null
  message: string
}

export type InputItem = InputEvent | InputError

export interface ReadEventsOptions {
  /** The name of what is read, put in every item and error message (default "stdin"). */
  file?: string
  maxEventChars?: number
  /** Called with the size of every chunk read (bytes), for progress. */
  onBytes?: (bytes: number) => void
  /** Called once the format is known. */
  onFormat?: (format: InputFormat) => void
}

/** Prefix of generated messageIds. */
export const GENERATED_MESSAGE_ID_PREFIX = 'runner-'

/** Every item, one at a time. */
export async function* readEvents(
  source: AsyncIterable<Buffer | string>,
  options: ReadEventsOptions = {}
): AsyncGenerator<InputItem> {
  for await (const items of readEventChunks(source, options)) yield* items
}

/**
 * The items of each chunk read, together: a run of millions of events awaits
 * once per chunk rather than once per event. Chunks that complete no item are
 * not yielded.
 */
export async function* readEventChunks(
  source: AsyncIterable<Buffer | string>,
  options: ReadEventsOptions = {}
): AsyncGenerator<InputItem[]> {
  const maxChars = options.maxEventChars ?? DEFAULT_MAX_EVENT_CHARS
  const file = options.file ?? 'stdin'
  const utf8 = new Utf8Decoder()
  let splitter: Splitter | undefined
  let pending = ''
  let fed = false
  let bytesRead = 0

  const feed = (text: string): InputItem[] => {
    fed = true
    if (splitter) return splitter.push(text)
    pending += text
    const start = pending.search(/\S/)
    if (start < 0) {
      // Only newlines matter before the first event: they count for line numbers.
      pending = pending.replace(/[^\n]/g, '')
      return []
    }
    const format: InputFormat = pending[start] === '[' ? 'json-array' : 'ndjson'
    options.onFormat?.(format)
    splitter =
      format === 'json-array'
        ? new ArraySource(file, maxChars, () => options.onFormat?.('ndjson'))
        : new NdjsonSource(file, maxChars)
    const buffered = pending
    pending = ''
    return splitter.push(buffered)
  }
  const where = (): string => splitter?.position() ?? `line ${pending.split('\n').length}`

  for await (const chunk of source) {
    options.onBytes?.(typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length)
    if (typeof chunk === 'string') {
      // Text already (a library caller's stdin): only a byte order mark at its very start goes.
      yield* some(feed(fed ? chunk : chunk.replace(/^\uFEFF/, '')))
      continue
    }
    if (bytesRead === 0) {
      const wide = wideEncoding(chunk)
      if (wide) throw new InputOutputError(`${file}: ${wide}`)
    }
    const bad = utf8.push(chunk)
    // Before a bad byte, the lines before it: good events; the error names the line it is on.
    yield* some(feed(utf8.text))
    if (bad >= 0) {
      throw new InputOutputError(`${file}: ${where()} is not UTF-8 text: ${invalidByteText(chunk, bad, bytesRead)}`)
    }
    bytesRead += chunk.length
  }
  if (utf8.cutShort) {
    throw new InputOutputError(`${file}: ${where()} is not UTF-8 text: the file ends in the middle of a character`)
  }
  if (splitter) yield* some(splitter.end())
}

/** `items` as the one chunk to yield, or nothing when it is empty. */
function some(items: InputItem[]): InputItem[][] {
  return items.length > 0 ? [items] : []
}

interface Splitter {
  push(text: string): InputItem[]
  end(): InputItem[]
  /** Where the reading is, for a message: "line 12" or "element 3". */
  position(): string
}

/** NDJSON: one event per line; blank lines are skipped (but counted for line numbers). */
class NdjsonSource implements Splitter {
  private line = 1
  private readonly current: BoundedText

  constructor(
    private readonly file: string,
    private readonly maxChars: number
  ) {
    this.current = new BoundedText(maxChars)
  }

  position(): string {
    return `line ${this.line}`
  }

  push(text: string): InputItem[] {
    const items: InputItem[] = []
    let start = 0
    for (let newline = text.indexOf('\n'); newline >= 0; newline = text.indexOf('\n', start)) {
      this.current.add(text, start, newline)
      const item = this.finishLine()
      if (item) items.push(item)
      start = newline + 1
    }
    this.current.add(text, start)
    return items
  }

  end(): InputItem[] {
    const item = this.finishLine()
    return item ? [item] : []
  }

  private finishLine(): InputItem | undefined {
    const index = this.line++
    const text = this.current.take()
    if (text === undefined) return invalid(this.file, index, `event larger than ${this.maxChars} characters`)
    if (text.trim() === '') return undefined
    return toInputItem(text, index, this.file)
  }
}

/**
 * A file that starts with `[`: its arrays' elements, and the lines after an
 * array that opens no other, numbered one count on through the file.
 */
class ArraySource implements Splitter {
  private splitter: JsonArraySplitter
  private element = 0
  private linesSeen = false

  constructor(
    private readonly file: string,
    maxChars: number,
    /** Told once, at the first NDJSON line after an array. */
    private readonly onLines: () => void
  ) {
    this.splitter = new JsonArraySplitter(maxChars)
  }

  position(): string {
    return `element ${this.element + 1}`
  }

  push(text: string): InputItem[] {
    return this.splitter.push(text).map((piece) => this.toItem(piece))
  }

  end(): InputItem[] {
    const { pieces, unclosed } = this.splitter.end()
    const items = pieces.map((piece) => this.toItem(piece))
    const last = items[items.length - 1]
    if (unclosed && last?.kind === 'invalid') {
      last.message += ' (the JSON array is not closed: is the file cut short?)'
    }
    return items
  }

  private toItem(piece: ArrayPiece): InputItem {
    const index = ++this.element
    if (piece.kind === 'error') {
      return invalid(this.file, index, piece.message, piece.text === undefined ? null : messageIdIn(piece.text))
    }
    if (piece.kind === 'line' && !this.linesSeen) {
      this.linesSeen = true
      this.onLines()
    }
    return toInputItem(piece.text, index, this.file)
  }
}

function invalid(file: string, index: number, message: string, messageId: string | null = null): InputError {
  return { kind: 'invalid', file, index, messageId, message }
}

/**
 * One line or element → an event actions-core can take, or why it cannot.
 * actions-core throws (TypeError) on `context: null` or `context.personas: null`,
 * failing the whole batch, so such events are stopped here.
 */
export function toInputItem(text: string, index: number, file = 'stdin'): InputItem {
  const invalidItem = (message: string, messageId: string | null = null): InputError =>
    invalid(file, index, message, messageId)
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return invalidItem('not valid JSON', messageIdIn(text))
  }
  if (!isObject(value)) return invalidItem(`not a JSON object (got ${describe(value)})`)

  const rawId = value.messageId
  if (rawId !== undefined && rawId !== null && typeof rawId !== 'string') {
    return invalidItem(`messageId: must be a string (got ${describe(rawId)})`)
  }
  const knownId = typeof rawId === 'string' && rawId.trim() !== '' ? rawId : null

  if (typeof value.type !== 'string' || value.type.trim() === '') {
    return invalidItem('type: missing; every Segment event has a type (track, identify, page, …)', knownId)
  }
  if ('context' in value && value.context !== undefined) {
    if (!isObject(value.context)) {
      return invalidItem(`context: must be an object when present (got ${describe(value.context)})`, knownId)
    }
    const personas = value.context.personas
    if (personas !== undefined && !isObject(personas)) {
      return invalidItem(`context.personas: must be an object when present (got ${describe(personas)})`, knownId)
    }
  }

  if (knownId !== null) {
    return {
      kind: 'event',
      file,
      index,
      event: value as unknown as SegmentEvent,
      messageId: knownId,
      messageIdGenerated: false,
      chars: text.length
    }
  }
  const messageId = generatedMessageId(text)
  value.messageId = messageId
  return {
    kind: 'event',
    file,
    index,
    event: value as unknown as SegmentEvent,
    messageId,
    messageIdGenerated: true,
    chars: text.length
  }
}

/**
 * A messageId for an event that has none, derived from its text: the same event
 * gets the same ID on every retry and every re-run, so TikTok's de-duplication
 * by event_id still works, and two different events never share one (as line
 * numbers would across files).
 */
export function generatedMessageId(text: string): string {
  return GENERATED_MESSAGE_ID_PREFIX + createHash('sha256').update(text.trim(), 'utf8').digest('hex').slice(0, 32)
}

/** The messageId of a line that is not valid JSON, when it can be seen, to help find the event. */
function messageIdIn(text: string): string | null {
  const match = /"messageId"\s*:\s*"([^"\\]{1,200})"/.exec(text)
  return match ? match[1] : null
}
