import { createTestEvent, createTestIntegration } from '@segment/actions-core'
import type { SegmentEvent } from '@segment/actions-core'
import nock from 'nock'
import destination from '../index'
import type { Settings } from '../generated-types'
import type { Payload } from '../reportOfflineEvent/generated-types'

/**
 * What every action sends to TikTok, as snapshots of the JSON request body: a
 * change to the destination shows in the diff of
 * `__snapshots__/snapshot.test.ts.snap`. After an intended change:
 * `npx jest -u src/destinations/tiktok-offline-conversions/__tests__/snapshot.test.ts`
 * (in Segment's monorepo: `yarn cloud jest -u <this file>`), then read the diff.
 *
 * Unlike the monorepo's template (random data from `lib/test-data`), the data is
 * fixed and valid under TikTok's offline rules, and the clock is pinned: the
 * event time lies inside the 28-day window of the pinned clock, so the snapshots
 * never age out, and the event ID the destination derives when none is mapped is
 * the same on every run.
 */

const testDestination = createTestIntegration(destination)
const destinationSlug = 'actions-tiktok-offline-conversions'

/** The pinned clock: 2026-01-15T12:00:00Z. */
const FIXED_NOW_MS = Date.UTC(2026, 0, 15, 12, 0, 0)
/** Three days before the pinned clock: inside TikTok's 28-day window. */
const EVENT_TIMESTAMP = '2026-01-12T09:30:00.000Z'

/** Fake credentials: the Access-Token header in the snapshots is this test token. */
const REQUIRED_SETTINGS: Settings = {
  accessToken: 'test-access-token-snapshot',
  eventSetID: 'ES0000000000000000001'
}
const ALL_SETTINGS: Settings = { ...REQUIRED_SETTINGS, defaultPhoneCountry: 'US' }

/** TikTok's answer to an accepted request. */
const TIKTOK_OK = { code: 0, message: 'OK', request_id: '20260115120000SNAPSHOT', data: {} }

/**
 * The TikTok event an action sends by default. reportOfflineEvent has none:
 * CompletePayment, as the existing destination's Complete Payment preset sent on it.
 */
function eventNameOf(actionSlug: string): string {
  const byDefault = destination.actions[actionSlug].fields.event.default
  return typeof byDefault === 'string' ? byDefault : 'CompletePayment'
}

/** A Segment event with every part fixed (createTestEvent would add a random messageId and the time of now). */
function segmentEvent(event: Partial<SegmentEvent>): SegmentEvent {
  return createTestEvent({
    type: 'track',
    event: 'Order Completed',
    timestamp: EVENT_TIMESTAMP,
    receivedAt: EVENT_TIMESTAMP,
    sentAt: EVENT_TIMESTAMP,
    anonymousId: undefined,
    userId: undefined,
    traits: {},
    context: {},
    properties: {},
    ...event
  })
}

/**
 * Every field of the actions (they share their fields), mapped to a fixed, valid
 * value: a standard offline event, a phone written with + and its country code,
 * prices, quantities and value 0 or more, a 3-letter currency.
 */
function allFields(actionSlug: string): Required<Payload> {
  return {
    event: eventNameOf(actionSlug),
    event_id: 'POS-50314',
    timestamp: EVENT_TIMESTAMP,
    phone_numbers: ['+1 (415) 555-0132'],
    email_addresses: [' Jane.Doe@Example.com '],
    external_ids: ['CRM-0042'],
    order_id: 'POS-50314',
    shop_id: 'store-sf-01',
    ttclid: 'E.C.P.snapshot-click-id',
    ttp: 'snapshot-ttp-cookie',
    lead_id: '7300000000000000001',
    locale: 'en-US',
    url: 'https://shop.example.com/checkout',
    referrer: 'https://www.tiktok.com/',
    ip: '203.0.113.7',
    user_agent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)',
    contents: [
      {
        price: 10,
        quantity: 2,
        content_category: 'Apparel',
        content_id: 'sku-1001',
        content_name: 'Organic Cotton Tee',
        brand: 'Acme'
      },
      {
        price: 5,
        quantity: 1,
        content_category: 'Accessories',
        content_id: 'sku-2002',
        content_name: 'Canvas Tote',
        brand: 'Acme'
      }
    ],
    content_type: 'product',
    currency: 'usd',
    value: 27.5,
    query: 'cotton tee',
    description: 'In-store purchase at the San Francisco store',
    limited_data_use: false,
    test_event_code: 'TEST12345',
    enable_batching: true,
    batch_size: 1000
  }
}

/** The JSON body TikTok receives. */
async function sentBody(response: { request: { text(): Promise<string> } }): Promise<unknown> {
  return JSON.parse(await response.request.text())
}

/** Method, URL and headers of a request, as a plain object. */
function requestLine(request: {
  method: string
  url: string
  headers: { forEach(callback: (value: string, name: string) => void): void }
}) {
  const headers: Record<string, string> = {}
  request.headers.forEach((value, name) => {
    headers[name] = value
  })
  return { method: request.method, url: request.url, headers }
}

beforeEach(() => {
  jest.spyOn(Date, 'now').mockReturnValue(FIXED_NOW_MS)
  nock.disableNetConnect()
  nock(/.*/).persist().post(/.*/).reply(200, TIKTOK_OK)
})

afterEach(() => {
  jest.restoreAllMocks()
  nock.cleanAll()
  nock.enableNetConnect()
})

describe(`Testing snapshot for ${destinationSlug} destination:`, () => {
  for (const actionSlug in destination.actions) {
    /*
     * "Required" is what the action requires (`event`, its only required field)
     * plus the one identifier TikTok's offline rules require: an event without an
     * email address or a phone number is refused, since TikTok cannot match it.
     * Without a timestamp, the event time is the (pinned) time of sending, and
     * without an event ID, one is derived from the event's content.
     */
    it(`${actionSlug} action - required fields`, async () => {
      const event = segmentEvent({ messageId: 'snapshot-required', properties: { email: 'jane.doe@example.com' } })

      const responses = await testDestination.testAction(actionSlug, {
        event,
        mapping: {
          event: eventNameOf(actionSlug),
          email_addresses: { '@path': '$.properties.email' }
        },
        settings: REQUIRED_SETTINGS
      })

      expect(responses).toHaveLength(1)
      expect(await sentBody(responses[0])).toMatchSnapshot()
      // The same for every case: the endpoint and headers (the access token is the fake one above).
      expect(requestLine(responses[0].request)).toMatchSnapshot()
    })

    it(`${actionSlug} action - all fields`, async () => {
      const mapping = allFields(actionSlug)
      // Every field of the action is in the mapping: a new field must be added here, and shows in the snapshot.
      expect(Object.keys(mapping).sort()).toEqual(Object.keys(destination.actions[actionSlug].fields).sort())
      const event = segmentEvent({ messageId: 'snapshot-all-fields' })

      const responses = await testDestination.testAction(actionSlug, {
        event,
        mapping: { ...mapping },
        settings: ALL_SETTINGS
      })

      expect(responses).toHaveLength(1)
      expect(await sentBody(responses[0])).toMatchSnapshot()
    })

    /*
     * Two Segment events in one batch through the action's default mappings
     * (only `event` given, the TikTok event of both): what the defaults read
     * from a POS order (email, products, order ID, the ttclid of the page URL)
     * and from an event with nothing but a phone in context.traits, in one request.
     */
    it(`${actionSlug} action - batch, default mappings`, async () => {
      const order = segmentEvent({
        messageId: 'snapshot-batch-order',
        userId: 'user-123',
        properties: {
          order_id: 'POS-50315',
          shop_id: 'store-sf-01',
          total: 27.5,
          revenue: 25,
          currency: 'usd',
          email: 'jane.doe@example.com',
          products: [
            {
              product_id: 'sku-1001',
              name: 'Organic Cotton Tee',
              category: 'Apparel',
              brand: 'Acme',
              price: 10,
              quantity: 2
            },
            { product_id: 'sku-2002', name: 'Canvas Tote', category: 'Accessories', price: 5, quantity: 1 }
          ]
        },
        context: {
          ip: '203.0.113.7',
          locale: 'en-US',
          userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)',
          page: { url: 'https://shop.example.com/checkout?ttclid=E.C.P.snapshot-click-id', referrer: '' }
        }
      })
      const phoneOnly = segmentEvent({
        messageId: 'snapshot-batch-phone-only',
        timestamp: '2026-01-14T16:45:10Z',
        context: { traits: { phone: '+44 20 7946 0958' } }
      })

      const responses = await testDestination.testBatchAction(actionSlug, {
        events: [order, phoneOnly],
        mapping: { event: eventNameOf(actionSlug) },
        useDefaultMappings: true,
        settings: REQUIRED_SETTINGS
      })

      expect(responses).toHaveLength(1)
      expect(await sentBody(responses[0])).toMatchSnapshot()
    })
  }
})
