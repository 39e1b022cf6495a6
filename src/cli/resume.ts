/**
 * --resume: what earlier runs delivered, read from their reports, so a run can
 * skip it. An event is known by its messageId and the subscription (preset)
 * that delivered it: an event two subscriptions match and one of them
 * delivered is sent again only to the other.
 *
 * A backfill's report holds millions of deliveries; a Set of their strings
 * would take hundreds of megabytes. Each delivery is kept as a 95-bit digest
 * in an open-addressing table instead (12 bytes a slot): the chance that two
 * of a billion deliveries share a digest is below 10^-10.
 */
import { hash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { createInterface } from 'node:readline'
import { InputOutputError, UsageError, ioErrorMessage } from './errors'

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

export interface ResumeSource {
  /** The reports read, as given. */
  reports: string[]
  /** Distinct deliveries they record. */
  deliveries: number
  /** Lines that were not report lines: a run killed while writing leaves a cut last line. */
  unreadableLines: number
}

export interface Resume extends ResumeSource {
  delivered: DeliveredSet
}

/** Reads the deliveries of earlier reports. Missing or foreign files are errors (exit 2), found before anything is sent. */
export async function readResume(paths: readonly string[]): Promise<Resume> {
  const delivered = new DeliveredSet()
  let unreadableLines = 0
  for (const path of paths) {
    let reportLines = 0
    const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity })
    try {
      for await (const text of lines) {
        if (text.trim() === '') continue
        const line = readLine(text)
        if (!line) {
          unreadableLines++
          continue
        }
        reportLines++
        if ((line.outcome === 'delivered' || line.outcome === 'skipped') && typeof line.messageId === 'string') {
          delivered.add(line.messageId, typeof line.preset === 'string' ? line.preset : null)
        }
      }
    } catch (error) {
      throw new InputOutputError(`cannot read the report ${path} (--resume): ${ioErrorMessage(error)}`)
    }
    if (reportLines === 0 && unreadableLines > 0) {
      throw new UsageError(`--resume ${path}: not a report of this runner (no line has an outcome and a messageId)`)
    }
  }
  return { reports: [...paths], deliveries: delivered.size, unreadableLines, delivered }
}

interface ReportedOutcome {
  messageId?: unknown
  preset?: unknown
  outcome?: unknown
}

function readLine(text: string): ReportedOutcome | undefined {
  try {
    const value: unknown = JSON.parse(text)
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined
    const line = value as ReportedOutcome
    return typeof line.outcome === 'string' && 'messageId' in line ? line : undefined
  } catch {
    return undefined
  }
}
