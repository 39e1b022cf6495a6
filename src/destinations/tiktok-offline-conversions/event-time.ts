import { ATTRIBUTION_WINDOW_DAYS, ATTRIBUTION_WINDOW_SECONDS, MAX_FUTURE_SKEW_SECONDS } from './offline-rules'
import { EventRefusal } from './reasons'

/** Numbers above this are milliseconds (10^11 s is the year 5138). */
const MILLISECONDS_THRESHOLD = 1e11
const NUMERIC = /^\d+(\.\d+)?$/
/**
 * ISO 8601: a calendar date, optionally a time (seconds and their fraction
 * optional), optionally an offset (`Z`, `±hh:mm` or `±hhmm`). Without an offset
 * the time is UTC, as TikTok's `event_time` is: never the time zone of whatever
 * machine runs the destination.
 */
const ISO_8601 =
  /^(?<year>\d{4})-(?<month>\d\d)-(?<day>\d\d)(?:[T ](?<hour>\d\d):(?<minute>\d\d)(?::(?<second>\d\d)(?:\.\d+)?)?(?:Z|(?<sign>[+-])(?<offsetHours>\d\d):?(?<offsetMinutes>\d\d))?)?$/i

export interface EventTime {
  seconds: number
  /** False when the event had no timestamp and the time of sending stands in for it. */
  given: boolean
}

/**
 * Unix seconds of `timestamp`: ISO 8601, or a number of seconds or milliseconds.
 * A missing timestamp means now. The time must fall in TikTok's attribution
 * window, from 28 days ago to 5 minutes from now; else the event is refused
 * naming the field and the window.
 */
export function toEventTime(timestamp: string | number | undefined, nowSeconds: number): EventTime {
  const text = timestamp === undefined ? '' : String(timestamp).trim()
  if (text === '') return { seconds: nowSeconds, given: false }
  const seconds = Math.floor(NUMERIC.test(text) ? fromNumber(Number(text)) : fromIso8601(text))
  if (seconds < nowSeconds - ATTRIBUTION_WINDOW_SECONDS) {
    throw outsideWindow(`TikTok neither matches nor reports offline events older than ${ATTRIBUTION_WINDOW_DAYS} days`)
  }
  if (seconds > nowSeconds + MAX_FUTURE_SKEW_SECONDS) {
    throw outsideWindow(
      `the event is more than ${MAX_FUTURE_SKEW_SECONDS / 60} minutes in the future (is its time zone or clock wrong?)`
    )
  }
  return { seconds, given: true }
}

function fromNumber(number: number): number {
  return number > MILLISECONDS_THRESHOLD ? number / 1000 : number
}

/** Seconds since the epoch of an ISO 8601 text; a date that does not exist (2025-02-30) is refused, not rolled over. */
function fromIso8601(text: string): number {
  const parts = ISO_8601.exec(text)?.groups
  if (!parts) throw unreadable()
  const {
    year,
    month,
    day,
    hour = '00',
    minute = '00',
    second = '00',
    sign,
    offsetHours = '00',
    offsetMinutes = '00'
  } = parts
  const utc = new Date(
    Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second))
  )
  // Date.UTC rolls 2025-02-30 over to March 2: reading the date back tells.
  const exists = utc.toISOString().startsWith(`${year}-${month}-${day}T${hour}:${minute}:${second}`)
  if (!exists || Number(offsetHours) > 23 || Number(offsetMinutes) > 59) throw unreadable()
  const offsetSeconds = (sign === '-' ? -1 : 1) * (Number(offsetHours) * 3600 + Number(offsetMinutes) * 60)
  return utc.getTime() / 1000 - offsetSeconds
}

function outsideWindow(why: string): EventRefusal {
  return new EventRefusal(
    'timestamp',
    'outside_time_window',
    `outside TikTok's attribution window, from ${ATTRIBUTION_WINDOW_DAYS} days ago to ${
      MAX_FUTURE_SKEW_SECONDS / 60
    } minutes from now: ${why}`
  )
}

function unreadable(): EventRefusal {
  return new EventRefusal(
    'timestamp',
    'unreadable_timestamp',
    'must be an ISO 8601 date (UTC when it has no offset) or a Unix time in seconds or milliseconds'
  )
}
