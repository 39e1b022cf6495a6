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
const ISO_8601 = /^\d{4}-\d\d-\d\d(?:[T ]\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:?\d\d)?)?$/i

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
  // Stryker disable next-line EqualityOperator: 10^11 is outside the window read either way (seconds: the year 5138; milliseconds: 1973)
  return number > MILLISECONDS_THRESHOLD ? number / 1000 : number
}

/** Seconds since the epoch of an ISO 8601 text; its fields are at fixed places once the shape is checked. */
function fromIso8601(text: string): number {
  if (!ISO_8601.test(text)) throw unreadable()
  const year = digitsAt(text, 0, 4)
  const month = digitsAt(text, 5, 2)
  const day = digitsAt(text, 8, 2)
  const timed = text.length > 10
  const hour = timed ? digitsAt(text, 11, 2) : 0
  const minute = timed ? digitsAt(text, 14, 2) : 0
  const second = text.charCodeAt(16) === COLON ? digitsAt(text, 17, 2) : 0
  const offsetSeconds = timed ? offsetOf(text) : 0
  // A date that does not exist (2025-02-30) is refused, not rolled over into the next month.
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) {
    throw unreadable()
  }
  return Date.UTC(year, month - 1, day, hour, minute, second) / 1000 - offsetSeconds
}

const COLON = 58
const ZERO = 48
const MINUS = 45

/** The number written by `length` digits from `start` (the shape is already checked). */
function digitsAt(text: string, start: number, length: number): number {
  let value = 0
  for (let i = start; i < start + length; i++) value = value * 10 + text.charCodeAt(i) - ZERO
  return value
}

/** The offset after the time, `±hh:mm` or `±hhmm`, in seconds east of UTC; `Z` or none is UTC. */
function offsetOf(text: string): number {
  const at = Math.max(text.indexOf('+', 16), text.indexOf('-', 16))
  // Stryker disable next-line EqualityOperator: a sign is found at 16 or later, or not at all (-1)
  if (at < 0) return 0
  const hours = digitsAt(text, at + 1, 2)
  const minutes = digitsAt(text, text.charCodeAt(at + 3) === COLON ? at + 4 : at + 3, 2)
  if (hours > 23 || minutes > 59) throw unreadable()
  return (text.charCodeAt(at) === MINUS ? -1 : 1) * (hours * 3600 + minutes * 60)
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31
}

function unreadable(): PayloadValidationError {
  return new PayloadValidationError(
    'timestamp: must be an ISO 8601 date (UTC when it has no offset) or a Unix time in seconds or milliseconds'
  )
}
