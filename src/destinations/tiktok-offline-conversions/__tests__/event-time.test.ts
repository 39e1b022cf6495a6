import { PayloadValidationError } from '@segment/actions-core'
import { toEventTime } from '../event-time'
import { EventRefusal } from '../reasons'

/**
 * The time rule on its own, against a fixed "now" (the destination passes the
 * time of sending): what `event_time` TikTok receives for each written form, and
 * which timestamps are refused, with which message. Expected times are computed
 * here with Date.UTC, independently of the reader.
 */

/** Unix seconds of a UTC date and time (month 1–12). */
const utc = (year: number, month: number, day: number, hour = 0, minute = 0, second = 0): number =>
  Date.UTC(year, month - 1, day, hour, minute, second) / 1000

const NOW = utc(2026, 1, 15, 12) // 2026-01-15T12:00:00Z
const DAY = 24 * 3600
const T = utc(2026, 1, 14, 10, 20, 37) // 2026-01-14T10:20:37Z

const UNREADABLE =
  'timestamp: must be an ISO 8601 date (UTC when it has no offset) or a Unix time in seconds or milliseconds'
const OUTSIDE =
  "timestamp: outside TikTok's attribution window, from 28 days ago to 5 minutes from now: TikTok neither matches nor reports offline events older than 28 days"
const AHEAD =
  "timestamp: outside TikTok's attribution window, from 28 days ago to 5 minutes from now: the event is more than 5 minutes in the future (is its time zone or clock wrong?)"

const seconds = (timestamp: string | number, now = NOW): number => {
  const time = toEventTime(timestamp, now)
  expect(time.given).toBe(true)
  return time.seconds
}

describe('ISO 8601: every shape the rule accepts, read exactly', () => {
  test.each([
    ['date and time with Z', '2026-01-14T10:20:37Z', T],
    ['no offset: UTC', '2026-01-14T10:20:37', T],
    ['a space for T, lowercase z', '2026-01-14 10:20:37z', T],
    ['lowercase t', '2026-01-14t10:20:37Z', T],
    ['no seconds', '2026-01-14T10:20', T - 37],
    ['no seconds, with Z', '2026-01-14T10:20Z', T - 37],
    ['no seconds, with an offset', '2026-01-14T10:20+01:00', T - 37 - 3600],
    ['a date alone: its midnight, UTC', '2026-01-14', utc(2026, 1, 14)],
    ['a fraction of a second is dropped', '2026-01-14T10:20:37.999Z', T],
    ['a one-digit fraction', '2026-01-14T10:20:37.5', T],
    ['+hh:mm east of UTC', '2026-01-14T10:20:37+01:30', T - 5400],
    ['+hhmm east of UTC', '2026-01-14T10:20:37+0130', T - 5400],
    ['-hh:mm west of UTC', '2026-01-14T10:20:37-05:45', T + 5 * 3600 + 45 * 60],
    ['-hhmm west of UTC', '2026-01-14T10:20:37-0545', T + 5 * 3600 + 45 * 60],
    ['a fraction and an offset', '2026-01-14T10:20:37.25-05:00', T + 5 * 3600],
    ['+00:00 is UTC', '2026-01-14T10:20:37+00:00', T],
    ['surrounding whitespace', '  2026-01-14T10:20:37Z\n', T],
    ['the last second of a day', '2026-01-14T23:59:59Z', utc(2026, 1, 14, 23, 59, 59)],
    ['the first second of a day', '2026-01-14T00:00:00Z', utc(2026, 1, 14)],
    ['the largest offset', '2026-01-14T10:20:37+23:59', T - 23 * 3600 - 59 * 60],
    ['the last day of a 31-day month', '2025-12-31T10:00:00Z', utc(2025, 12, 31, 10)]
  ])('%s: %j', (_, timestamp, expected) => {
    expect(seconds(timestamp)).toBe(expected)
  })

  test.each([
    ['January 31', '2026-01-31', utc(2026, 1, 31)],
    ['February 28', '2026-02-28', utc(2026, 2, 28)],
    ['February 29 of a leap year', '2028-02-29', utc(2028, 2, 29)],
    ['February 29 of a century divisible by 400', '2000-02-29', utc(2000, 2, 29)],
    ['March 31', '2026-03-31', utc(2026, 3, 31)],
    ['April 30', '2026-04-30', utc(2026, 4, 30)],
    ['May 31', '2026-05-31', utc(2026, 5, 31)],
    ['June 30', '2026-06-30', utc(2026, 6, 30)],
    ['July 31', '2026-07-31', utc(2026, 7, 31)],
    ['August 31', '2026-08-31', utc(2026, 8, 31)],
    ['September 30', '2026-09-30', utc(2026, 9, 30)],
    ['October 31', '2026-10-31', utc(2026, 10, 31)],
    ['November 30', '2026-11-30', utc(2026, 11, 30)],
    ['December 31', '2026-12-31', utc(2026, 12, 31)]
  ])('%s exists (%j)', (_, timestamp, expected) => {
    // "Now" is a day later, so the date is inside the window.
    expect(seconds(timestamp, expected + DAY)).toBe(expected)
  })
})

describe('Unix time: seconds, or milliseconds above 10^11', () => {
  test.each([
    ['seconds as text', String(T), T],
    ['seconds as a number', T, T],
    ['fractional seconds are floored', `${T}.75`, T],
    ['fractional seconds as a number', T + 0.75, T],
    ['milliseconds as text', String(T * 1000 + 999), T],
    ['milliseconds as a number', T * 1000 + 1, T]
  ])('%s: %j', (_, timestamp, expected) => {
    expect(seconds(timestamp)).toBe(expected)
  })
})

describe('no timestamp: the time of sending stands in, and is said to', () => {
  test.each([[undefined], [''], ['   ']])('%j', (timestamp) => {
    expect(toEventTime(timestamp, NOW)).toEqual({ seconds: NOW, given: false })
  })

  test('0 is a timestamp (1970), not a missing one', () => {
    expect(() => toEventTime(0, NOW)).toThrow(OUTSIDE)
  })
})

describe('the window: from 28 days ago to 5 minutes ahead, to the second', () => {
  test.each([
    ['exactly 28 days ago', NOW - 28 * DAY],
    ['now', NOW],
    ['exactly 5 minutes ahead', NOW + 300]
  ])('%s is accepted', (_, time) => {
    expect(toEventTime(time, NOW)).toEqual({ seconds: time, given: true })
  })

  test.each([
    ['one second more than 28 days ago', NOW - 28 * DAY - 1, OUTSIDE],
    ['one second more than 5 minutes ahead', NOW + 301, AHEAD],
    ['six minutes ahead', NOW + 360, AHEAD],
    ['a day ahead', NOW + DAY, AHEAD]
  ])('%s is refused naming timestamp, the window and which side of it', (_, time, message) => {
    expect(() => toEventTime(time, NOW)).toThrow(message)
  })

  test('the refusal is a payload validation error (a 400, not retried) with its code', () => {
    let error: unknown
    try {
      toEventTime(NOW - 29 * DAY, NOW)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(PayloadValidationError)
    expect(error).toBeInstanceOf(EventRefusal)
    expect(error).toMatchObject({ status: 400, message: OUTSIDE })
    expect((error as EventRefusal).body).toEqual({ reason: 'outside_time_window', field: 'timestamp' })
  })

  test('an unreadable time has a code of its own', () => {
    let error: unknown
    try {
      toEventTime('2025-02-30', NOW)
    } catch (e) {
      error = e
    }
    expect((error as EventRefusal).body).toEqual({ reason: 'unreadable_timestamp', field: 'timestamp' })
  })

  test('an ISO 8601 time is held to the window after its offset is applied', () => {
    // 12:05-01:00 is 13:05 UTC, an hour after now; 13:05+01:00 is 12:05 UTC, 5 minutes after.
    expect(seconds('2026-01-15T12:05:00Z')).toBe(NOW + 300)
    expect(() => toEventTime('2026-01-15T12:05:01Z', NOW)).toThrow(AHEAD)
    expect(() => toEventTime('2026-01-15T12:05:00-01:00', NOW)).toThrow(AHEAD)
    expect(seconds('2026-01-15T13:05:00+01:00')).toBe(NOW + 300)
  })
})

describe('unreadable timestamps are refused, never guessed', () => {
  test.each([
    ['a word', 'yesterday'],
    ['a negative number', '-5'],
    ['a number with a sign', '+1768386037'],
    ['a number with a trailing dot', `${T}.`],
    ['a number in exponent form', '1.7e9'],
    ['a number with text after it', `${T}s`],
    ['text before a date', 'on 2026-01-14'],
    ['text after a date', '2026-01-14 morning'],
    ['a date twice', '2026-01-14 2026-01-14'],
    ['a two-digit year', '26-01-14T10:20:37Z'],
    ['a one-digit month', '2026-1-14T10:20:37Z'],
    ['a one-digit day', '2026-01-4T10:20:37Z'],
    ['slashes', '2026/01/14'],
    ['an hour alone', '2026-01-14T10'],
    ['a one-digit hour', '2026-01-14T9:20:37Z'],
    ['a one-digit minute', '2026-01-14T10:2:37Z'],
    ['a one-digit second', '2026-01-14T10:20:3Z'],
    ['a dot without a fraction', '2026-01-14T10:20:37.Z'],
    ['a comma before the fraction', '2026-01-14T10:20:37,5Z'],
    ['another separator than T or a space', '2026-01-14X10:20:37Z'],
    ['two separators', '2026-01-14T 10:20:37Z'],
    ['an offset in hours only', '2026-01-14T10:20:37+01'],
    ['an offset with a one-digit minute', '2026-01-14T10:20:37+01:3'],
    ['an offset without a sign', '2026-01-14T10:20:37 01:00'],
    ['a space before the offset', '2026-01-14T10:20:37 +01:00'],
    ['Z and an offset', '2026-01-14T10:20:37Z+01:00'],
    ['a time zone name', '2026-01-14T10:20:37 UTC'],
    ['text after the time', '2026-01-14T10:20:37Zjunk'],
    ['letters for digits', '2026-0a-14T10:20:37Z'],
    ['a date with an offset but no time', '2026-01-14+01:00']
  ])('%s: %j', (_, timestamp) => {
    expect(() => toEventTime(timestamp, NOW)).toThrow(UNREADABLE)
  })

  test.each([
    ['month 00', '2026-00-14'],
    ['month 13', '2026-13-14'],
    ['day 00', '2026-01-00'],
    ['January 32', '2026-01-32'],
    ['February 29 of a common year', '2026-02-29'],
    ['February 29 of a century not divisible by 400', '2100-02-29'],
    ['February 30 of a leap year', '2028-02-30'],
    ['April 31', '2026-04-31'],
    ['June 31', '2026-06-31'],
    ['September 31', '2026-09-31'],
    ['November 31', '2026-11-31'],
    ['December 32', '2026-12-32'],
    ['hour 24', '2026-01-14T24:00:00Z'],
    ['minute 60', '2026-01-14T10:60:00Z'],
    ['second 60', '2026-01-14T10:20:60Z'],
    ['an offset of 24 hours', '2026-01-14T10:20:37+24:00'],
    ['an offset of 60 minutes', '2026-01-14T10:20:37+01:60'],
    ['an offset of 60 minutes, without a colon', '2026-01-14T10:20:37-0160']
  ])('a date or time that does not exist is refused, not rolled over: %s (%j)', (_, timestamp) => {
    expect(() => toEventTime(timestamp, NOW)).toThrow(UNREADABLE)
  })
})
