/**
 * The deliveries --resume skips: each what TikTok de-duplicates by, an
 * (event_id, event name) pair (a null name: any name, for the lines of earlier
 * versions, which did not record it), kept as a
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
  private anyName = false

  get size(): number {
    return this.count
  }

  /** Adds the delivery (a null event name: of any name); false when it was there already. */
  add(eventId: string, event: string | null): boolean {
    if ((this.count + 1) * 2 > this.capacity) this.grow()
    if (event === null) this.anyName = true
    return this.insert(digest(eventId, event))
  }

  /** Whether the event was delivered under this name (or under any, as an earlier version recorded it). */
  has(eventId: string, event: string | null): boolean {
    return this.holds(eventId, event) || (event !== null && this.anyName && this.holds(eventId, null))
  }

  private holds(eventId: string, event: string | null): boolean {
    const key = digest(eventId, event)
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
function digest(eventId: string, event: string | null): Uint32Array {
  const bytes = hash('sha256', `${eventId}\u0000${event ?? ''}`, 'buffer')
  const words = new Uint32Array(WORDS)
  words[0] = bytes.readUInt32LE(0) | 1
  words[1] = bytes.readUInt32LE(4)
  words[2] = bytes.readUInt32LE(8)
  return words
}
