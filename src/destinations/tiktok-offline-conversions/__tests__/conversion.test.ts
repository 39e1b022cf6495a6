import { toTikTokEvent } from '../conversion'
import type { ConversionPayload } from '../conversion'
import { HASH } from './__helpers__/fixtures'

/**
 * One payload → the exact TikTok event (the `data[]` item TikTok receives) or
 * the 400 the customer reads, with a fixed "now". Hashes and derived event IDs
 * are computed outside the code: printf '%s' '<text>' | sha256sum.
 */

const NOW = Date.UTC(2026, 0, 15, 12) / 1000
const T = Date.UTC(2026, 0, 14, 10, 20, 37) / 1000 // 1768386037
const CONTEXT = { phoneCountry: {}, nowSeconds: NOW }
const BASE: ConversionPayload = {
  event: 'Contact',
  event_id: 'evt-1',
  timestamp: '2026-01-14T10:20:37Z',
  email_addresses: ['jane.doe@example.com']
}

const convert = (payload: Partial<ConversionPayload>, context = CONTEXT) =>
  toTikTokEvent({ ...BASE, ...payload }, context)
const eventOf = (payload: Partial<ConversionPayload>) => convert(payload).event
/** The keys of the event as its JSON in the request body has them, in order. */
const keysSent = (event: object): string[] => Object.keys(JSON.parse(JSON.stringify(event)) as object)

describe('the event TikTok receives', () => {
  test('the smallest event: name, time, ID and a hashed email', () => {
    expect(convert({})).toEqual({
      event: { event: 'Contact', event_time: T, event_id: 'evt-1', user: { email: [HASH.email] } },
      dropped: []
    })
    expect(keysSent(eventOf({}))).toEqual(['event', 'event_time', 'event_id', 'user'])
  })

  test('every field, each in its place', () => {
    const event = eventOf({
      event: 'CompletePayment',
      phone_numbers: ['+1 415 555 0132'],
      external_ids: ['User-123'],
      ttclid: 'E.C.P.click',
      ttp: 'ttp-cookie',
      lead_id: 'lead-7',
      ip: '203.0.113.7',
      user_agent: 'Mozilla/5.0',
      locale: 'en-US',
      url: 'https://shop.example/checkout',
      referrer: 'https://www.tiktok.com/',
      contents: [
        { price: 10, quantity: 2, content_id: 'sku-1', content_category: 'Apparel', content_name: 'Tee', brand: 'Acme' }
      ],
      content_type: 'product',
      currency: 'usd',
      value: 20,
      order_id: 'O-1',
      shop_id: 'store-1',
      query: 'tee',
      description: 'In store',
      limited_data_use: true
    })
    expect(event).toEqual({
      event: 'CompletePayment',
      event_time: T,
      event_id: 'evt-1',
      user: {
        email: [HASH.email],
        phone: [HASH.phone],
        external_id: [HASH.userId],
        ttclid: 'E.C.P.click',
        ttp: 'ttp-cookie',
        lead_id: 'lead-7',
        ip: '203.0.113.7',
        user_agent: 'Mozilla/5.0',
        locale: 'en-US'
      },
      properties: {
        contents: [
          {
            price: 10,
            quantity: 2,
            content_id: 'sku-1',
            content_category: 'Apparel',
            content_name: 'Tee',
            brand: 'Acme'
          }
        ],
        content_type: 'product',
        currency: 'USD',
        value: 20,
        order_id: 'O-1',
        shop_id: 'store-1',
        query: 'tee',
        description: 'In store'
      },
      page: { url: 'https://shop.example/checkout', referrer: 'https://www.tiktok.com/' },
      limited_data_use: true
    })
    // Keys in one order for every event.
    expect(keysSent(event)).toEqual([
      'event',
      'event_time',
      'event_id',
      'user',
      'properties',
      'page',
      'limited_data_use'
    ])
  })

  test('limited_data_use: false is sent; absent is not, nor anything but a boolean (hosts that skip validation)', () => {
    expect(eventOf({ limited_data_use: false }).limited_data_use).toBe(false)
    expect(keysSent(eventOf({}))).not.toContain('limited_data_use')
    expect(keysSent(eventOf({ limited_data_use: 'yes' as unknown as boolean }))).not.toContain('limited_data_use')
  })

  test('a referrer alone is a page', () => {
    expect(eventOf({ referrer: 'https://www.tiktok.com/' }).page).toEqual({ referrer: 'https://www.tiktok.com/' })
  })

  test('empty values are left out, down to the whole block', () => {
    const event = eventOf({
      ttp: '',
      lead_id: '  ',
      url: '',
      referrer: '',
      order_id: '',
      description: ' ',
      external_ids: []
    })
    expect(event).toEqual({ event: 'Contact', event_time: T, event_id: 'evt-1', user: { email: [HASH.email] } })
    expect(keysSent(event)).toEqual(['event', 'event_time', 'event_id', 'user'])
  })

  test('every optional text field left blank is no key at all, not even one holding undefined', () => {
    const blank = ' '
    const event = eventOf({
      ttclid: blank,
      ttp: blank,
      lead_id: blank,
      ip: blank,
      user_agent: blank,
      locale: blank,
      url: blank,
      referrer: blank,
      order_id: blank,
      shop_id: blank,
      query: blank,
      description: blank
    })
    expect(event).toStrictEqual({ event: 'Contact', event_time: T, event_id: 'evt-1', user: { email: [HASH.email] } })
    expect(eventOf({ content_type: blank, contents: [{ content_id: 'g' }] }).properties).toStrictEqual({
      contents: [{ content_id: 'g' }]
    })
  })
})

describe('ttclid: the mapped one, else the page URL’s', () => {
  test.each([
    ['the mapped one wins', 'E.C.P.mapped', 'https://shop.example/?ttclid=E.C.P.url', 'E.C.P.mapped'],
    [
      'else the URL’s ttclid parameter',
      undefined,
      'https://shop.example/p?utm_source=tiktok&ttclid=E.C.P.url',
      'E.C.P.url'
    ],
    ['an empty mapped one counts as none', '', 'https://shop.example/?ttclid=E.C.P.url', 'E.C.P.url'],
    ['a URL without it: none', undefined, 'https://shop.example/p?utm_source=tiktok', undefined],
    ['an empty parameter: none', undefined, 'https://shop.example/p?ttclid=', undefined],
    ['a URL that does not parse: none, and no error', undefined, 'not a url ?ttclid=E.C.P.url', undefined]
  ])('%s', (_, ttclid, url, expected) => {
    expect(eventOf({ ttclid, url }).user.ttclid).toBe(expected)
  })
})

describe('event_id: the mapping’s, else derived from the content', () => {
  test('the mapping’s is trimmed', () => {
    expect(eventOf({ event_id: '  order-7  ' }).event_id).toBe('order-7')
  })

  test.each([[undefined], [''], ['   ']])('none given (%j): a SHA-256 of the event, the same every time', (eventId) => {
    // printf '%s' '{"event_time":1768386037,"event":"Contact","user":{"email":["<HASH.email>"]}}' | sha256sum
    expect(eventOf({ event_id: eventId }).event_id).toBe(
      '8e57802d038386ae30350e61c76b0b51e5029e8900ac57909107bb3722dfce72'
    )
  })

  test('derived from the name, time, user, properties, page and limited data use, in that order', () => {
    const event = eventOf({
      event: 'CompletePayment',
      event_id: undefined,
      ttclid: 'E.C.P.abc',
      currency: 'USD',
      value: 10,
      order_id: 'O-1',
      url: 'https://shop.example/p',
      limited_data_use: false
    })
    // printf '%s' '{"event_time":1768386037,"event":"CompletePayment","user":{"email":["<HASH.email>"],"ttclid":"E.C.P.abc"},
    //   "properties":{"currency":"USD","value":10,"order_id":"O-1"},"page":{"url":"https://shop.example/p"},"limited_data_use":false}' | sha256sum
    expect(event.event_id).toBe('f8ba4f85710d17ccca75f6480c5d65c18bbf63bff96b36c238709520a68cc119')
  })

  test('without a timestamp, the time of sending is left out of it: a re-send later gets the same ID', () => {
    const first = convert({ event_id: undefined, timestamp: undefined }, { phoneCountry: {}, nowSeconds: NOW })
    const later = convert({ event_id: undefined, timestamp: undefined }, { phoneCountry: {}, nowSeconds: NOW + 3600 })
    expect(first.event.event_time).toBe(NOW)
    expect(later.event.event_time).toBe(NOW + 3600)
    // printf '%s' '{"event":"Contact","user":{"email":["<HASH.email>"]}}' | sha256sum
    expect(first.event.event_id).toBe('fee737ac981f9e8ff34f6208eedd19badc39dc46da44d474a473e5e0dab654b6')
    expect(later.event.event_id).toBe(first.event.event_id)
  })

  test('with a timestamp, two events at different times get different IDs', () => {
    const at = (timestamp: string) => eventOf({ event_id: undefined, timestamp }).event_id
    expect(at('2026-01-14T10:20:37Z')).not.toBe(at('2026-01-14T10:20:38Z'))
  })
})

describe('value, currency and products', () => {
  test.each([
    [' usd ', 'USD'],
    ['eur', 'EUR'],
    ['GBP', 'GBP']
  ])('currency %j is sent as %s', (currency, expected) => {
    expect(eventOf({ currency, value: 1 }).properties).toEqual({ currency: expected, value: 1 })
  })

  test.each([['USDX'], ['XUSD'], ['U$D'], ['1USD'], ['us d']])('currency %j is refused', (currency) => {
    expect(() => convert({ currency })).toThrow('currency: must be a 3-letter ISO 4217 code, such as USD')
  })

  test('a blank currency is no currency', () => {
    expect(eventOf({ currency: '  ' }).properties).toBeUndefined()
    expect(() => convert({ currency: '  ', value: 5 })).toThrow(
      'currency: required when value is given; TikTok reports a value only with its ISO 4217 currency code'
    )
  })

  test('a currency without a value is sent', () => {
    expect(eventOf({ currency: 'usd' }).properties).toEqual({ currency: 'USD' })
  })

  test('value 0 needs its currency too', () => {
    expect(() => convert({ value: 0 })).toThrow('currency: required when value is given')
  })

  // Hosts that skip actions-core's schema validation can hand over anything.
  test.each([
    ['negative', -1],
    ['not a number', Number.NaN],
    ['infinite', Number.POSITIVE_INFINITY],
    ['text', '12' as unknown as number]
  ])('a value that is %s is refused naming value', (_, value) => {
    expect(() => convert({ value, currency: 'USD' })).toThrow('value: must be a number, 0 or more')
  })

  test.each([
    ['price', { price: Number.NaN }, 'contents[0].price: must be a number, 0 or more'],
    ['quantity', { quantity: Number.POSITIVE_INFINITY }, 'contents[0].quantity: must be a number, 0 or more'],
    ['price', { price: -0.01 }, 'contents[0].price: must be a number, 0 or more'],
    ['quantity', { quantity: -1 }, 'contents[0].quantity: must be a number, 0 or more']
  ])('a product %s that is not a number, 0 or more, is refused naming it', (_, product, message) => {
    expect(() => convert({ contents: [product] })).toThrow(message)
  })

  test('products keep their order and positions; one with nothing of value is left out and said so', () => {
    const { event, dropped } = convert({
      contents: [
        { content_id: 'a', quantity: 0 },
        { content_name: '', brand: ' ' },
        null as unknown as { content_id: string },
        { price: 0 }
      ]
    })
    expect(event.properties).toEqual({ contents: [{ content_id: 'a', quantity: 0 }, { price: 0 }] })
    expect(dropped).toEqual([
      { field: 'contents', index: 1, reason: 'empty_product', message: 'contents[1]: no product field has a value' },
      { field: 'contents', index: 2, reason: 'empty_product', message: 'contents[2]: no product field has a value' }
    ])
  })

  test('content_type is sent only with contents', () => {
    expect(eventOf({ content_type: 'product' }).properties).toBeUndefined()
    expect(eventOf({ content_type: 'product', contents: [{}] }).properties).toBeUndefined()
    expect(eventOf({ content_type: 'product_group', contents: [{ content_id: 'g' }] }).properties).toEqual({
      contents: [{ content_id: 'g' }],
      content_type: 'product_group'
    })
  })
})

describe('what was dropped, in field order', () => {
  test('emails, then phones, then external IDs, then products', () => {
    const { dropped } = convert({
      email_addresses: ['n/a', 'jane.doe@example.com'],
      phone_numbers: ['201-555-0123'],
      external_ids: [true as unknown as string],
      contents: [{}]
    })
    expect(dropped).toEqual([
      {
        field: 'email_addresses',
        index: 0,
        reason: 'not_an_email',
        message: 'email_addresses[0]: not an email address'
      },
      {
        field: 'phone_numbers',
        index: 0,
        reason: 'no_country_code',
        message: 'phone_numbers[0]: no country code and no Default Phone Country'
      },
      { field: 'external_ids', index: 0, reason: 'not_text', message: 'external_ids[0]: not text or a number' },
      { field: 'contents', index: 0, reason: 'empty_product', message: 'contents[0]: no product field has a value' }
    ])
  })

  test('the Default Phone Country of the context is used', () => {
    const { event, dropped } = convert(
      { phone_numbers: ['(415) 555-0132'] },
      { phoneCountry: { country: 'US' }, nowSeconds: NOW }
    )
    expect(event.user.phone).toEqual([HASH.phone])
    expect(dropped).toEqual([])
  })
})

describe('refusals, checked in the order the customer reads them', () => {
  test('the event name first', () => {
    expect(() => convert({ event: 'Purchase', timestamp: 'yesterday', email_addresses: [] })).toThrow(
      /^event: not a TikTok offline standard event/
    )
  })

  test('then the matching keys, with what was dropped from any field', () => {
    expect(() => convert({ email_addresses: ['n/a'], contents: [{}], timestamp: 'yesterday' })).toThrow(
      'email_addresses, phone_numbers: no usable email address or phone number; TikTok matches offline events by email or phone only, so an external ID alone cannot be matched (dropped: email_addresses[0]: not an email address; contents[0]: no product field has a value)'
    )
  })

  test('then the time', () => {
    expect(() => convert({ timestamp: 'yesterday', currency: 'dollars' })).toThrow(/^timestamp: must be/)
  })

  test('a phone alone is a matching key', () => {
    expect(eventOf({ email_addresses: undefined, phone_numbers: ['+1 415 555 0132'] }).user).toEqual({
      phone: [HASH.phone]
    })
  })
})

describe('the reason code of each refusal, in its body', () => {
  /** The body of the EventRefusal `run` throws. */
  const refusalBody = (run: () => unknown): unknown => {
    try {
      run()
    } catch (error) {
      return (error as { body?: unknown }).body
    }
    throw new Error('no refusal')
  }

  test.each([
    ['a value without its currency', { value: 5 }, { reason: 'currency_required', field: 'currency' }],
    ['a negative value', { value: -1, currency: 'USD' }, { reason: 'invalid_amount', field: 'value' }],
    ['an event name offline sets refuse', { event: 'Purchase' }, { reason: 'not_an_offline_event', field: 'event' }]
  ])('%s: %j', (_, payload, body) => {
    expect(refusalBody(() => convert(payload as Partial<ConversionPayload>))).toEqual(body)
  })
})
