/**
 * Events by event time (the Segment event's `timestamp`), one bucket per UTC day over TikTok's attribution
 * window as it stood when the run started, plus one bucket before it and one
 * after it: what was delivered against what was refused as outside the window.
 * Counters only: a fixed number of buckets, whatever the number of events.
 */
import { ATTRIBUTION_WINDOW_DAYS } from '../../destinations/tiktok-offline-conversions/offline-rules'

const DAY_MS = 24 * 60 * 60 * 1000
/** Numbers above this are milliseconds, as the destination reads them (10^11 s is the year 5138). */
const MILLISECONDS_THRESHOLD = 1e11
/** An offset at the end of an ISO 8601 text: `Z`, `+02:00`, `-0500`. */
const HAS_OFFSET = /(?:z|[+-]\d\d:?\d\d)$/i

export interface TimeCounts {
  delivered: number
  /** Refused by the destination as outside TikTok's window (too old, or too far in the future). */
  refusedOutsideWindow: number
}

export interface DayCounts extends TimeCounts {
  /** The UTC day, `YYYY-MM-DD`. */
  day: string
}

export interface EventTimesData {
  /**
   * One entry per UTC day, oldest first, from the day 28 days before the run
   * started (where the window begins) to the day it started.
   */
  days: DayCounts[]
  /** Before the first day. */
  before: TimeCounts
  /** After the last day. */
  after: TimeCounts
  /** Refused as outside the window, with a time the runner could not read back (a custom mapping's). */
  refusedWithoutTime: number
}

export class EventTimeHistogram {
  private readonly firstDayMs: number
  private readonly days: DayCounts[]
  private readonly before: TimeCounts = { delivered: 0, refusedOutsideWindow: 0 }
  private readonly after: TimeCounts = { delivered: 0, refusedOutsideWindow: 0 }
  private refusedWithoutTime = 0

  /** `nowMs`: when the run started; the buckets are the days of the window as it stood then. */
  constructor(nowMs: number) {
    const todayMs = Math.floor(nowMs / DAY_MS) * DAY_MS
    this.firstDayMs = todayMs - ATTRIBUTION_WINDOW_DAYS * DAY_MS
    this.days = Array.from({ length: ATTRIBUTION_WINDOW_DAYS + 1 }, (_, i) => ({
      day: new Date(this.firstDayMs + i * DAY_MS).toISOString().slice(0, 10),
      delivered: 0,
      refusedOutsideWindow: 0
    }))
  }

  /**
   * A delivered event, by its Segment `timestamp` (what the presets map to
   * `event_time`); without one, the destination sends the time of sending:
   * `sentAtMs`.
   */
  addDelivered(timestamp: unknown, sentAtMs: number): void {
    this.bucket(timestampMs(timestamp) ?? sentAtMs).delivered++
  }

  /** An event refused as outside the window, by its Segment `timestamp` (ISO 8601, or Unix seconds or milliseconds). */
  addRefusedOutsideWindow(timestamp: unknown): void {
    const ms = timestampMs(timestamp)
    if (ms === undefined) this.refusedWithoutTime++
    else this.bucket(ms).refusedOutsideWindow++
  }

  result(): EventTimesData {
    return {
      days: this.days.map((day) => ({ ...day })),
      before: { ...this.before },
      after: { ...this.after },
      refusedWithoutTime: this.refusedWithoutTime
    }
  }

  private bucket(ms: number): TimeCounts {
    const offset = Math.floor((ms - this.firstDayMs) / DAY_MS)
    if (offset < 0) return this.before
    return offset < this.days.length ? this.days[offset] : this.after
  }
}

/**
 * Milliseconds since the epoch of a Segment timestamp, read as the
 * destination reads it: a number (or numeric text) of seconds, or of
 * milliseconds above 10^11; ISO 8601 text, UTC when it has no offset.
 */
export function timestampMs(timestamp: unknown): number | undefined {
  if (timestamp instanceof Date) return valid(timestamp.getTime())
  if (typeof timestamp !== 'number' && typeof timestamp !== 'string') return undefined
  const text = String(timestamp).trim()
  if (text === '') return undefined
  if (/^\d+(\.\d+)?$/.test(text)) {
    const number = Number(text)
    return valid(number > MILLISECONDS_THRESHOLD ? number : number * 1000)
  }
  const dateOnly = /^\d{4}-\d\d-\d\d$/.test(text)
  return valid(Date.parse(dateOnly || HAS_OFFSET.test(text) ? text : `${text}Z`))
}

function valid(ms: number): number | undefined {
  return Number.isFinite(ms) ? ms : undefined
}
