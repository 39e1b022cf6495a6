import type { InputField } from '@segment/actions-core'
import destination from '../index'

/**
 * The existing TikTok Offline Conversions destination's public contract, as
 * facts (from its metadata as Segment's generator writes it). Workspaces have
 * settings, mappings and subscriptions saved against these keys: every key must
 * still exist, with the same type, and nothing may be required that was not.
 */
const EXISTING_SETTINGS = {
  accessToken: { type: 'password', required: true },
  eventSetID: { type: 'string', required: true }
} as const

/** The same 24 fields in each of its three actions; only `event` required. */
const EXISTING_FIELDS: Record<string, { type: string; multiple?: true; required?: true }> = {
  event: { type: 'string', required: true },
  event_id: { type: 'string' },
  timestamp: { type: 'string' },
  phone_numbers: { type: 'string', multiple: true },
  email_addresses: { type: 'string', multiple: true },
  order_id: { type: 'string' },
  shop_id: { type: 'string' },
  external_ids: { type: 'string', multiple: true },
  ttclid: { type: 'string' },
  ttp: { type: 'string' },
  lead_id: { type: 'string' },
  locale: { type: 'string' },
  url: { type: 'string' },
  referrer: { type: 'string' },
  ip: { type: 'string' },
  user_agent: { type: 'string' },
  contents: { type: 'object', multiple: true },
  content_type: { type: 'string' },
  currency: { type: 'string' },
  value: { type: 'number' },
  description: { type: 'string' },
  query: { type: 'string' },
  limited_data_use: { type: 'boolean' },
  test_event_code: { type: 'string' }
}

const EXISTING_CONTENT_PROPERTIES: Record<string, string> = {
  price: 'number',
  quantity: 'number',
  content_category: 'string',
  content_id: 'string',
  content_name: 'string',
  brand: 'string'
}

/** reportOfflineEvent ("Track Offline Conversion") is the action all 15 of its presets use. */
const EXISTING_ACTIONS = ['trackPaymentOfflineConversion', 'trackNonPaymentOfflineConversion', 'reportOfflineEvent']

const settings = destination.authentication?.fields ?? {}
const isRequired = (field: Pick<InputField, 'required'>): boolean => field.required === true

describe("the existing destination's settings, actions and fields keep working", () => {
  test.each(Object.entries(EXISTING_SETTINGS))('setting %s exists with its type', (key, existing) => {
    expect(settings[key]).toMatchObject({ type: existing.type })
  })

  test('no setting is required that was not', () => {
    const required = Object.entries(settings)
      .filter(([, setting]) => isRequired(setting))
      .map(([key]) => key)
    expect(required.filter((key) => !(key in EXISTING_SETTINGS))).toEqual([])
  })

  test.each(EXISTING_ACTIONS)('action %s exists', (key) => {
    expect(Object.keys(destination.actions)).toContain(key)
  })

  describe.each(EXISTING_ACTIONS)('%s', (actionKey) => {
    const fields = (): Record<string, InputField> => destination.actions[actionKey]?.fields ?? {}

    test.each(Object.entries(EXISTING_FIELDS))('field %s exists with its type and multiplicity', (key, existing) => {
      const field = fields()[key]
      expect({
        key,
        type: field?.type,
        multiple: field?.multiple === true
      }).toEqual({
        key,
        type: existing.type,
        multiple: existing.multiple === true
      })
    })

    test('no field is required that was not', () => {
      const required = Object.entries(fields())
        .filter(([, field]) => isRequired(field))
        .map(([key]) => key)
      const newlyRequired = required.filter((key) => EXISTING_FIELDS[key]?.required !== true)
      expect(newlyRequired).toEqual([])
    })

    test('the contents properties keep their keys and types, none required', () => {
      const properties = fields().contents?.properties ?? {}
      for (const [key, type] of Object.entries(EXISTING_CONTENT_PROPERTIES)) {
        expect({
          key,
          type: properties[key]?.type,
          required: isRequired(properties[key] ?? {})
        }).toEqual({
          key,
          type,
          required: false
        })
      }
    })
  })
})
