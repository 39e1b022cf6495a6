import nock from 'nock'
import { createTestIntegration } from '@segment/actions-core'
import type { JSONArray, SegmentEvent } from '@segment/actions-core'
import definition from '../index'
import { PRESET_EVENTS } from '../presets'
import {
  EVENT_TIME,
  OK,
  ORDER_COMPLETED_CONTENTS,
  ORDER_COMPLETED_PROPERTIES,
  SETTINGS,
  TIKTOK,
  TRACK_PATH,
  USER,
  offlineEvent,
  trackBody
} from './__helpers__/fixtures'

const testDestination = createTestIntegration(definition)

/** For each preset: a realistic spec event and the exact TikTok event it must become. */
const CASES: Record<string, { event: SegmentEvent; expected: Record<string, unknown> }> = {
  'Complete Payment': {
    event: offlineEvent('Order Completed', ORDER_COMPLETED_PROPERTIES),
    expected: {
      event: 'CompletePayment',
      event_time: EVENT_TIME,
      event_id: 'POS-50314', // the order ID: it survives re-syncs, messageIds do not
      user: USER,
      properties: {
        contents: ORDER_COMPLETED_CONTENTS,
        content_type: 'product',
        currency: 'USD',
        value: 25,
        order_id: 'POS-50314',
        shop_id: 'store-sf-01'
      }
    }
  },
  'Place an Order': {
    // An order taken by phone, paid on delivery.
    event: offlineEvent('Order Placed', {
      order_id: 'PHONE-7781',
      shop_id: 'call-centre-02',
      value: 35.5,
      currency: 'gbp',
      products: [
        {
          product_id: 'sku-3003',
          name: 'Wool Scarf',
          category: 'Accessories',
          price: 35.5,
          quantity: 1
        }
      ]
    }),
    expected: {
      event: 'PlaceAnOrder',
      event_time: EVENT_TIME,
      event_id: 'PHONE-7781',
      user: USER,
      properties: {
        contents: [
          {
            price: 35.5,
            quantity: 1,
            content_id: 'sku-3003',
            content_category: 'Accessories',
            content_name: 'Wool Scarf'
          }
        ],
        content_type: 'product',
        currency: 'GBP',
        value: 35.5,
        order_id: 'PHONE-7781',
        shop_id: 'call-centre-02'
      }
    }
  },
  Contact: {
    event: offlineEvent('Callback Started', {
      lead_id: 'lead-7781',
      description: 'Asked about store hours'
    }),
    expected: {
      event: 'Contact',
      event_time: EVENT_TIME,
      event_id: 'msg-callback-started',
      user: { ...USER, lead_id: 'lead-7781' },
      properties: { description: 'Asked about store hours' }
    }
  },
  Subscribe: {
    event: offlineEvent('Subscription Created', {
      value: 9.99,
      currency: 'EUR',
      limited_data_use: false
    }),
    expected: {
      event: 'Subscribe',
      event_time: EVENT_TIME,
      event_id: 'msg-subscription-created',
      user: USER,
      properties: { currency: 'EUR', value: 9.99 },
      limited_data_use: false
    }
  },
  'Submit Form': {
    event: offlineEvent(
      'Form Submitted',
      {},
      {
        context: {
          traits: { email: 'jane.doe@example.com' },
          page: {
            url: 'https://shop.example.com/contact?utm_source=tiktok&ttclid=E.C.P.abc123',
            referrer: 'https://www.tiktok.com/'
          },
          ip: '203.0.113.7',
          userAgent: 'Mozilla/5.0 (Macintosh)',
          locale: 'en-GB'
        }
      }
    ),
    expected: {
      event: 'SubmitForm',
      event_time: EVENT_TIME,
      event_id: 'msg-form-submitted',
      user: {
        email: [USER.email[0]],
        external_id: USER.external_id,
        ttclid: 'E.C.P.abc123',
        ip: '203.0.113.7',
        user_agent: 'Mozilla/5.0 (Macintosh)',
        locale: 'en-GB'
      },
      page: {
        url: 'https://shop.example.com/contact?utm_source=tiktok&ttclid=E.C.P.abc123',
        referrer: 'https://www.tiktok.com/'
      }
    }
  },
  'Complete Registration': {
    event: offlineEvent('Signed Up', { ttclid: 'E.C.P.signup1' }),
    expected: {
      event: 'CompleteRegistration',
      event_time: EVENT_TIME,
      event_id: 'msg-signed-up',
      user: { ...USER, ttclid: 'E.C.P.signup1' }
    }
  },
  'Initiate Checkout': {
    event: offlineEvent('Checkout Started', {
      order_id: 'POS-50314',
      value: 25,
      currency: 'USD',
      products: ORDER_COMPLETED_PROPERTIES.products as JSONArray
    }),
    expected: {
      event: 'InitiateCheckout',
      event_time: EVENT_TIME,
      event_id: 'msg-checkout-started',
      user: USER,
      properties: {
        contents: ORDER_COMPLETED_CONTENTS,
        content_type: 'product',
        currency: 'USD',
        value: 25,
        order_id: 'POS-50314'
      }
    }
  },
  'Add Payment Info': {
    event: offlineEvent('Payment Info Entered', { order_id: 'POS-50314' }),
    expected: {
      event: 'AddPaymentInfo',
      event_time: EVENT_TIME,
      event_id: 'msg-payment-info-entered',
      user: USER,
      properties: { order_id: 'POS-50314' }
    }
  },
  'Add to Cart': {
    event: offlineEvent('Product Added', {
      product_id: 'sku-1001',
      name: 'Organic Cotton Tee',
      category: 'Apparel',
      brand: 'Acme',
      price: 10,
      quantity: 1,
      currency: 'USD',
      value: 10
    }),
    expected: {
      event: 'AddToCart',
      event_time: EVENT_TIME,
      event_id: 'msg-product-added',
      user: USER,
      properties: {
        contents: [
          {
            price: 10,
            quantity: 1,
            content_id: 'sku-1001',
            content_category: 'Apparel',
            content_name: 'Organic Cotton Tee',
            brand: 'Acme'
          }
        ],
        content_type: 'product',
        currency: 'USD',
        value: 10
      }
    }
  },
  'Add to Wishlist': {
    event: offlineEvent('Product Added to Wishlist', {
      product_id: 'sku-2002',
      name: 'Canvas Tote'
    }),
    expected: {
      event: 'AddToWishlist',
      event_time: EVENT_TIME,
      event_id: 'msg-product-added-to-wishlist',
      user: USER,
      properties: {
        contents: [{ content_id: 'sku-2002', content_name: 'Canvas Tote' }],
        content_type: 'product'
      }
    }
  },
  'View Content': {
    event: offlineEvent('Product Viewed', {
      product_id: 'sku-1001',
      currency: 'GBP',
      value: 8
    }),
    expected: {
      event: 'ViewContent',
      event_time: EVENT_TIME,
      event_id: 'msg-product-viewed',
      user: USER,
      properties: {
        contents: [{ content_id: 'sku-1001' }],
        content_type: 'product',
        currency: 'GBP',
        value: 8
      }
    }
  },
  Search: {
    event: offlineEvent('Products Searched', { query: 'running shoes' }),
    expected: {
      event: 'Search',
      event_time: EVENT_TIME,
      event_id: 'msg-products-searched',
      user: USER,
      properties: { query: 'running shoes' }
    }
  }
}

afterEach(() => nock.cleanAll())

describe('every preset sends the exact TikTok request for its Segment spec event', () => {
  test('every preset has a case here', () => {
    expect(Object.keys(CASES).sort()).toEqual(PRESET_EVENTS.map((preset) => preset.name).sort())
  })

  test.each(PRESET_EVENTS.map((preset) => [preset.name, preset] as const))('%s', async (name, preset) => {
    const { event, expected } = CASES[name]
    const mapping = definition.presets?.find((p) => p.name === name)
    if (!mapping || !('mapping' in mapping) || !mapping.mapping) throw new Error(`preset ${name} has no mapping`)
    nock(TIKTOK, {
      reqheaders: {
        'access-token': SETTINGS.accessToken,
        'content-type': 'application/json'
      }
    })
      .post(TRACK_PATH)
      .reply(200, OK)

    const responses = await testDestination.testAction(preset.action, {
      event,
      mapping: mapping.mapping,
      settings: SETTINGS
    })

    expect(responses).toHaveLength(1)
    expect(responses[0].status).toBe(200)
    expect(responses[0].options.json).toEqual(trackBody([expected]))
  })
})

describe('what is absent is left out of the body', () => {
  test('no null, no empty string, no empty object reaches TikTok', async () => {
    nock(TIKTOK).post(TRACK_PATH).reply(200, OK)
    const event = offlineEvent(
      'Callback Started',
      { description: '', order_id: null, products: [], query: '   ' },
      {
        context: {
          traits: { email: 'jane.doe@example.com', phone: '' },
          page: { url: '', referrer: '' }
        },
        userId: null
      }
    )
    const mapping = definition.presets?.find((p) => p.name === 'Contact')
    const responses = await testDestination.testAction('trackNonPaymentOfflineConversion', {
      event,
      mapping: mapping && 'mapping' in mapping ? mapping.mapping : {},
      settings: SETTINGS
    })
    expect(responses[0].options.json).toEqual(
      trackBody([
        {
          event: 'Contact',
          event_time: EVENT_TIME,
          event_id: 'msg-callback-started',
          user: { email: USER.email }
        }
      ])
    )
  })
})
