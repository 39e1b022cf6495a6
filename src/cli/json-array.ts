/**
 * Incremental splitter of a file that starts with a JSON array into the text
 * of its events, so a file of millions of events is read in bounded memory.
 * It only tracks strings, escapes and nesting depth; each element's text is
 * parsed later with JSON.parse, which reports anything malformed in it.
 *
 * Nothing is folded into one: arrays one after another (`[…][…]`, with or
 * without space or newlines between) are read as their elements; after an
 * array, a line that does not open another is read as an NDJSON line. Inside an
 * array, an element that follows another without a comma is one input error
 * (each such element, not the array), and a string left open at the end of
 * its line (a raw newline cannot be in a JSON string) is an error for that
 * element, the reading going on with the next line.
 *
 * Why not a library: streaming JSON parsers build every value token by token in JavaScript; JSON.parse per element is faster.
 */
import { BoundedText } from './bounded-text'

export type ArrayPiece =
  /** The text of one element (not trimmed of inner whitespace, but not empty). */
  | { kind: 'element'; text: string }
  /** A line after an array that does not open another one: read as NDJSON. */
  | { kind: 'line'; text: string }
  /** An element that cannot be handed on: empty (`[1,,2]`), larger than the limit, or not split from the one before. */
  | { kind: 'error'; message: string; /** Its text, when it was kept (to show its messageId). */ text?: string }

/** between: outside any array (skipping whitespace); inside: in an array; line: in a line after an array. */
type State = 'before' | 'inside' | 'between' | 'line'

export const MISSING_COMMA = 'no comma between this element and the one before it in the JSON array'
export const OPEN_STRING = 'not valid JSON: a string is not closed on its line'

export class JsonArraySplitter {
  private state: State = 'before'
  private depth = 0
  private inString = false
  private escaped = false
  /** The text of the current element or line. */
  private readonly current: BoundedText
  /** Whether the current element has a non-whitespace character. */
  private hasContent = false
  /** Whether a comma was seen since the array opened (so a trailing empty element is an error). */
  private afterComma = false
  /** Why the current element is an error whatever its text (no comma before it). */
  private broken: string | undefined
  /** After a string left open: a comma that starts the next line ends nothing. */
  private resynced = false

  constructor(private readonly maxElementChars = Number.POSITIVE_INFINITY) {
    this.current = new BoundedText(maxElementChars)
  }

  /** Feeds the next piece of text; returns the elements (and errors) it completed. */
  push(text: string): ArrayPiece[] {
    const pieces: ArrayPiece[] = []
    let segmentStart = 0
    for (let i = 0; i < text.length; i++) {
      const char = text.charCodeAt(i)
      if (this.state === 'before' || this.state === 'between') {
        if (isWhitespace(char)) continue
        if (char === OPEN_BRACKET) {
          this.openArray()
          segmentStart = i + 1
          continue
        }
        if (this.state === 'before') throw new Error('a JSON array must start with [')
        this.state = 'line'
        segmentStart = i
      }
      if (this.state === 'line') {
        if (char !== NEWLINE) continue
        this.current.add(text, segmentStart, i)
        pieces.push(this.finishLine())
        this.state = 'between'
        continue
      }
      if (this.inString) {
        if (this.escaped) this.escaped = false
        else if (char === BACKSLASH) this.escaped = true
        else if (char === QUOTE) this.inString = false
        else if (char === NEWLINE) {
          // JSON has no raw newline in a string: this element is broken; the next line starts afresh.
          this.current.add(text, segmentStart, i)
          this.broken ??= OPEN_STRING
          const piece = this.finishElement(true)
          if (piece) pieces.push(piece)
          this.resynced = true
          this.afterComma = false
          segmentStart = i + 1
        }
        continue
      }
      if (this.depth === 0 && this.hasContent && (char === QUOTE || char === OPEN_BRACE || char === OPEN_BRACKET)) {
        // A value where a comma or the closing ] should be: the element before ends here.
        this.current.add(text, segmentStart, i)
        const piece = this.finishElement(true)
        if (piece) pieces.push(piece)
        this.broken = MISSING_COMMA
        segmentStart = i
      }
      if (char === QUOTE) {
        this.inString = true
        this.hasContent = true
      } else if (char === OPEN_BRACE || char === OPEN_BRACKET) {
        this.depth++
        this.hasContent = true
      } else if (char === CLOSE_BRACE || char === CLOSE_BRACKET) {
        if (this.depth === 0 && char === CLOSE_BRACKET) {
          this.current.add(text, segmentStart, i)
          const last = this.finishElement(this.afterComma)
          if (last) pieces.push(last)
          this.state = 'between'
          continue
        }
        this.depth = Math.max(0, this.depth - 1)
        this.hasContent = true
      } else if (char === COMMA && this.depth === 0) {
        if (this.resynced && !this.hasContent) {
          this.resynced = false
          segmentStart = i + 1
          continue
        }
        this.current.add(text, segmentStart, i)
        const piece = this.finishElement(true)
        if (piece) pieces.push(piece)
        this.afterComma = true
        segmentStart = i + 1
      } else if (!isWhitespace(char)) {
        this.hasContent = true
        this.resynced = false
      }
    }
    if (this.state === 'inside' || this.state === 'line') this.current.add(text, segmentStart)
    return pieces
  }

  /**
   * The end of the input. An array that was never closed hands on its last
   * element as it is (JSON.parse then says whether it is whole) and says so.
   */
  end(): { pieces: ArrayPiece[]; unclosed: boolean } {
    if (this.state === 'line') {
      this.state = 'between'
      return { pieces: [this.finishLine()], unclosed: false }
    }
    if (this.state !== 'inside') return { pieces: [], unclosed: false }
    const piece = this.finishElement(false)
    this.state = 'between'
    return { pieces: piece ? [piece] : [], unclosed: true }
  }

  private openArray(): void {
    this.state = 'inside'
    this.afterComma = false
    this.resynced = false
    this.broken = undefined
  }

  private finishLine(): ArrayPiece {
    const text = this.current.take()
    if (text === undefined) return { kind: 'error', message: `event larger than ${this.maxElementChars} characters` }
    return { kind: 'line', text }
  }

  /** Ends the current element. An empty one is an error only when a comma says it should exist. */
  private finishElement(required: boolean): ArrayPiece | undefined {
    const text = this.current.take()
    const { hasContent, broken } = this
    this.hasContent = false
    this.broken = undefined
    this.depth = 0
    this.inString = false
    this.escaped = false
    if (text === undefined) return { kind: 'error', message: `event larger than ${this.maxElementChars} characters` }
    if (!hasContent)
      return required && !broken ? { kind: 'error', message: 'empty element in the JSON array' } : undefined
    if (broken) return { kind: 'error', message: broken, text }
    return { kind: 'element', text }
  }
}

const OPEN_BRACKET = 0x5b
const CLOSE_BRACKET = 0x5d
const OPEN_BRACE = 0x7b
const CLOSE_BRACE = 0x7d
const QUOTE = 0x22
const BACKSLASH = 0x5c
const COMMA = 0x2c
const NEWLINE = 0x0a

function isWhitespace(char: number): boolean {
  return char === 0x20 || char === 0x0a || char === 0x0d || char === 0x09
}
