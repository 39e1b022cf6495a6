import type { TikTokResponseBody } from './wire'
import { redactPersonalData, redactSecrets } from '../privacy'

/**
 * What TikTok's answer to one request means for the events in it. TikTok
 * answers errors with HTTP 200 and a non-zero `code`; this is the one place
 * that reads codes and HTTP statuses.
 */
export type TikTokAnswer = { kind: 'accepted'; body: TikTokResponseBody } | { kind: 'refused'; refusal: Refusal }

export type RefusalKind = 'invalid' | 'authentication' | 'retryable'

export interface Refusal {
  kind: RefusalKind
  /** The status Segment sees: 400, 401, 429 or 5xx. */
  status: number
  /** TikTok's message with its code and request ID, or what went wrong on the way. */
  message: string
  body?: TikTokResponseBody | string
  /**
   * A parameter error, which can be about single events, or a request too
   * large for its events together: a request of several is split to find the
   * offending events (or to make parts small enough). Other refusals concern
   * the request as a whole.
   */
  aboutEvents?: true
}

const AUTHENTICATION_CODES = new Set([40001, 40003, 40102, 40104, 40105])
const RATE_LIMIT_CODES = new Set([40100, 40132, 61000])
/** INVALID_PARAMS, PARAM_ERROR, PII_NOT_HASHED: what one event can cause. Batch size (40061), partner name (40063) and the like concern the request. */
const EVENT_LEVEL_CODES = new Set([40000, 40002, 40062])
const PARTIAL_OK = 20001
const PAYLOAD_TOO_LARGE = 413
const MAINTENANCE = 60001

/** A refusal as an answer. */
const refused = (refusal: Refusal): TikTokAnswer => ({ kind: 'refused', refusal })

function describe(body: TikTokResponseBody): string {
  const message = redactPersonalData(body.message?.trim() || 'no message')
  const requestId = body.request_id ? `, request_id ${body.request_id}` : ''
  return `TikTok refused the request: ${message} (code ${body.code}${requestId})`
}

/** Meaning of a JSON body TikTok answered with a 2xx status. */
export function readCode(body: TikTokResponseBody): TikTokAnswer {
  const code = body.code
  if (code === undefined || code === 0) return { kind: 'accepted', body }
  const refusal = (kind: RefusalKind, status: number, message = describe(body)): TikTokAnswer =>
    refused({ kind, status, message, body, ...(EVENT_LEVEL_CODES.has(code) ? { aboutEvents: true } : {}) })
  if (AUTHENTICATION_CODES.has(code)) return refusal('authentication', 401)
  if (RATE_LIMIT_CODES.has(code)) return refusal('retryable', 429)
  if (code === PARTIAL_OK) {
    // TikTok does not say which events it kept; re-sending is safe because it de-duplicates by event_id.
    return refusal('retryable', 500, `${describe(body)}; TikTok accepted only part of it, the events are re-sent`)
  }
  if (code >= 40000 && code < 50000) return refusal('invalid', 400)
  // 5xxxx, maintenance and any code TikTok has not documented: TikTok-side, worth retrying.
  return refusal('retryable', code === MAINTENANCE ? 503 : 500)
}

/** Meaning of an HTTP answer: its status, and its body as text. */
export function readAnswer(status: number, content: string): TikTokAnswer {
  const body = summarize(parseBody(content))
  if (status >= 200 && status < 300) {
    if (typeof body === 'object') return readCode(body)
    // Acceptance cannot be confirmed; re-sending is safe because TikTok de-duplicates by event_id.
    const what = content.trim() === '' ? 'an empty body' : 'a body that is not JSON'
    return refused({ kind: 'retryable', status: 502, message: `TikTok answered HTTP ${status} with ${what}`, body })
  }
  const tiktok = typeof body === 'object' && body.message ? `: ${redactPersonalData(body.message)}` : ''
  const requestId = typeof body === 'object' && body.request_id ? ` (request_id ${body.request_id})` : ''
  const message = `TikTok answered HTTP ${status}${tiktok}${requestId}`
  if (status === 429 || status >= 500) return refused({ kind: 'retryable', status, message, body })
  if (status === PAYLOAD_TOO_LARGE) return refused({ kind: 'invalid', status: 400, message, body, aboutEvents: true })
  if (status === 401 || status === 403) return refused({ kind: 'authentication', status: 401, message, body })
  return refused({ kind: 'invalid', status: 400, message, body })
}

const MAX_TEXT_BODY = 200

/** What is kept of an answer for the per-event outcome: code, message (redacted) and request ID, never `data`. */
function summarize(body: TikTokResponseBody | string): TikTokResponseBody | string {
  // Redacted before it is cut, so a value cut in half cannot slip through.
  if (typeof body === 'string') return redactPersonalData(body).slice(0, MAX_TEXT_BODY)
  return {
    ...(body.code !== undefined ? { code: body.code } : {}),
    ...(body.message !== undefined ? { message: redactPersonalData(String(body.message)) } : {}),
    ...(body.request_id !== undefined ? { request_id: String(body.request_id) } : {})
  }
}

function parseBody(content: string): TikTokResponseBody | string {
  if (!content.trim().startsWith('{')) return content
  try {
    // Text that starts with "{" parses to an object or not at all, and JSON.parse throws nothing but SyntaxError.
    return JSON.parse(content) as TikTokResponseBody
  } catch {
    return content
  }
}

/** A request that got no answer: a timeout, a reset connection, DNS. Retryable: TikTok de-duplicates by event_id. */
export function transportFailure(error: unknown, secrets: readonly string[]): TikTokAnswer {
  const name = error instanceof Error ? error.name : undefined
  const code = (error as { code?: unknown }).code
  const timedOut = name === 'TimeoutError' || name === 'RequestTimeoutError' || code === 'ETIMEDOUT'
  const reason = redactPersonalData(redactSecrets(error instanceof Error ? error.message : String(error), secrets))
  return refused({
    kind: 'retryable',
    status: timedOut ? 504 : 503,
    message: timedOut ? `No answer from TikTok in time: ${reason}` : `Could not reach TikTok: ${reason}`
  })
}
