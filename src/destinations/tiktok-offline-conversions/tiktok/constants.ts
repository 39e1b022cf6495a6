import { TIKTOK_OFFLINE_CONVERSIONS_API_VERSION } from '../versioning-info'

/** TikTok's documented maximum number of events in one `event/track` request. */
export const MAX_EVENTS_PER_REQUEST = 1000

/** TikTok Business API host; `TIKTOK_API_BASE_URL` points the destination elsewhere (the sandbox). */
export const TIKTOK_API_BASE_URL = 'https://business-api.tiktok.com'
export const API_BASE_URL_ENV = 'TIKTOK_API_BASE_URL'
export const TRACK_PATH = `/open_api/${TIKTOK_OFFLINE_CONVERSIONS_API_VERSION}/event/track/`

export const EVENT_SOURCE = 'offline'
export const PARTNER_NAME = 'Segment'

/**
 * When TikTok refuses a request of several events for a parameter error, the
 * destination splits it in halves to find the offending events. At most this
 * many extra requests are made for one refused request: one offending event
 * among 1,000 costs 2 × ⌈log2 1000⌉ = 20, so 64 isolates up to three of them;
 * events still undetermined after that are retryable (a retry holds fewer
 * offending events, as those isolated are not retried).
 */
export const MAX_SPLIT_REQUESTS = 64

/** How long to wait for TikTok's answer; `TIKTOK_REQUEST_TIMEOUT_MS` changes it. A timed-out request is retryable. */
export const REQUEST_TIMEOUT_MS = 10_000
export const REQUEST_TIMEOUT_ENV = 'TIKTOK_REQUEST_TIMEOUT_MS'

export function requestTimeoutMs(): number {
  const configured = Number(process.env[REQUEST_TIMEOUT_ENV])
  return Number.isFinite(configured) && configured > 0 ? configured : REQUEST_TIMEOUT_MS
}

export function trackUrl(): string {
  const base = process.env[API_BASE_URL_ENV] || TIKTOK_API_BASE_URL
  return `${base.replace(/\/+$/, '')}${TRACK_PATH}`
}
