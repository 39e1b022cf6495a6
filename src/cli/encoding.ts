/**
 * Input must be UTF-8 (Segment's exports and archives are). A file in another
 * encoding would otherwise be read as garbage: UTF-16 as lines of "not valid
 * JSON", Latin-1 as events whose names and emails are silently mangled (and
 * hashed that way). Node's TextDecoder decodes the stream (fatal: a bad or cut
 * sequence throws; a leading byte order mark is dropped); this module adds
 * what it does not say: which byte was bad, and where, and whether a text is
 * UTF-16 or UTF-32.
 */

/** Bytes looked at before anything is read: encodings other than UTF-8 show at once. */
export const SNIFF_BYTES = 64 * 1024

const BOMS: ReadonlyArray<[number[], string]> = [
  [[0xff, 0xfe, 0x00, 0x00], 'UTF-32LE'],
  [[0x00, 0x00, 0xfe, 0xff], 'UTF-32BE'],
  [[0xff, 0xfe], 'UTF-16LE'],
  [[0xfe, 0xff], 'UTF-16BE']
]

/**
 * Why the start of a text is not UTF-8, naming the encoding where it shows
 * (a byte order mark, or the NUL bytes UTF-16 and UTF-32 put in ASCII text);
 * undefined when it reads as UTF-8. `complete`: `head` is the whole text, so
 * a sequence cut at its end is an error rather than the rest still to come.
 */
export function notUtf8(head: Buffer, complete: boolean): string | undefined {
  const wide = wideEncoding(head)
  if (wide) return wide
  const decoder = new Utf8Decoder()
  const bad = decoder.push(head)
  if (bad >= 0) return invalidByteText(head, bad)
  return complete && decoder.cutShort ? invalidByteText(head, head.length - decoder.heldBytes) : undefined
}

/** Why a text that starts with `head` is UTF-16 or UTF-32, naming which; undefined when it is neither. */
export function wideEncoding(head: Buffer): string | undefined {
  for (const [bom, name] of BOMS) {
    if (head.length >= bom.length && bom.every((byte, i) => head[i] === byte)) {
      return `it is ${name} (it starts with a ${name} byte order mark), not UTF-8: convert it, e.g. iconv -f ${name} -t UTF-8`
    }
  }
  const name = wideEncodingWithoutBom(head)
  return name
    ? `it looks like ${name} (NUL bytes between the characters), not UTF-8: convert it, e.g. iconv -f ${name} -t UTF-8`
    : undefined
}

/** "byte 0xE9 at byte 1,234 is not UTF-8 …": what a person needs to find it and convert the file. */
export function invalidByteText(bytes: Buffer, offset: number, base = 0): string {
  const hex = bytes[offset].toString(16).toUpperCase().padStart(2, '0')
  return `byte 0x${hex} at byte ${(base + offset).toLocaleString('en-US')} is not UTF-8 (is the file Latin-1 or Windows-1252? convert it, e.g. iconv -f WINDOWS-1252 -t UTF-8)`
}

const EMPTY = Buffer.alloc(0)
const UTF8_BOM = [0xef, 0xbb, 0xbf]

/**
 * Decodes UTF-8 chunk by chunk with Node's TextDecoder: a character split
 * between two chunks is carried over, not mistaken for an error, and a byte
 * order mark is dropped even when it is split. `push` puts the text a chunk
 * completes in `text` and answers -1, or the offset (in the chunk) of the first
 * byte that is not UTF-8, with `text` then holding what came before it.
 */
export class Utf8Decoder {
  /** The text the last `push` completed. */
  text = ''
  private readonly decoder = new TextDecoder('utf-8', { fatal: true })
  /** Bytes pushed, and bytes handed out as text (a dropped byte order mark counted in `bom`). */
  private pushed = 0
  private decoded = 0
  private readonly start: number[] = []
  /** The start of a character that the next chunk completes (the decoder holds it too). */
  private held: Buffer = EMPTY

  push(chunk: Buffer): number {
    try {
      this.text = this.decoder.decode(chunk, { stream: true })
    } catch {
      return this.badByte(chunk)
    }
    for (let i = 0; this.start.length < UTF8_BOM.length && i < chunk.length; i++) this.start.push(chunk[i])
    this.pushed += chunk.length
    this.decoded += Buffer.byteLength(this.text)
    const held = this.pushed - this.decoded - (this.bom ? UTF8_BOM.length : 0)
    if (held === 0) this.held = EMPTY
    else if (held <= chunk.length) this.held = Buffer.from(chunk.subarray(chunk.length - held))
    else this.held = Buffer.concat([this.held.subarray(this.held.length - (held - chunk.length)), chunk])
    return -1
  }

  /** The text ended: a character cut short at its very end is an error. */
  get cutShort(): boolean {
    return this.held.length > 0
  }

  /** Bytes of a character not complete yet. */
  get heldBytes(): number {
    return this.held.length
  }

  private get bom(): boolean {
    return this.start.length === UTF8_BOM.length && UTF8_BOM.every((byte, i) => this.start[i] === byte)
  }

  /**
   * Only when the decoder threw: finds the first bad byte by decoding again
   * without `fatal` (each bad sequence becomes U+FFFD), and keeps the text
   * before it. A bad sequence begun in an earlier chunk is named by this
   * chunk's first byte.
   */
  private badByte(chunk: Buffer): number {
    const bytes = this.held.length > 0 ? Buffer.concat([this.held, chunk]) : chunk
    const at = firstReplaced(bytes)
    const atStart = this.pushed - this.held.length === 0
    this.text =
      at > this.held.length ? new TextDecoder('utf-8', { ignoreBOM: !atStart }).decode(bytes.subarray(0, at)) : ''
    return Math.max(0, at - this.held.length)
  }
}

/** The byte offset of the first sequence that is not UTF-8 (a U+FFFD written as such is text, not an error). */
function firstReplaced(bytes: Buffer): number {
  const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes)
  for (let at = text.indexOf('\uFFFD'); at >= 0; at = text.indexOf('\uFFFD', at + 1)) {
    const offset = Buffer.byteLength(text.slice(0, at))
    if (bytes[offset] !== 0xef || bytes[offset + 1] !== 0xbf || bytes[offset + 2] !== 0xbd) return offset
  }
  return bytes.length
}

/** UTF-16 or UTF-32 without a byte order mark: JSON is mostly ASCII, so every other (or three in four) byte is NUL. */
function wideEncodingWithoutBom(head: Buffer): string | undefined {
  const sample = head.subarray(0, Math.min(head.length, 256) & ~3)
  if (sample.length < 4) return undefined
  const zerosAt = [0, 0, 0, 0]
  for (let i = 0; i < sample.length; i++) if (sample[i] === 0) zerosAt[i % 4]++
  const quarter = sample.length / 4
  const mostly = (count: number): boolean => count >= quarter * 0.9
  if (mostly(zerosAt[1]) && mostly(zerosAt[2]) && mostly(zerosAt[3])) return 'UTF-32LE'
  if (mostly(zerosAt[0]) && mostly(zerosAt[1]) && mostly(zerosAt[2])) return 'UTF-32BE'
  if (mostly(zerosAt[1]) && mostly(zerosAt[3])) return 'UTF-16LE'
  if (mostly(zerosAt[0]) && mostly(zerosAt[2])) return 'UTF-16BE'
  return undefined
}
