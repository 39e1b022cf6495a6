/**
 * The text of one line or one array element, gathered piece by piece as the
 * input streams in, up to a limit: past it, the pieces are let go (memory stays
 * bounded whatever the input) and only the fact that it was too large is kept.
 */
export class BoundedText {
  private parts: string[] = []
  private length = 0
  private oversized = false

  constructor(private readonly maxChars: number) {}

  /** Adds `text` from `start` to `end` (all of it by default). */
  add(text: string, start = 0, end = text.length): void {
    if (end <= start || this.oversized) return
    this.length += end - start
    if (this.length > this.maxChars) {
      this.oversized = true
      this.parts = []
      return
    }
    this.parts.push(start === 0 && end === text.length ? text : text.slice(start, end))
  }

  /** The text gathered, or undefined when it grew past the limit; either way it starts again empty. */
  take(): string | undefined {
    const text = this.oversized ? undefined : this.parts.join('')
    this.parts = []
    this.length = 0
    this.oversized = false
    return text
  }
}
