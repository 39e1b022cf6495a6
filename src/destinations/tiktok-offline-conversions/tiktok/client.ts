import type { RequestClient } from '@segment/actions-core'
import { EVENT_SOURCE, PARTNER_NAME, REQUEST_TIMEOUT_MS, TRACK_URL } from './constants'
import { readAnswer, transportFailure } from './answers'
import type { TikTokAnswer } from './answers'
import type { TikTokEvent, TikTokTrackRequest } from './wire'
import { redactSecrets } from '../privacy'

export function trackRequestBody(
  eventSetId: string,
  events: TikTokEvent[],
  testEventCode?: string
): TikTokTrackRequest {
  return {
    event_source: EVENT_SOURCE,
    event_source_id: eventSetId,
    partner_name: PARTNER_NAME,
    ...(testEventCode ? { test_event_code: testEventCode } : {}),
    data: events
  }
}

/**
 * POSTs one `event/track` request through the framework's request client and
 * says what TikTok's answer means. It never throws for an answer: every
 * outcome, transport failures included, is a TikTokAnswer. `secrets` (the
 * access token) are removed from anything the answer quotes.
 */
export async function postTrack(
  request: RequestClient,
  body: TikTokTrackRequest,
  secrets: readonly string[]
): Promise<TikTokAnswer> {
  let response: Awaited<ReturnType<RequestClient>>
  try {
    response = await request(TRACK_URL, {
      method: 'POST',
      json: body,
      throwHttpErrors: false,
      timeout: REQUEST_TIMEOUT_MS
    })
  } catch (error) {
    return transportFailure(error, secrets)
  }
  return readAnswer(response.status, redactSecrets(response.content, secrets))
}
