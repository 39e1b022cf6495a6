/**
 * Incremental splitter of a top-level JSON array into the text of its elements,
 * so a file of millions of events is read in bounded memory. It only tracks
 * strings, escapes and nesting depth; each element's text is parsed later with
 * JSON.parse, which reports anything malformed in it.
 *
 * Why not a library: streaming JSON parsers build every value token by token in JavaScript; JSON.parse per element is faster.
 */
import { BoundedText } from './bounded-text'

export type ArrayPiece =
  /** The text of one element (not trimmed of inner whitespace, but not empty). */
  | { kind: 'element'; text: string }
  /** An element that cannot be handed on: empty (`[1,,2]`) or larger than the limit. */
  | { kind: 'error'; message: string }

type State = 'before' | 'inside' | 'after'

export class JsonArraySplitter {
  private state: State = 'before'
  private depth = 0
  private inString = false
  private escaped = false
  /** The text of the current element. */
  private readonly current: BoundedText
  /** Whether the current element has a non-whitespace character. */
  private hasContent = false
  /** Whether a comma was seen since the array opened (so a trailing empty element is an error). */
  private afterComma = false
  private trailingReported = false

  constructor(private readonly maxElementChars = Number.POSITIVE_INFINITY) {
    this.current = new BoundedText(maxElementChars)
  }

  /** Feeds the next piece of text; returns the elements (and errors) it completed. */
  push(text: string): ArrayPiece[] {
    const pieces: ArrayPiece[] = []
    let segmentStart = 0
    for (let i = 0; i < text.length; i++) {
      const char = text.charCodeAt(i)
      if (this.state === 'before') {
        if (isWhitespace(char)) continue
        if (char !== OPEN_BRACKET) throw new Error('a JSON array must start with [')
        this.state = 'inside'
        segmentStart = i + 1
        continue
      }
      if (this.state === 'after') {
        if (!isWhitespace(char) && !this.trailingReported) {
          this.trailingReported = true
          pieces.push({ kind: 'error', message: 'content after the closing ] of the JSON array' })
        }
        continue
      }
      if (this.inString) {
        if (this.escaped) this.escaped = false
        else if (char === BACKSLASH) this.escaped = true
        else if (char === QUOTE) this.inString = false
        continue
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
          this.state = 'after'
          continue
        }
        this.depth = Math.max(0, this.depth - 1)
        this.hasContent = true
      } else if (char === COMMA && this.depth === 0) {
        this.current.add(text, segmentStart, i)
        const piece = this.finishElement(true)
        if (piece) pieces.push(piece)
        this.afterComma = true
        segmentStart = i + 1
      } else if (!isWhitespace(char)) {
        this.hasContent = true
      }
    }
    if (this.state === 'inside') this.current.add(text, segmentStart)
    return pieces
  }

  /**
   * The end of the input. An array that was never closed hands on its last
   * element as it is (JSON.parse then says whether it is whole) and says so.
   */
  end(): { pieces: ArrayPiece[]; unclosed: boolean } {
    if (this.state !== 'inside') return { pieces: [], unclosed: false }
    const piece = this.finishElement(false)
    this.state = 'after'
    return { pieces: piece ? [piece] : [], unclosed: true }
  }

  /** Ends the current element. An empty one is an error only when a comma says it should exist. */
  private finishElement(required: boolean): ArrayPiece | undefined {
    const text = this.current.take()
    const { hasContent } = this
    this.hasContent = false
    this.depth = 0
    this.inString = false
    this.escaped = false
    if (text === undefined) return { kind: 'error', message: `event larger than ${this.maxElementChars} characters` }
    if (!hasContent) return required ? { kind: 'error', message: 'empty element in the JSON array' } : undefined
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

function isWhitespace(char: number): boolean {
  return char === 0x20 || char === 0x0a || char === 0x0d || char === 0x09
}
