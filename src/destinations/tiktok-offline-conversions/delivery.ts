import {
  PayloadValidationError,
  MultiStatusResponse,
  InvalidAuthenticationError,
  RetryableError,
  IntegrationError
} from '@segment/actions-core'
import type { ErrorCodes, JSONLikeObject, RequestClient } from '@segment/actions-core'
import type { Settings } from './generated-types'
import { toTikTokEvent } from './conversion'
import type { Conversion, ConversionPayload } from './conversion'
import { readPhoneCountrySetting } from './identity'
import { MAX_EVENTS_PER_REQUEST, MAX_REQUEST_BODY_BYTES, MAX_SPLIT_REQUESTS } from './tiktok/constants'
import { postTrack, trackRequestBody } from './tiktok/client'
import type { RefusalKind } from './tiktok/answers'
import type { TikTokEvent, TikTokResponseBody } from './tiktok/wire'
import { EventRefusal } from './reasons'
import type { DroppedValue, RefusalBody } from './reasons'

/** A delivered event's answer: TikTok's code, message and request ID, and what was dropped from the event, by field. */
export interface DeliveredBody extends TikTokResponseBody {
  dropped?: DroppedValue[]
}

/** What happened to one payload. */
export type EventOutcome =
  | { ok: true; sent: TikTokEvent; body: DeliveredBody }
  | {
      ok: false
      /** `rejected`: refused before sending; the others are TikTok's answer to a request holding the event. */
      kind: 'rejected' | RefusalKind
      status: number
      message: string
      sent?: TikTokEvent
      /** TikTok's answer; for an event refused before sending, the refusal's code. */
      body?: TikTokResponseBody | RefusalBody | string
    }

export type EventFailure = Extract<EventOutcome, { ok: false }>

interface ReadyEvent extends Conversion {
  index: number
  /** Bytes of the event's JSON in a request body. */
  bytes: number
}

/** One request's worth of the work: where its outcomes go, and what it sends with. */
interface Delivery {
  request: RequestClient
  settings: Settings
  testEventCode: string
  outcomes: EventOutcome[]
  /** Extra requests still allowed to find the offending events of one refused request. */
  splitBudget: number
}

/**
 * The one code path of every action: payloads → TikTok events → requests of at
 * most 1,000 events and MAX_REQUEST_BODY_BYTES, grouped by test event code → an
 * outcome for every payload, in order. It never throws for an event or an answer.
 */
export async function deliverConversions(
  request: RequestClient,
  settings: Settings,
  payloads: ConversionPayload[],
  nowSeconds = Math.floor(Date.now() / 1000)
): Promise<EventOutcome[]> {
  // Every index gets its outcome below.
  const outcomes: EventOutcome[] = []
  const groups = new Map<string, ReadyEvent[]>()
  const context = {
    phoneCountry: readPhoneCountrySetting(settings.defaultPhoneCountry),
    nowSeconds
  }

  payloads.forEach((payload, index) => {
    try {
      const { event, dropped } = toTikTokEvent(payload, context)
      const ready = { index, event, dropped, bytes: Buffer.byteLength(JSON.stringify(event)) }
      const code = payload.test_event_code?.trim() ?? ''
      const group = groups.get(code)
      if (group) group.push(ready)
      else groups.set(code, [ready])
    } catch (error) {
      if (!(error instanceof EventRefusal)) throw error
      outcomes[index] = { ok: false, kind: 'rejected', status: 400, message: error.message, body: error.body }
    }
  })

  for (const [testEventCode, events] of groups) {
    for (const part of requestParts(events)) {
      await sendEvents({ request, settings, testEventCode, outcomes, splitBudget: MAX_SPLIT_REQUESTS }, part)
    }
  }
  return outcomes
}

/** Room for the request's own keys (event source, event set, partner, test code) beside its events. */
const ENVELOPE_BYTES = 1024

/** The events in order, cut into requests of at most 1,000 events and MAX_REQUEST_BODY_BYTES; an event alone larger still goes, alone. */
function requestParts(events: ReadyEvent[]): ReadyEvent[][] {
  const parts: ReadyEvent[][] = []
  let part: ReadyEvent[] = []
  let bytes = ENVELOPE_BYTES
  for (const ready of events) {
    // The comma before each event but the first.
    const size = ready.bytes + 1
    if (part.length === MAX_EVENTS_PER_REQUEST || (part.length > 0 && bytes + size > MAX_REQUEST_BODY_BYTES)) {
      parts.push(part)
      part = []
      bytes = ENVELOPE_BYTES
    }
    part.push(ready)
    bytes += size
  }
  if (part.length > 0) parts.push(part)
  return parts
}

/**
 * Sends one request and records the outcome of each event in it. A request
 * refused for what single events can cause is split in halves, each re-sent,
 * to find the offending events; a half TikTok accepts is never sent again.
 */
async function sendEvents(delivery: Delivery, part: ReadyEvent[]): Promise<void> {
  const { request, settings, testEventCode, outcomes } = delivery
  const body = trackRequestBody(
    settings.eventSetID,
    part.map((ready) => ready.event),
    testEventCode || undefined
  )
  const answer = await postTrack(request, body, [settings.accessToken])
  if (answer.kind === 'accepted') {
    for (const { index, event, dropped } of part) {
      outcomes[index] = { ok: true, sent: event, body: deliveredBody(answer.body, dropped) }
    }
    return
  }
  const { refusal } = answer
  const several = part.length > 1
  if (refusal.aboutEvents && several && delivery.splitBudget >= 2) {
    delivery.splitBudget -= 2
    const middle = Math.ceil(part.length / 2)
    await sendEvents(delivery, part.slice(0, middle))
    await sendEvents(delivery, part.slice(middle))
    return
  }
  // Out of budget, the offending events are not known: the others are valid, so nothing here is refused for good.
  const undetermined = refusal.aboutEvents && several
  const failure = undetermined
    ? {
        kind: 'retryable' as const,
        status: UNDETERMINED_STATUS,
        message: `${refusal.message} (refused together with ${
          part.length - 1
        } other events; the offending ones were not isolated within ${MAX_SPLIT_REQUESTS} extra requests, so this is retryable: a retry holds fewer of them)`
      }
    : refusal
  for (const { index, event } of part) {
    outcomes[index] = {
      ok: false,
      kind: failure.kind,
      status: failure.status,
      message: failure.message,
      sent: event,
      body: refusal.body
    }
  }
}

/** Events refused together with others when splitting ran out of budget: retryable, as most of them are valid. */
const UNDETERMINED_STATUS = 500

function deliveredBody(answer: TikTokResponseBody, dropped: DroppedValue[]): DeliveredBody {
  return dropped.length > 0 ? { ...answer, dropped } : answer
}

const ERROR_TYPES: Record<EventFailure['kind'], keyof typeof ErrorCodes> = {
  rejected: 'PAYLOAD_VALIDATION_FAILED',
  invalid: 'BAD_REQUEST',
  authentication: 'INVALID_AUTHENTICATION',
  retryable: 'RETRYABLE_ERROR'
}

/** TikTok's event and answer (or an answer that was not JSON, as text), typed as Segment's multi-status entries declare them. */
const asJson = (value: TikTokEvent | TikTokResponseBody | RefusalBody | string): JSONLikeObject | string =>
  value as unknown as JSONLikeObject | string

/** Segment's multi-status: one entry per payload, in order. */
export function toMultiStatus(outcomes: EventOutcome[]): MultiStatusResponse {
  const multiStatus = new MultiStatusResponse()
  outcomes.forEach((outcome, index) => {
    if (outcome.ok) {
      multiStatus.setSuccessResponseAtIndex(index, {
        status: 200,
        sent: asJson(outcome.sent),
        body: asJson(outcome.body)
      })
      return
    }
    multiStatus.setErrorResponseAtIndex(index, {
      status: outcome.status,
      errortype: ERROR_TYPES[outcome.kind],
      errormessage: outcome.message,
      ...(outcome.sent ? { sent: asJson(outcome.sent) } : {}),
      ...(outcome.body !== undefined ? { body: asJson(outcome.body) } : {})
    })
  })
  return multiStatus
}

/** The single-event path: the error Segment expects for a failed outcome. */
export function toError(failure: EventFailure): Error {
  switch (failure.kind) {
    case 'rejected':
      return new PayloadValidationError(failure.message)
    case 'authentication':
      return new InvalidAuthenticationError(failure.message)
    case 'retryable':
      return new RetryableError(failure.message, failure.status as ConstructorParameters<typeof RetryableError>[1])
    case 'invalid':
      return new IntegrationError(failure.message, 'BAD_REQUEST', failure.status)
  }
}
