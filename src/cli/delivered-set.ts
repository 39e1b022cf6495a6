/**
 * The deliveries --resume skips: each a (messageId, preset) pair, kept as a
 * 96-bit digest (95 bits of SHA-256 and a bit that marks the slot used) in an
 * open-addressing table (12 bytes a slot). A backfill's reports hold millions
 * of deliveries, and a Set of their strings would take hundreds of megabytes;
 * the chance that two of a billion deliveries share a digest is below 10^-10.
 *
 * Why not a library: none keeps fixed-size digests in one typed array, which is the whole point here.
 */
import { hash } from 'node:crypto'

const WORDS = 3

export class DeliveredSet {
  private slots = new Uint32Array(1024 * WORDS)
  private count = 0

  get size(): number {
    return this.count
  }

  /** Adds the delivery; false when it was there already. */
  add(messageId: string, preset: string | null): boolean {
    if ((this.count + 1) * 2 > this.capacity) this.grow()
    return this.insert(digest(messageId, preset))
  }

  has(messageId: string, preset: string | null): boolean {
    const key = digest(messageId, preset)
    const mask = this.capacity - 1
    for (let slot = key[1] & mask; ; slot = (slot + 1) & mask) {
      const at = slot * WORDS
      if (this.slots[at] === 0) return false
      if (this.slots[at] === key[0] && this.slots[at + 1] === key[1] && this.slots[at + 2] === key[2]) return true
    }
  }

  private get capacity(): number {
    return this.slots.length / WORDS
  }

  private insert(key: Uint32Array): boolean {
    const mask = this.capacity - 1
    for (let slot = key[1] & mask; ; slot = (slot + 1) & mask) {
      const at = slot * WORDS
      if (this.slots[at] === 0) {
        this.slots.set(key, at)
        this.count++
        return true
      }
      if (this.slots[at] === key[0] && this.slots[at + 1] === key[1] && this.slots[at + 2] === key[2]) return false
    }
  }

  private grow(): void {
    const old = this.slots
    this.slots = new Uint32Array(old.length * 2)
    this.count = 0
    for (let at = 0; at < old.length; at += WORDS) {
      if (old[at] !== 0) this.insert(old.subarray(at, at + WORDS))
    }
  }
}

/** 96 bits of SHA-256 of the delivery, the lowest bit of the first word set so that 0 means an empty slot. */
function digest(messageId: string, preset: string | null): Uint32Array {
  const bytes = hash('sha256', `${messageId}\u0000${preset ?? ''}`, 'buffer')
  const words = new Uint32Array(WORDS)
  words[0] = bytes.readUInt32LE(0) | 1
  words[1] = bytes.readUInt32LE(4)
  words[2] = bytes.readUInt32LE(8)
  return words
}
