import type { RequestClient } from '@segment/actions-core'
import type { Settings } from './generated-types'
import { postTrack, trackRequestBody } from './tiktok/client'
import type { Refusal } from './tiktok/answers'
import { readPhoneCountrySetting } from './identity'

export const INVALID_PHONE_COUNTRY_SETTING =
  'defaultPhoneCountry setting: not an ISO 3166 alpha-2 country code this destination knows (choose one from the list, or leave it empty); until it is, phone numbers without a country code are dropped'

/**
 * Checks the credentials against TikTok without recording a conversion: an
 * `event/track` request with no events. TikTok checks the token and its access
 * to the event set before it reads `data`, so a credential problem comes back
 * as 40105 / 40001 (authentication), and good credentials come back as a
 * complaint about the empty `data` (or as accepted). The management endpoint
 * (`offline/get/`) needs an advertiser ID the settings do not have, and whether
 * an Events API token may call it is not documented.
 *
 * Returns undefined when the credentials are good, else what is wrong.
 */
export async function checkCredentials(request: RequestClient, settings: Settings): Promise<Refusal | undefined> {
  if (readPhoneCountrySetting(settings.defaultPhoneCountry).invalidSetting) {
    // Events still go through (the value counts as unset), but saving it should not pass unnoticed.
    return {
      kind: 'invalid',
      status: 400,
      message: INVALID_PHONE_COUNTRY_SETTING
    }
  }
  const answer = await postTrack(request, trackRequestBody(settings.eventSetID, []), [settings.accessToken])
  if (answer.kind === 'accepted') return undefined
  const { refusal } = answer
  // A complaint about the content means the token and event set passed; one naming the event set does not.
  if (refusal.kind === 'invalid' && !/event[_ ]?(source|set)/i.test(refusal.message)) return undefined
  return refusal
}
