import { InvalidAuthenticationError, IntegrationError } from '@segment/actions-core'
import type { DestinationDefinition } from '@segment/actions-core'
import type { Settings } from './generated-types'
import trackPaymentOfflineConversion from './trackPaymentOfflineConversion'
import trackNonPaymentOfflineConversion from './trackNonPaymentOfflineConversion'
import reportOfflineEvent from './reportOfflineEvent'
import { presets } from './presets'
import { checkCredentials } from './credentials'
import { PHONE_COUNTRIES } from './phone-countries'

const destination: DestinationDefinition<Settings> = {
  name: 'TikTok Offline Conversions',
  slug: 'actions-tiktok-offline-conversions',
  mode: 'cloud',
  description:
    'Tell TikTok which ads led to purchases in store, orders by phone, subscriptions and form sign-ups. Segment events become TikTok offline events; emails, phone numbers and external IDs are normalized and SHA-256 hashed before they are sent.',
  authentication: {
    scheme: 'custom',
    fields: {
      accessToken: {
        label: 'Access Token',
        type: 'password',
        required: true,
        description:
          'The Events API access token. In TikTok Events Manager, open your offline event set, go to Settings and generate an access token under Events API.'
      },
      eventSetID: {
        label: 'Event Set ID',
        type: 'string',
        required: true,
        description:
          'The ID of your offline event set. In TikTok Events Manager, open Data Sources, choose the offline event set, and copy its ID (shown under its name).'
      },
      defaultPhoneCountry: {
        label: 'Default Phone Country',
        type: 'string',
        description:
          'The country of phone numbers written without a country code (without + or 00): they are read as national numbers of this country. When empty, such numbers cannot be put in international form and are dropped (each event says so); numbers with a country code are always read as written.',
        choices: PHONE_COUNTRIES.map(([code, name]) => ({
          label: `${name} (${code})`,
          value: code
        }))
      }
    },
    testAuthentication: async (request, { settings }) => {
      const problem = await checkCredentials(request, settings)
      if (problem?.kind === 'authentication') throw new InvalidAuthenticationError(problem.message)
      if (problem) throw new IntegrationError(problem.message, 'CREDENTIALS_NOT_VERIFIED', problem.status)
    }
  },
  // actions-core sets Content-Type: application/json on the JSON bodies it sends.
  extendRequest: ({ settings }) => ({ headers: { 'Access-Token': settings.accessToken } }),
  presets,
  actions: {
    trackPaymentOfflineConversion,
    trackNonPaymentOfflineConversion,
    reportOfflineEvent
  }
}

export default destination
