import nock from 'nock'
import { createTestIntegration, type SegmentEvent } from '@segment/actions-core'
import definition from '../index'
import { presets } from '../presets'
import { redactPersonalData } from '../privacy'
import { EVENT_TIME, OK, ORDER_COMPLETED_PROPERTIES, SETTINGS, TIKTOK, TRACK_PATH, USER, offlineEvent, trackBody } from './__helpers__/fixtures'

const testDestination = createTestIntegration(definition)
const PAYMENT = 'trackPaymentOfflineConversion'
const NON_PAYMENT = 'trackNonPaymentOfflineConversion'

function presetMapping(name: string) {
  const preset = presets.find((p) => p.name === name)
  if (!preset || !('mapping' in preset) || !preset.mapping) throw new Error(`no preset ${name}`)
  return preset.mapping
}

const sendPayment = (event: SegmentEvent, settings = SETTINGS) =>
  testDestination.testAction(PAYMENT, { event, mapping: presetMapping('Complete Payment'), settings })
const sendContact = (event: SegmentEvent, settings = SETTINGS) =>
  testDestination.testAction(NON_PAYMENT, { event, mapping: presetMapping('Contact'), settings })

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

describe('identifiers: at least one must remain', () => {
  test('an event with no usable identifier is rejected naming the three fields, and nothing is sent', async () => {
    const event = offlineEvent('Callback Started', {}, { userId: null, context: { traits: { email: '  ', phone: 'n/a' } } })
    await expect(sendContact(event)).rejects.toMatchObject({
      name: 'PayloadValidationError',
      status: 400,
      message:
        'No identifier: at least one of email_addresses, phone_numbers or external_ids must hold a usable value (phone numbers that cannot be read as E.164 are dropped)'
    })
    expect(nock.pendingMocks()).toEqual([])
  })

  test('a phone alone is enough', async () => {
    const event = offlineEvent('Callback Started', {}, { userId: null, context: { traits: { phone: '415-555-0132' } } })
    expect(await sentEvent(() => sendContact(event))).toEqual({
      event: 'Contact',
      event_time: EVENT_TIME,
      event_id: 'msg-callback-started',
      user: { phone: USER.phone }
    })
  })

  test('properties win over context.traits, which win over traits', async () => {
    const event = offlineEvent(
      'Callback Started',
      { email: 'jane.doe@example.com' },
      { userId: null, context: { traits: { email: 'other@example.com' } }, traits: { email: 'third@example.com' } }
    )
    expect((await sentEvent(() => sendContact(event))).user).toEqual({ email: USER.email })
    const fromTraits = offlineEvent('Callback Started', {}, { userId: null, context: {}, traits: { email: 'JANE.DOE@example.com' } })
    expect((await sentEvent(() => sendContact(fromTraits))).user).toEqual({ email: USER.email })
  })
})

describe('event_time', () => {
  test.each([
    ['ISO 8601 with offset', '2026-11-20T16:04:05+01:00', EVENT_TIME],
    ['Unix seconds', String(EVENT_TIME), EVENT_TIME],
    ['Unix milliseconds', String(EVENT_TIME * 1000 + 999), EVENT_TIME]
  ])('%s', async (_, timestamp, expected) => {
    const event = offlineEvent('Callback Started', {}, { timestamp })
    expect((await sentEvent(() => sendContact(event))).event_time).toBe(expected)
  })

  test('a number of seconds mapped from a property is read as seconds', async () => {
    const event = offlineEvent('Callback Started', { called_at: EVENT_TIME })
    const send = () =>
      testDestination.testAction(NON_PAYMENT, {
        event,
        mapping: { ...presetMapping('Contact'), timestamp: { '@path': '$.properties.called_at' } },
        settings: SETTINGS
      })
    expect((await sentEvent(send)).event_time).toBe(EVENT_TIME)
  })

  test('a missing timestamp means now', async () => {
    const before = Math.floor(Date.now() / 1000)
    const event = offlineEvent('Callback Started', {}, { timestamp: undefined })
    delete event.timestamp
    const time = (await sentEvent(() => sendContact(event))).event_time as number
    expect(time).toBeGreaterThanOrEqual(before)
    expect(time).toBeLessThanOrEqual(Math.floor(Date.now() / 1000))
  })

  test.each([
    ['yesterday', 'timestamp: must be an ISO 8601 date or a Unix time in seconds or milliseconds'],
    ['2026-13-45T00:00:00Z', 'timestamp: must be an ISO 8601 date or a Unix time in seconds or milliseconds'],
    ['-5', 'timestamp: must be an ISO 8601 date or a Unix time in seconds or milliseconds'],
    ['0', 'timestamp: must be a time after 1970-01-01'],
    ['2099-01-01T00:00:00Z', 'timestamp: must not be in the future']
  ])('%j is rejected: %s', async (timestamp, message) => {
    const event = offlineEvent('Callback Started', {}, { timestamp })
    await expect(sendContact(event)).rejects.toMatchObject({ name: 'PayloadValidationError', status: 400, message })
  })
})

describe('value and currency', () => {
  test('the payment action requires value and currency', async () => {
    const { currency: _omitted, ...withoutCurrency } = ORDER_COMPLETED_PROPERTIES
    const noCurrency = offlineEvent('Order Completed', withoutCurrency)
    await expect(sendPayment(noCurrency)).rejects.toThrow("The root value is missing the required field 'currency'.")
    const noValue = offlineEvent('Order Completed', { order_id: 'POS-1', currency: 'USD' })
    await expect(sendPayment(noValue)).rejects.toThrow("The root value is missing the required field 'value'.")
  })

  test('the non-payment action does not', async () => {
    const event = offlineEvent('Callback Started', {})
    expect((await sentEvent(() => sendContact(event))).properties).toBeUndefined()
  })

  test('value 0 is a value', async () => {
    const event = offlineEvent('Order Completed', { order_id: 'POS-0', value: 0, currency: 'usd' })
    expect((await sentEvent(() => sendPayment(event))).properties).toEqual({ currency: 'USD', value: 0, order_id: 'POS-0' })
  })

  test('value falls back from properties.value to revenue to total', async () => {
    const revenue = offlineEvent('Order Completed', { revenue: 12, total: 15, currency: 'USD' })
    expect(((await sentEvent(() => sendPayment(revenue))).properties as Record<string, unknown>).value).toBe(12)
    const total = offlineEvent('Order Completed', { total: 15, currency: 'USD' })
    expect(((await sentEvent(() => sendPayment(total))).properties as Record<string, unknown>).value).toBe(15)
  })

  test.each(['dollars', 'US', 'US$', '€'])('currency %j is rejected', async (currency) => {
    const event = offlineEvent('Order Completed', { ...ORDER_COMPLETED_PROPERTIES, currency })
    await expect(sendPayment(event)).rejects.toMatchObject({
      name: 'PayloadValidationError',
      message: 'currency: must be a 3-letter ISO 4217 code, such as USD'
    })
  })
})

describe('contents', () => {
  test('a quantity below 0, or not whole, rejects the event naming the item', async () => {
    const products = [
      { product_id: 'sku-1', quantity: 1 },
      { product_id: 'sku-2', quantity: -1 }
    ]
    const event = offlineEvent('Order Completed', { ...ORDER_COMPLETED_PROPERTIES, products })
    await expect(sendPayment(event)).rejects.toMatchObject({
      name: 'PayloadValidationError',
      message: 'contents[1].quantity: must be a whole number of items, 0 or more'
    })
  })
})

describe('ttclid', () => {
  test('the field wins over the URL', async () => {
    const event = offlineEvent('Callback Started', { ttclid: 'E.C.P.field' }, {
      context: { traits: { email: 'jane.doe@example.com' }, page: { url: 'https://shop.example.com/?ttclid=E.C.P.url' } }
    })
    expect(((await sentEvent(() => sendContact(event))).user as Record<string, unknown>).ttclid).toBe('E.C.P.field')
  })

  test('a malformed URL is not an error', async () => {
    const event = offlineEvent('Callback Started', {}, {
      context: { traits: { email: 'jane.doe@example.com' }, page: { url: 'not a url ?ttclid=x' } }
    })
    const sent = await sentEvent(() => sendContact(event))
    expect(sent.user).toEqual({ email: USER.email, external_id: USER.external_id })
    expect(sent.page).toEqual({ url: 'not a url ?ttclid=x' })
  })
})

describe('default phone country setting', () => {
  test('without it, a number without country code is read as starting with one', async () => {
    const event = offlineEvent('Callback Started', {}, { userId: null, context: { traits: { phone: '1 415 555 0132' } } })
    const settings = { accessToken: SETTINGS.accessToken, eventSetID: SETTINGS.eventSetID }
    expect((await sentEvent(() => sendContact(event, settings))).user).toEqual({ phone: USER.phone })
  })

  test('an invalid setting rejects the event naming the setting', async () => {
    const event = offlineEvent('Callback Started', {})
    await expect(sendContact(event, { ...SETTINGS, defaultPhoneCountry: 'USA' })).rejects.toMatchObject({
      name: 'PayloadValidationError',
      message: 'defaultPhoneCountry setting: must be an ISO 3166 alpha-2 country code, such as US'
    })
  })
})

describe("TikTok's answers", () => {
  const event = offlineEvent('Order Completed', ORDER_COMPLETED_PROPERTIES)
  const answer = (code: number, message: string) => ({ code, message, request_id: 'req-42', data: {} })

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
    expect(error).toMatchObject({ name, status, message: `TikTok answered HTTP ${httpStatus}: upstream said no (request_id req-7)` })
  })

  test('a 200 whose body is not JSON, or is empty, is retryable: acceptance cannot be confirmed', async () => {
    nock(TIKTOK).post(TRACK_PATH).reply(200, '<html>gateway</html>', { 'content-type': 'text/html' })
    await expect(sendPayment(event)).rejects.toMatchObject({
      name: 'RetryableError',
      status: 502,
      message: 'TikTok answered HTTP 200 with a body that is not JSON'
    })
    nock(TIKTOK).post(TRACK_PATH).reply(200, '')
    await expect(sendPayment(event)).rejects.toMatchObject({ status: 502, message: 'TikTok answered HTTP 200 with an empty body' })
  })

  test('a connection reset is retryable', async () => {
    nock(TIKTOK).post(TRACK_PATH).replyWithError({ code: 'ECONNRESET', message: 'socket hang up' })
    await expect(sendPayment(event)).rejects.toMatchObject({ name: 'RetryableError', status: 503 })
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
    const error = (await sendPayment(offlineEvent('Order Completed', ORDER_COMPLETED_PROPERTIES)).catch((e: Error) => e)) as Error
    expect(error.message).toBe('TikTok refused the request: bad user [redacted] phone [redacted] with token [redacted] (code 40002, request_id req-9)')
  })

  test('phone numbers TikTok quotes in any written form are redacted; its request ID is kept', async () => {
    nock(TIKTOK)
      .post(TRACK_PATH)
      .reply(200, {
        code: 40002,
        message: 'phones 4155550132, 0044 7700 900123, (07700) 900123 and 415 - 555 - 0132 refused',
        request_id: '20261120150405ABCDEF'
      })
    const error = (await sendPayment(offlineEvent('Order Completed', ORDER_COMPLETED_PROPERTIES)).catch((e: Error) => e)) as Error
    expect(error.message).toBe(
      'TikTok refused the request: phones [redacted], [redacted], ([redacted] and [redacted] refused (code 40002, request_id 20261120150405ABCDEF)'
    )
  })

  test('a request ID of digits only is kept', async () => {
    nock(TIKTOK).post(TRACK_PATH).reply(200, { code: 40002, message: 'Invalid data', request_id: '2026112015040512345' })
    const error = (await sendPayment(offlineEvent('Order Completed', ORDER_COMPLETED_PROPERTIES)).catch((e: Error) => e)) as Error
    expect(error.message).toBe('TikTok refused the request: Invalid data (code 40002, request_id 2026112015040512345)')
    expect(redactPersonalData(error.message)).toBe(error.message)
  })

  test('validation errors never quote the value', async () => {
    const event = offlineEvent('Order Completed', { ...ORDER_COMPLETED_PROPERTIES, currency: 'jane.doe@example.com' })
    const error = (await sendPayment(event).catch((e: Error) => e)) as Error
    expect(error.message).toBe('currency: must be a 3-letter ISO 4217 code, such as USD')
  })
})

describe('testAuthentication checks the credentials against TikTok and records no conversion', () => {
  const expectEmptyTrack = () =>
    nock(TIKTOK, { reqheaders: { 'access-token': SETTINGS.accessToken } }).post(TRACK_PATH, trackBody([]) as nock.DataMatcherMap)

  test('passes for good credentials (TikTok complains only about the empty data)', async () => {
    expectEmptyTrack().reply(200, { code: 40002, message: 'data: must contain 1 to 1000 events', request_id: 'r1' })
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
    expectEmptyTrack().reply(200, { code: 40002, message: 'event_source_id is invalid', request_id: 'r3' })
    await expect(testDestination.testAuthentication(SETTINGS)).rejects.toThrow('event_source_id is invalid')
  })

  test('fails for an invalid default phone country without calling TikTok', async () => {
    await expect(testDestination.testAuthentication({ ...SETTINGS, defaultPhoneCountry: 'Britain' })).rejects.toThrow(
      'defaultPhoneCountry setting: must be an ISO 3166 alpha-2 country code, such as US'
    )
  })

  test('cannot pass when TikTok is down', async () => {
    expectEmptyTrack().reply(503, 'unavailable')
    await expect(testDestination.testAuthentication(SETTINGS)).rejects.toThrow('Credentials are invalid:  TikTok answered HTTP 503')
  })
})
