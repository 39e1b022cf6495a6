import { TIKTOK_OFFLINE_CONVERSIONS_API_VERSION } from '../versioning-info'

/** TikTok's documented maximum number of events in one `event/track` request. */
export const MAX_EVENTS_PER_REQUEST = 1000

/**
 * The largest request body the destination builds, in bytes of JSON. TikTok
 * documents no size limit for `event/track`, only the 1,000 events. 1,000
 * ordinary offline events take about 0.7 MB; Segment lets an event be up to
 * 32 KB, so 1,000 of the largest would take 32 MB. 4 MiB keeps an ordinary
 * batch in one request and a batch of large events well under the 10 MB body
 * limit API gateways commonly default to. A request refused as too large
 * (HTTP 413) anyway is split like one refused for its events.
 */
export const MAX_REQUEST_BODY_BYTES = 4 * 1024 * 1024

/**
 * TikTok Business API host. The destination reads no environment: a host that
 * sends elsewhere (a sandbox) wraps the request client it hands to the actions.
 */
export const TIKTOK_API_BASE_URL = 'https://business-api.tiktok.com'
export const TRACK_PATH = `/open_api/${TIKTOK_OFFLINE_CONVERSIONS_API_VERSION}/event/track/`
export const TRACK_URL = `${TIKTOK_API_BASE_URL}${TRACK_PATH}`

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

/** How long to wait for TikTok's answer. A timed-out request is retryable. */
export const REQUEST_TIMEOUT_MS = 10_000
