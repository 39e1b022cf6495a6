import { createTestEvent } from '@segment/actions-core'
import type { JSONObject, SegmentEvent } from '@segment/actions-core'
import type { Settings } from '../../generated-types'

/**
 * Realistic Segment spec events for offline conversions, with fixed IDs so bodies
 * are exact. Times are relative to now: a fixed date would age out of TikTok's
 * 28-day window.
 */

export const SETTINGS: Settings = {
  accessToken: 'test-access-token-0123456789',
  eventSetID: 'ES1234567890',
  defaultPhoneCountry: 'US'
}
export const TIKTOK = 'https://business-api.tiktok.com'
export const TRACK_PATH = '/open_api/v1.3/event/track/'

/** Unix seconds of a whole second `secondsAgo` before now, and the same moment in ISO 8601 (UTC). */
export function secondsAgo(seconds: number): {
  eventTime: number
  timestamp: string
} {
  const eventTime = Math.floor(Date.now() / 1000) - seconds
  return { eventTime, timestamp: new Date(eventTime * 1000).toISOString() }
}

/** Three days before the tests started: well inside TikTok's 28-day window. */
export const { eventTime: EVENT_TIME, timestamp: TIMESTAMP } = secondsAgo(3 * 24 * 3600)

// printf '%s' '<normalized value>' | sha256sum
export const HASH = {
  email: '86e0b9e56c17cc4d12387e1949b85053fbe73bc3ce5a1188713a9d300cc6133d', // jane.doe@example.com
  phone: '9e1919ad78a34fd67a84bfbcf2fea14074065517bea32e92924771c3f92e5462', // +14155550132
  userId: 'fcdec6df4d44dbc637c7c5b58efface52a7f8a88535423430255be0bb89bedd8' // user-123
}

/** A server-side event as a POS or CRM sends it: no browser context, the customer in context.traits. */
export function offlineEvent(
  event: string,
  properties: NonNullable<SegmentEvent['properties']>,
  overrides: Partial<SegmentEvent> = {}
): SegmentEvent {
  return createTestEvent({
    type: 'track',
    event,
    messageId: `msg-${event.toLowerCase().replace(/\s+/g, '-')}`,
    timestamp: TIMESTAMP,
    userId: 'User-123',
    anonymousId: undefined,
    properties,
    context: {
      library: { name: 'analytics-node', version: '6.2.0' },
      traits: { email: ' Jane.Doe@Example.com ', phone: '(415) 555-0132' }
    },
    ...overrides
  })
}

export const ORDER_COMPLETED_PROPERTIES: JSONObject = {
  order_id: 'POS-50314',
  shop_id: 'store-sf-01',
  total: 27.5,
  revenue: 25,
  currency: 'usd',
  products: [
    {
      product_id: 'sku-1001',
      name: 'Organic Cotton Tee',
      category: 'Apparel',
      brand: 'Acme',
      price: 10,
      quantity: 2
    },
    {
      product_id: 'sku-2002',
      name: 'Canvas Tote',
      category: 'Accessories',
      price: 5,
      quantity: 1
    }
  ]
}

export const ORDER_COMPLETED_CONTENTS = [
  {
    price: 10,
    quantity: 2,
    content_id: 'sku-1001',
    content_category: 'Apparel',
    content_name: 'Organic Cotton Tee',
    brand: 'Acme'
  },
  {
    price: 5,
    quantity: 1,
    content_id: 'sku-2002',
    content_category: 'Accessories',
    content_name: 'Canvas Tote'
  }
]

/** The identifiers block every fixture event yields. */
export const USER = {
  email: [HASH.email],
  phone: [HASH.phone],
  external_id: [HASH.userId]
}

export function trackBody(data: unknown[], testEventCode?: string): Record<string, unknown> {
  return {
    event_source: 'offline',
    event_source_id: SETTINGS.eventSetID,
    partner_name: 'Segment',
    ...(testEventCode ? { test_event_code: testEventCode } : {}),
    data
  }
}

export const OK = {
  code: 0,
  message: 'OK',
  request_id: '20261120150405ABCDEF',
  data: {}
}

/** A phone number dropped for want of a country code, as a delivered event's outcome lists it. */
export const droppedWithoutCountry = (index: number) => ({
  field: 'phone_numbers',
  index,
  reason: 'no_country_code',
  message: `phone_numbers[${index}]: no country code and no Default Phone Country`
})
