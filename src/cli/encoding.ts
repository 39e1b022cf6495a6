/**
 * Input must be UTF-8 (Segment's exports and archives are). A file in another
 * encoding would otherwise be read as garbage: UTF-16 as lines of "not valid
 * JSON", Latin-1 as events whose names and emails are silently mangled (and
 * hashed that way). This module names the encoding when it can tell, and
 * checks a stream of bytes as it goes, chunk by chunk, in bounded memory.
 */
import { isUtf8 } from 'node:buffer'

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
  const end = complete ? head.length : completeEnd(head, 0)
  const bad = firstInvalidByte(head.subarray(0, end))
  return bad === undefined ? undefined : invalidByteText(head, bad)
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

/**
 * Checks UTF-8 chunk by chunk: a character split between two chunks is
 * carried over, not mistaken for an error. `push` answers the offset (in the
 * chunk) of the first byte that is not UTF-8, or -1.
 */
export class Utf8Check {
  private carry: Buffer = Buffer.alloc(0)

  push(chunk: Buffer): number {
    let start = 0
    if (this.carry.length > 0) {
      const need = sequenceLength(this.carry[0]) - this.carry.length
      const taken = chunk.subarray(0, need)
      // Only continuation bytes (10xxxxxx) may finish the carried character.
      const notContinuation = taken.findIndex((byte) => (byte & 0xc0) !== 0x80)
      if (notContinuation >= 0) return notContinuation
      const joined = Buffer.concat([this.carry, taken])
      if (taken.length < need) {
        this.carry = joined
        return -1
      }
      this.carry = Buffer.alloc(0)
      if (!isUtf8(joined)) return 0
      start = need
    }
    const end = completeEnd(chunk, start)
    if (!isUtf8(chunk.subarray(start, end))) return start + (firstInvalidByte(chunk.subarray(start, end)) ?? 0)
    this.carry = Buffer.from(chunk.subarray(end))
    return -1
  }

  /** The text ended: a character cut short at its very end is an error. */
  get cutShort(): boolean {
    return this.carry.length > 0
  }
}

/** Bytes of the UTF-8 sequence that `lead` starts (1 for anything that cannot lead one). */
function sequenceLength(lead: number): number {
  if (lead >= 0xc2 && lead <= 0xdf) return 2
  if (lead >= 0xe0 && lead <= 0xef) return 3
  if (lead >= 0xf0 && lead <= 0xf4) return 4
  return 1
}

/** Where `bytes` ends if a sequence started in its last three bytes is not complete yet. */
function completeEnd(bytes: Buffer, start: number): number {
  for (let back = 1; back <= 3 && bytes.length - back >= start; back++) {
    const byte = bytes[bytes.length - back]
    if ((byte & 0xc0) === 0x80) continue // a continuation byte: look further back for its lead
    return sequenceLength(byte) > back ? bytes.length - back : bytes.length
  }
  return bytes.length
}

/** The offset of the first byte that is not part of valid UTF-8, or undefined. */
function firstInvalidByte(bytes: Buffer): number | undefined {
  if (isUtf8(bytes)) return undefined
  // Only on the error path, for the message: walk the sequences.
  for (let offset = 0; offset < bytes.length; offset++) {
    if (bytes[offset] < 0x80) continue
    const length = sequenceLength(bytes[offset])
    if (length === 1 || !isUtf8(bytes.subarray(offset, offset + length))) return offset
    offset += length - 1
  }
  return undefined
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
