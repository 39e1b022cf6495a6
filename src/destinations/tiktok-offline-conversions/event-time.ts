import { PayloadValidationError } from '@segment/actions-core'
import { ATTRIBUTION_WINDOW_DAYS, ATTRIBUTION_WINDOW_SECONDS, MAX_FUTURE_SKEW_SECONDS } from './offline-rules'
import { OUTSIDE_TIME_WINDOW } from './reasons'

/** Numbers above this are milliseconds (10^11 s is the year 5138). */
const MILLISECONDS_THRESHOLD = 1e11
const NUMERIC = /^\d+(\.\d+)?$/
/**
 * ISO 8601: a calendar date, optionally a time (seconds and their fraction
 * optional), optionally an offset (`Z`, `±hh:mm` or `±hhmm`). Without an offset
 * the time is UTC, as TikTok's `event_time` is: never the time zone of whatever
 * machine runs the destination.
 */
const ISO_8601 = /^(\d{4})-(\d\d)-(\d\d)(?:[T ](\d\d):(\d\d)(?::(\d\d)(?:\.\d+)?)?(?:Z|([+-])(\d\d):?(\d\d))?)?$/i

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
  if (seconds < nowSeconds - ATTRIBUTION_WINDOW_SECONDS || seconds > nowSeconds + MAX_FUTURE_SKEW_SECONDS) {
    throw new PayloadValidationError(
      `${OUTSIDE_TIME_WINDOW}, from ${ATTRIBUTION_WINDOW_DAYS} days ago to ${
        MAX_FUTURE_SKEW_SECONDS / 60
      } minutes from now: TikTok neither matches nor reports offline events older than ${ATTRIBUTION_WINDOW_DAYS} days`
    )
  }
  return { seconds, given: true }
}

function fromNumber(number: number): number {
  return number > MILLISECONDS_THRESHOLD ? number / 1000 : number
}

function fromIso8601(text: string): number {
  const parts = ISO_8601.exec(text)
  if (!parts) throw unreadable()
  const number = (index: number): number => Number(parts[index] ?? 0)
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map(number)
  const offsetSign = parts[7] === '-' ? -1 : 1
  const [offsetHours, offsetMinutes] = [8, 9].map(number)
  const milliseconds = Date.UTC(year, month - 1, day, hour, minute, second)
  // Date.UTC rolls 2025-02-30 over into March: a date that does not exist is refused, not moved.
  const date = new Date(milliseconds)
  const exists = date.getUTCMonth() === month - 1 && date.getUTCDate() === day
  if (!exists || hour > 23 || minute > 59 || second > 59 || offsetHours > 23 || offsetMinutes > 59) throw unreadable()
  const offsetSeconds = offsetSign * (offsetHours * 3600 + offsetMinutes * 60)
  return milliseconds / 1000 - offsetSeconds
}

function unreadable(): PayloadValidationError {
  return new PayloadValidationError(
    'timestamp: must be an ISO 8601 date (UTC when it has no offset) or a Unix time in seconds or milliseconds'
  )
}
