import nock from 'nock'
import { createTestIntegration } from '@segment/actions-core'
import type { SegmentEvent } from '@segment/actions-core'
import definition from '../index'
import { presets } from '../presets'
import { redactPersonalData } from '../privacy'
import { checkCredentials } from '../credentials'
import { readEventName } from '../offline-rules'
import {
  EVENT_TIME,
  OK,
  ORDER_COMPLETED_PROPERTIES,
  SETTINGS,
  TIKTOK,
  TRACK_PATH,
  USER,
  droppedWithoutCountry,
  offlineEvent,
  trackBody
} from './__helpers__/fixtures'

const testDestination = createTestIntegration(definition)
const PAYMENT = 'trackPaymentOfflineConversion'
const NON_PAYMENT = 'trackNonPaymentOfflineConversion'

function presetMapping(name: string) {
  const preset = presets.find((p) => p.name === name)
  if (!preset || !('mapping' in preset) || !preset.mapping) throw new Error(`no preset ${name}`)
  return preset.mapping
}

const sendPayment = (event: SegmentEvent, settings = SETTINGS) =>
  testDestination.testAction(PAYMENT, {
    event,
    mapping: presetMapping('Complete Payment'),
    settings
  })
const sendContact = (event: SegmentEvent, settings = SETTINGS) =>
  testDestination.testAction(NON_PAYMENT, {
    event,
    mapping: presetMapping('Contact'),
    settings
  })

/** The one TikTok event the request carried. */
async function sentEvent(send: () => Promise<unknown>): Promise<Record<string, unknown>> {
  let body: { data: Record<string, unknown>[] } | undefined
  nock(TIKTOK)
    .post(TRACK_PATH, (b: { data: Record<string, unknown>[] }) => {
      body = b
      return true
    })
    .reply(200, OK)
  await send()
  if (!body) throw new Error('nothing was sent')
  return body.data[0]
}

beforeEach(() => nock.disableNetConnect())
afterEach(() => {
  nock.cleanAll()
  nock.enableNetConnect()
})

describe('matching keys: an event needs an email address or a phone number', () => {
  test('an external ID alone is refused naming email_addresses and phone_numbers, and nothing is sent', async () => {
    const event = offlineEvent('Callback Started', {}, { userId: 'User-123', context: { traits: {} } })
    await expect(sendContact(event)).rejects.toMatchObject({
      name: 'PayloadValidationError',
      status: 400,
      message:
        'email_addresses, phone_numbers: no usable email address or phone number; TikTok matches offline events by email or phone only, so an external ID alone cannot be matched'
    })
    expect(nock.pendingMocks()).toEqual([])
  })

  test('the refusal says what was dropped from them, by position, without the values', async () => {
    const event = offlineEvent('Callback Started', {}, { context: { traits: { email: 'n/a', phone: '201-555-0123' } } })
    const settings = {
      accessToken: SETTINGS.accessToken,
      eventSetID: SETTINGS.eventSetID
    }
    await expect(sendContact(event, settings)).rejects.toMatchObject({
      status: 400,
      message:
        'email_addresses, phone_numbers: no usable email address or phone number; TikTok matches offline events by email or phone only, so an external ID alone cannot be matched (dropped: email_addresses[0]: not an email address; phone_numbers[0]: no country code and no Default Phone Country)'
    })
  })

  test('a phone alone is enough; external IDs given alongside are still sent, hashed', async () => {
    const phoneOnly = offlineEvent(
      'Callback Started',
      {},
      { userId: null, context: { traits: { phone: '415-555-0132' } } }
    )
    expect(await sentEvent(() => sendContact(phoneOnly))).toEqual({
      event: 'Contact',
      event_time: EVENT_TIME,
      event_id: 'msg-callback-started',
      user: { phone: USER.phone }
    })
    const withUserId = offlineEvent('Callback Started', {}, { context: { traits: { phone: '415-555-0132' } } })
    expect((await sentEvent(() => sendContact(withUserId))).user).toEqual({
      phone: USER.phone,
      external_id: USER.external_id
    })
  })

  test('properties win over context.traits, which win over traits', async () => {
    const event = offlineEvent(
      'Callback Started',
      { email: 'jane.doe@example.com' },
      {
        userId: null,
        context: { traits: { email: 'other@example.com' } },
        traits: { email: 'third@example.com' }
      }
    )
    expect((await sentEvent(() => sendContact(event))).user).toEqual({
      email: USER.email
    })
    const fromTraits = offlineEvent(
      'Callback Started',
      {},
      { userId: null, context: {}, traits: { email: 'JANE.DOE@example.com' } }
    )
    expect((await sentEvent(() => sendContact(fromTraits))).user).toEqual({
      email: USER.email
    })
  })
})

describe('phones: read as written with + or 00, else in the Default Phone Country, never guessed', () => {
  const NO_COUNTRY_SETTINGS = {
    accessToken: SETTINGS.accessToken,
    eventSetID: SETTINGS.eventSetID
  }

  test.each([['201-555-0123'], ['(321) 555-0123']])(
    'without the setting, %j is dropped (not read as +20 or +32), and the delivered event says so',
    async (phone) => {
      const event = offlineEvent(
        'Callback Started',
        {},
        { context: { traits: { email: 'jane.doe@example.com', phone } } }
      )
      nock(TIKTOK).post(TRACK_PATH).reply(200, OK)
      const [response] = await sendContact(event, NO_COUNTRY_SETTINGS)
      const sent = (response.options.json as { data: Record<string, unknown>[] }).data[0]
      expect(sent.user).toEqual({
        email: USER.email,
        external_id: USER.external_id
      })
      const results = testDestination.results
      expect(results[results.length - 1].data).toEqual({
        code: 0,
        message: 'OK',
        request_id: OK.request_id,
        dropped: [droppedWithoutCountry(0)]
      })
    }
  )

  test('with the setting, the same number is read as a national number of that country', async () => {
    const event = offlineEvent('Callback Started', {}, { userId: null, context: { traits: { phone: '201-555-0123' } } })
    expect((await sentEvent(() => sendContact(event, { ...SETTINGS, defaultPhoneCountry: 'US' }))).user).toEqual({
      phone: ['e7e096141fe6290f8c04e20b51a686070a9c40f7f304667849b430645aaaf07d'] // printf +12015550123 | sha256sum
    })
  })

  test('a Default Phone Country outside the choices (saved through an API) counts as unset: events still go, each says so', async () => {
    const event = offlineEvent(
      'Callback Started',
      {},
      {
        context: {
          traits: { email: 'jane.doe@example.com', phone: '201-555-0123' }
        }
      }
    )
    nock(TIKTOK).post(TRACK_PATH).reply(200, OK)
    await sendContact(event, { ...SETTINGS, defaultPhoneCountry: 'xq8Zr' })
    const results = testDestination.results
    expect(results[results.length - 1].data).toMatchObject({
      dropped: [
        {
          field: 'phone_numbers',
          index: 0,
          reason: 'invalid_phone_country_setting',
          message:
            'phone_numbers[0]: no country code, and the Default Phone Country setting is not a country code this destination knows'
        }
      ]
    })
  })
})

describe('event_time: ISO 8601 (UTC without an offset) or Unix time, from 28 days ago to 5 minutes ahead', () => {
  const NOW = Math.floor(Date.now() / 1000)
  const DAY = 24 * 3600
  /** `2026-11-26T10:00:00` and its parts, for an instant `secondsAgo` before now (whole minutes). */
  const isoParts = (secondsAgo: number) => {
    const eventTime = Math.floor((NOW - secondsAgo) / 60) * 60
    const iso = new Date(eventTime * 1000).toISOString()
    return { eventTime, date: iso.slice(0, 10), time: iso.slice(11, 16) }
  }
  const { eventTime: T, date, time } = isoParts(2 * DAY)

  test.each([
    ['ISO 8601 with Z', `${date}T${time}:00Z`, T],
    ['ISO 8601 without an offset is UTC', `${date}T${time}:00`, T],
    ['without seconds', `${date}T${time}`, T],
    ['with fractional seconds', `${date}T${time}:00.987654Z`, T],
    ['with a space and lowercase z', `${date} ${time}:00z`, T],
    ['an offset with a colon', `${date}T${time}:00+01:30`, T - 5400],
    ['an offset without a colon', `${date}T${time}:00-0500`, T + 5 * 3600],
    ['Unix seconds', String(T), T],
    ['Unix milliseconds', String(T * 1000 + 999), T]
  ])('%s', async (_, timestamp, expected) => {
    const event = offlineEvent('Callback Started', {}, { timestamp })
    expect((await sentEvent(() => sendContact(event))).event_time).toBe(expected)
  })

  test("an ISO 8601 time without an offset does not depend on the machine's time zone", async () => {
    const saved = process.env.TZ
    try {
      process.env.TZ = 'America/Los_Angeles'
      const event = offlineEvent('Callback Started', {}, { timestamp: `${date}T${time}:00` })
      expect((await sentEvent(() => sendContact(event))).event_time).toBe(T)
    } finally {
      if (saved === undefined) delete process.env.TZ
      else process.env.TZ = saved
    }
  })

  test('a number of seconds mapped from a property is read as seconds', async () => {
    const event = offlineEvent('Callback Started', { called_at: T })
    const send = () =>
      testDestination.testAction(NON_PAYMENT, {
        event,
        mapping: {
          ...presetMapping('Contact'),
          timestamp: { '@path': '$.properties.called_at' }
        },
        settings: SETTINGS
      })
    expect((await sentEvent(send)).event_time).toBe(T)
  })

  test.each([[undefined], ['   ']])('a missing or blank timestamp (%j) means now', async (timestamp) => {
    const before = Math.floor(Date.now() / 1000)
    const event = offlineEvent('Callback Started', {}, {})
    const { timestamp: _mapped, ...mapping } = presetMapping('Contact')
    const send = () =>
      testDestination.testAction(NON_PAYMENT, {
        event,
        mapping: timestamp === undefined ? mapping : { ...mapping, timestamp },
        settings: SETTINGS
      })
    const sentTime = (await sentEvent(send)).event_time as number
    expect(sentTime).toBeGreaterThanOrEqual(before)
    expect(sentTime).toBeLessThanOrEqual(Math.floor(Date.now() / 1000))
  })

  const UNREADABLE =
    'timestamp: must be an ISO 8601 date (UTC when it has no offset) or a Unix time in seconds or milliseconds'
  const OUTSIDE =
    "timestamp: outside TikTok's attribution window, from 28 days ago to 5 minutes from now: TikTok neither matches nor reports offline events older than 28 days"
  const AHEAD =
    "timestamp: outside TikTok's attribution window, from 28 days ago to 5 minutes from now: the event is more than 5 minutes in the future (is its time zone or clock wrong?)"

  test.each([
    ['yesterday', UNREADABLE],
    ['2026-13-45T00:00:00Z', UNREADABLE],
    [`${date.slice(0, 8)}32T10:00:00Z`, UNREADABLE],
    ['2025-02-29T10:00:00Z', UNREADABLE],
    [`${date}T24:00:00Z`, UNREADABLE],
    [`${date}T${time}:00+25:00`, UNREADABLE],
    ['-5', UNREADABLE],
    ['0', OUTSIDE],
    ['20250501', OUTSIDE],
    [`${isoParts(29 * DAY).date}T${isoParts(29 * DAY).time}:00Z`, OUTSIDE],
    [String(NOW - 29 * DAY), OUTSIDE],
    [String(NOW - 58 * DAY), OUTSIDE],
    ['2099-01-01T00:00:00Z', AHEAD]
  ])('%j is refused: %s', async (timestamp, message) => {
    const event = offlineEvent('Callback Started', {}, { timestamp })
    await expect(sendContact(event)).rejects.toMatchObject({
      name: 'PayloadValidationError',
      status: 400,
      message
    })
    expect(nock.pendingMocks()).toEqual([])
  })
})

describe('event names: only TikTok offline standard events', () => {
  test('any other name is refused naming event and listing the accepted names', async () => {
    const event = offlineEvent('Callback Started', {})
    const send = () =>
      testDestination.testAction(NON_PAYMENT, {
        event,
        mapping: { ...presetMapping('Contact'), event: 'Purchase' },
        settings: SETTINGS
      })
    await expect(send()).rejects.toThrow(
      'Event Name must be one of: "CompletePayment", "PlaceAnOrder", "Contact", "Subscribe", "SubmitForm", "CompleteRegistration", "AddPaymentInfo", "InitiateCheckout", "AddToCart", "AddToWishlist", "ViewContent", "ClickButton", "Search", or "Download".'
    )
    expect(nock.pendingMocks()).toEqual([])
  })

  test('the event builder holds the same rule, with the same list, for hosts that skip schema validation', () => {
    expect(() => readEventName('Purchase')).toThrow(
      'event: not a TikTok offline standard event; offline event sets accept only CompletePayment, PlaceAnOrder, Contact, Subscribe, SubmitForm, CompleteRegistration, AddPaymentInfo, InitiateCheckout, AddToCart, AddToWishlist, ViewContent, ClickButton, Search, Download'
    )
    expect(readEventName(' Contact ')).toBe('Contact')
  })
})

describe('value, currency and products', () => {
  test('a purchase without a value is still a conversion', async () => {
    const event = offlineEvent('Order Completed', {
      order_id: 'POS-77',
      products: [{ product_id: 'sku-1', quantity: 1 }]
    })
    expect((await sentEvent(() => sendPayment(event))).properties).toEqual({
      contents: [{ quantity: 1, content_id: 'sku-1' }],
      content_type: 'product',
      order_id: 'POS-77'
    })
  })

  test('a value without a currency is refused naming currency', async () => {
    const { currency: _omitted, ...withoutCurrency } = ORDER_COMPLETED_PROPERTIES
    await expect(sendPayment(offlineEvent('Order Completed', withoutCurrency))).rejects.toMatchObject({
      name: 'PayloadValidationError',
      status: 400,
      message: 'currency: required when value is given; TikTok reports a value only with its ISO 4217 currency code'
    })
  })

  test('a negative value is refused naming value', async () => {
    const event = offlineEvent('Order Completed', {
      ...ORDER_COMPLETED_PROPERTIES,
      revenue: -25
    })
    await expect(sendPayment(event)).rejects.toMatchObject({
      status: 400,
      message: 'value: must be a number, 0 or more'
    })
  })

  test('the non-payment action needs neither', async () => {
    const event = offlineEvent('Callback Started', {})
    expect((await sentEvent(() => sendContact(event))).properties).toBeUndefined()
  })

  test('value 0 is a value', async () => {
    const event = offlineEvent('Order Completed', {
      order_id: 'POS-0',
      value: 0,
      currency: 'usd'
    })
    expect((await sentEvent(() => sendPayment(event))).properties).toEqual({
      currency: 'USD',
      value: 0,
      order_id: 'POS-0'
    })
  })

  test('value falls back from properties.value to revenue to total', async () => {
    const revenue = offlineEvent('Order Completed', {
      revenue: 12,
      total: 15,
      currency: 'USD'
    })
    expect(((await sentEvent(() => sendPayment(revenue))).properties as Record<string, unknown>).value).toBe(12)
    const total = offlineEvent('Order Completed', {
      total: 15,
      currency: 'USD'
    })
    expect(((await sentEvent(() => sendPayment(total))).properties as Record<string, unknown>).value).toBe(15)
  })

  test.each(['dollars', 'US', 'US$', '€'])('currency %j is refused', async (currency) => {
    const event = offlineEvent('Order Completed', {
      ...ORDER_COMPLETED_PROPERTIES,
      currency
    })
    await expect(sendPayment(event)).rejects.toMatchObject({
      name: 'PayloadValidationError',
      message: 'currency: must be a 3-letter ISO 4217 code, such as USD'
    })
  })

  test('goods sold by weight: a fractional quantity is sent as it is; 0 is a quantity and a price', async () => {
    const products = [
      { product_id: 'apples', price: 3.2, quantity: 2.5 },
      { product_id: 'bag', price: 0, quantity: 0 }
    ]
    const event = offlineEvent('Order Completed', {
      order_id: 'POS-8',
      value: 8,
      currency: 'EUR',
      products
    })
    expect(((await sentEvent(() => sendPayment(event))).properties as Record<string, unknown>).contents).toEqual([
      { price: 3.2, quantity: 2.5, content_id: 'apples' },
      { price: 0, quantity: 0, content_id: 'bag' }
    ])
  })

  test.each([
    ['quantity', { product_id: 'sku-2', quantity: -1 }, 'contents[1].quantity: must be a number, 0 or more'],
    ['price', { product_id: 'sku-2', price: -0.01 }, 'contents[1].price: must be a number, 0 or more']
  ])('a negative %s refuses the event naming the item', async (_, product, message) => {
    const products = [{ product_id: 'sku-1', quantity: 1 }, product]
    const event = offlineEvent('Order Completed', {
      ...ORDER_COMPLETED_PROPERTIES,
      products
    })
    await expect(sendPayment(event)).rejects.toMatchObject({
      name: 'PayloadValidationError',
      message
    })
  })

  test('a product with no field of value is left out, and the delivered event says so', async () => {
    const event = offlineEvent('Order Completed', {
      order_id: 'POS-9',
      products: [{ product_id: 'sku-1' }, { color: 'red' }]
    })
    nock(TIKTOK).post(TRACK_PATH).reply(200, OK)
    const [response] = await sendPayment(event)
    expect((response.options.json as { data: { properties: unknown }[] }).data[0].properties).toEqual({
      contents: [{ content_id: 'sku-1' }],
      content_type: 'product',
      order_id: 'POS-9'
    })
    const results = testDestination.results
    expect(results[results.length - 1].data).toMatchObject({
      dropped: [
        { field: 'contents', index: 1, reason: 'empty_product', message: 'contents[1]: no product field has a value' }
      ]
    })
  })
})

describe('no double counting: every event sent has an event_id', () => {
  test('Complete Payment uses the order ID when there is one, else the messageId', async () => {
    const withOrder = offlineEvent('Order Completed', ORDER_COMPLETED_PROPERTIES)
    expect((await sentEvent(() => sendPayment(withOrder))).event_id).toBe('POS-50314')
    const { order_id: _omitted, ...withoutOrderId } = ORDER_COMPLETED_PROPERTIES
    const withoutOrder = offlineEvent('Order Completed', withoutOrderId)
    expect((await sentEvent(() => sendPayment(withoutOrder))).event_id).toBe('msg-order-completed')
  })

  test('when the mapping gives none, the same event always gets the same ID, derived from its content', async () => {
    const mapping = { ...presetMapping('Contact'), event_id: '' }
    const send = (event: SegmentEvent) => () =>
      testDestination.testAction(NON_PAYMENT, {
        event,
        mapping,
        settings: SETTINGS
      })
    const event = offlineEvent('Callback Started', {})
    const first = (await sentEvent(send(event))).event_id
    const again = (await sentEvent(send({ ...event, messageId: 'another-delivery' }))).event_id
    const other = (await sentEvent(send(offlineEvent('Callback Started', { shop_id: 'store-2' })))).event_id
    expect(first).toMatch(/^[0-9a-f]{64}$/)
    expect(again).toBe(first)
    expect(other).not.toBe(first)
  })
})

describe("TikTok's answers", () => {
  const event = offlineEvent('Order Completed', ORDER_COMPLETED_PROPERTIES)
  const answer = (code: number, message: string) => ({
    code,
    message,
    request_id: 'req-42',
    data: {}
  })

  test('code 0 is success, and so is a 2xx JSON body without a code', async () => {
    nock(TIKTOK).post(TRACK_PATH).reply(200, OK)
    await expect(sendPayment(event)).resolves.toHaveLength(1)
    nock(TIKTOK).post(TRACK_PATH).reply(200, {})
    await expect(sendPayment(event)).resolves.toHaveLength(1)
  })

  test.each([
    [40105, 'Invalid access token', 'InvalidAuthenticationError', 401],
    [40001, 'No permission to operate event set', 'InvalidAuthenticationError', 401],
    [40102, 'Access token expired', 'InvalidAuthenticationError', 401],
    [40100, 'Too many requests', 'RetryableError', 429],
    [40132, 'Request frequency limited', 'RetryableError', 429],
    [50000, 'System error', 'RetryableError', 500],
    [50002, 'System timeout', 'RetryableError', 500],
    [51004, 'Internal service error', 'RetryableError', 500],
    [60001, 'Maintenance', 'RetryableError', 503],
    [20001, 'Partial OK', 'RetryableError', 500],
    [40002, 'data[0].event: invalid', 'IntegrationError', 400],
    [40000, 'Invalid params', 'IntegrationError', 400],
    [40062, 'PII not hashed', 'IntegrationError', 400]
  ])('code %i (%s) → %s %i with TikTok message and request_id', async (code, message, name, status) => {
    nock(TIKTOK).post(TRACK_PATH).reply(200, answer(code, message))
    const error = await sendPayment(event).catch((e: Error & { status?: number }) => e)
    expect(error).toMatchObject({ name, status })
    expect((error as Error).message).toContain(`${message} (code ${code}, request_id req-42)`)
  })

  test.each([
    [429, 'RetryableError', 429],
    [500, 'RetryableError', 500],
    [503, 'RetryableError', 503],
    [401, 'InvalidAuthenticationError', 401],
    [404, 'IntegrationError', 400]
  ])('HTTP %i → %s %i', async (httpStatus, name, status) => {
    nock(TIKTOK).post(TRACK_PATH).reply(httpStatus, { message: 'upstream said no', request_id: 'req-7' })
    const error = await sendPayment(event).catch((e: Error) => e)
    expect(error).toMatchObject({
      name,
      status,
      message: `TikTok answered HTTP ${httpStatus}: upstream said no (request_id req-7)`
    })
  })

  test('a 200 whose body is not JSON, or is empty, is retryable: acceptance cannot be confirmed', async () => {
    nock(TIKTOK).post(TRACK_PATH).reply(200, '<html>gateway</html>', { 'content-type': 'text/html' })
    await expect(sendPayment(event)).rejects.toMatchObject({
      name: 'RetryableError',
      status: 502,
      message: 'TikTok answered HTTP 200 with a body that is not JSON'
    })
    nock(TIKTOK).post(TRACK_PATH).reply(200, '')
    await expect(sendPayment(event)).rejects.toMatchObject({
      status: 502,
      message: 'TikTok answered HTTP 200 with an empty body'
    })
  })

  test('a connection reset is retryable', async () => {
    nock(TIKTOK).post(TRACK_PATH).replyWithError({ code: 'ECONNRESET', message: 'socket hang up' })
    await expect(sendPayment(event)).rejects.toMatchObject({
      name: 'RetryableError',
      status: 503
    })
  })
})

describe('no raw identifier or access token in any error message', () => {
  test("TikTok's message echoing an email, a phone or the token is redacted", async () => {
    nock(TIKTOK)
      .post(TRACK_PATH)
      .reply(200, {
        code: 40002,
        message: `bad user jane.doe@example.com phone +1 (415) 555-0132 with token ${SETTINGS.accessToken}`,
        request_id: 'req-9'
      })
    const error = (await sendPayment(offlineEvent('Order Completed', ORDER_COMPLETED_PROPERTIES)).catch(
      (e: Error) => e
    )) as Error
    expect(error.message).toBe(
      'TikTok refused the request: bad user [redacted] phone [redacted] with token [redacted] (code 40002, request_id req-9)'
    )
  })

  test('phone numbers TikTok quotes in any written form are redacted; its request ID is kept', async () => {
    nock(TIKTOK).post(TRACK_PATH).reply(200, {
      code: 40002,
      message: 'phones 4155550132, 0044 7700 900123, (07700) 900123 and 415 - 555 - 0132 refused',
      request_id: '20261120150405ABCDEF'
    })
    const error = (await sendPayment(offlineEvent('Order Completed', ORDER_COMPLETED_PROPERTIES)).catch(
      (e: Error) => e
    )) as Error
    expect(error.message).toBe(
      'TikTok refused the request: phones [redacted], [redacted], ([redacted] and [redacted] refused (code 40002, request_id 20261120150405ABCDEF)'
    )
  })

  test('a request ID of digits only is kept', async () => {
    nock(TIKTOK).post(TRACK_PATH).reply(200, {
      code: 40002,
      message: 'Invalid data',
      request_id: '2026112015040512345'
    })
    const error = (await sendPayment(offlineEvent('Order Completed', ORDER_COMPLETED_PROPERTIES)).catch(
      (e: Error) => e
    )) as Error
    expect(error.message).toBe('TikTok refused the request: Invalid data (code 40002, request_id 2026112015040512345)')
    expect(redactPersonalData(error.message)).toBe(error.message)
  })

  test('validation errors never quote the value', async () => {
    const event = offlineEvent('Order Completed', {
      ...ORDER_COMPLETED_PROPERTIES,
      currency: 'jane.doe@example.com'
    })
    const error = (await sendPayment(event).catch((e: Error) => e)) as Error
    expect(error.message).toBe('currency: must be a 3-letter ISO 4217 code, such as USD')
  })
})

describe('testAuthentication checks the credentials against TikTok and records no conversion', () => {
  const expectEmptyTrack = () =>
    nock(TIKTOK, { reqheaders: { 'access-token': SETTINGS.accessToken } }).post(
      TRACK_PATH,
      trackBody([]) as nock.DataMatcherMap
    )

  test('passes for good credentials (TikTok complains only about the empty data)', async () => {
    expectEmptyTrack().reply(200, {
      code: 40002,
      message: 'data: must contain 1 to 1000 events',
      request_id: 'r1'
    })
    await expect(testDestination.testAuthentication(SETTINGS)).resolves.toBeUndefined()
    expect(nock.isDone()).toBe(true)
  })

  test.each([
    [40105, 'Invalid access token'],
    [40102, 'Access token has expired'],
    [40001, 'No permission to operate event set ES1234567890']
  ])('fails with TikTok message for code %i', async (code, message) => {
    // actions-core prefixes "Credentials are invalid: <HTTP status of the error's response>"; TikTok answered HTTP 200.
    expectEmptyTrack().reply(200, { code, message, request_id: 'r2' })
    await expect(testDestination.testAuthentication(SETTINGS)).rejects.toThrow(
      `Credentials are invalid:  TikTok refused the request: ${message} (code ${code}, request_id r2)`
    )
  })

  test('fails when TikTok names the event set as the problem', async () => {
    expectEmptyTrack().reply(200, {
      code: 40002,
      message: 'event_source_id is invalid',
      request_id: 'r3'
    })
    await expect(testDestination.testAuthentication(SETTINGS)).rejects.toThrow('event_source_id is invalid')
  })

  test('fails for a Default Phone Country outside its choices, naming the setting, without calling TikTok', async () => {
    // actions-core checks settings against their choices first; the destination's own check says the same on hosts that do not.
    await expect(
      testDestination.testAuthentication({
        ...SETTINGS,
        defaultPhoneCountry: 'Britain'
      })
    ).rejects.toThrow(/^Default Phone Country must be one of: "AF", "AX", /)
    await expect(
      checkCredentials(nock as never, {
        ...SETTINGS,
        defaultPhoneCountry: 'Britain'
      })
    ).resolves.toEqual({
      kind: 'invalid',
      status: 400,
      message:
        'defaultPhoneCountry setting: not an ISO 3166 alpha-2 country code this destination knows (choose one from the list, or leave it empty); until it is, phone numbers without a country code are dropped'
    })
    expect(nock.pendingMocks()).toEqual([])
  })

  test('cannot pass when TikTok is down', async () => {
    expectEmptyTrack().reply(503, 'unavailable')
    await expect(testDestination.testAuthentication(SETTINGS)).rejects.toThrow(
      'Credentials are invalid:  TikTok answered HTTP 503'
    )
  })
})
