import dayjs from 'dayjs'
import { PayloadValidationError } from '@segment/actions-core'
import { MAX_FUTURE_SKEW_SECONDS } from './tiktok/constants'

/** Numbers above this are milliseconds (10^11 s is the year 5138). */
const MILLISECONDS_THRESHOLD = 1e11
const NUMERIC = /^\d+(\.\d+)?$/
/** ISO 8601 calendar date, optionally with a time and an offset; dayjs alone also reads "-5" or "13/45/2024". */
const ISO_8601 =
  /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])([T ]([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d+)?)?(Z|[+-]([01]\d|2[0-3]):?[0-5]\d)?)?$/i

/**
 * Unix seconds of `timestamp`: ISO 8601, or a number of seconds or milliseconds.
 * A missing timestamp means now; anything unreadable, before 1970 or in the
 * future is rejected with the field named.
 */
export function toEventTime(timestamp: string | number | undefined, nowSeconds: number): number {
  if (timestamp === undefined || String(timestamp).trim() === '') return nowSeconds
  const text = String(timestamp).trim()
  let seconds: number
  if (NUMERIC.test(text)) {
    const number = Number(text)
    seconds = number > MILLISECONDS_THRESHOLD ? number / 1000 : number
  } else {
    const date = ISO_8601.test(text) ? dayjs(text) : undefined
    if (!date || !date.isValid()) {
      throw new PayloadValidationError('timestamp: must be an ISO 8601 date or a Unix time in seconds or milliseconds')
    }
    seconds = date.valueOf() / 1000
  }
  seconds = Math.floor(seconds)
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new PayloadValidationError('timestamp: must be a time after 1970-01-01')
  }
  if (seconds > nowSeconds + MAX_FUTURE_SKEW_SECONDS) {
    throw new PayloadValidationError('timestamp: must not be in the future')
  }
  return seconds
}
