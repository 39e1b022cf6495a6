import nock from 'nock'
import { createTestIntegration } from '@segment/actions-core'
import type { RequestClient } from '@segment/actions-core'
import definition from '../index'
import { presets } from '../presets'
import type { Payload } from '../trackNonPaymentOfflineConversion/generated-types'
import { EVENT_TIME, SETTINGS, TIKTOK, TIMESTAMP, TRACK_PATH, USER, offlineEvent } from './__helpers__/fixtures'

/**
 * What each answer TikTok (or the network) can give means for the events of the
 * request, as Segment sees it: on the batch path the multi-status entry (status,
 * error type, message, TikTok's answer kept with it), on the single-event path
 * the error thrown.
 */

const ACTION = 'trackNonPaymentOfflineConversion'
const contactPreset = presets.find((p) => p.name === 'Contact')
const MAPPING = contactPreset && 'mapping' in contactPreset && contactPreset.mapping ? contactPreset.mapping : {}
const SENT = { event: 'Contact', event_time: EVENT_TIME, event_id: 'msg-1', user: USER }

/** The one multi-status entry of a batch of one Contact event, TikTok answering `status` with `body`. */
async function entryFor(status: number, body: string | Record<string, unknown>): Promise<Record<string, unknown>> {
  nock(TIKTOK).post(TRACK_PATH).reply(status, body)
  const testDestination = createTestIntegration(definition)
  await testDestination.testBatchAction(ACTION, {
    events: [offlineEvent('Callback Started', {}, { messageId: 'msg-1' })],
    mapping: MAPPING,
    settings: SETTINGS
  })
  const [entry] = testDestination.results[0].multistatus ?? []
  return entry as unknown as Record<string, unknown>
}

/** The error the single-event path throws when TikTok answers `status` with `body`. */
async function errorFor(status: number, body: string | Record<string, unknown>): Promise<Record<string, unknown>> {
  nock(TIKTOK).post(TRACK_PATH).reply(status, body)
  const testDestination = createTestIntegration(definition)
  const error = await testDestination
    .testAction(ACTION, {
      event: offlineEvent('Callback Started', {}, { messageId: 'msg-1' }),
      mapping: MAPPING,
      settings: SETTINGS
    })
    .then(
      () => undefined,
      (e: Error) => e
    )
  if (!error) throw new Error('the action did not fail')
  return error as unknown as Record<string, unknown>
}

beforeEach(() => nock.disableNetConnect())
afterEach(() => {
  nock.cleanAll()
  nock.enableNetConnect()
})

describe('HTTP statuses', () => {
  test.each([
    [401, 'InvalidAuthenticationError', 'INVALID_AUTHENTICATION', 401],
    [403, 'InvalidAuthenticationError', 'INVALID_AUTHENTICATION', 401],
    [400, 'IntegrationError', 'BAD_REQUEST', 400],
    [404, 'IntegrationError', 'BAD_REQUEST', 400],
    [413, 'IntegrationError', 'BAD_REQUEST', 400],
    [499, 'IntegrationError', 'BAD_REQUEST', 400],
    [429, 'RetryableError', 'RETRYABLE_ERROR', 429],
    [500, 'RetryableError', 'RETRYABLE_ERROR', 500],
    [502, 'RetryableError', 'RETRYABLE_ERROR', 502],
    [504, 'RetryableError', 'RETRYABLE_ERROR', 504]
  ])('HTTP %i → %s (%s) %i, with TikTok message and request ID', async (httpStatus, name, code, status) => {
    const error = await errorFor(httpStatus, { message: 'upstream said no', request_id: 'req-7' })
    expect(error).toMatchObject({
      name,
      code,
      status,
      message: `TikTok answered HTTP ${httpStatus}: upstream said no (request_id req-7)`
    })
  })

  test('HTTP 403 on the batch path: every event gets a 401 authentication error', async () => {
    expect(await entryFor(403, { message: 'Forbidden', request_id: 'req-403' })).toEqual({
      status: 401,
      errortype: 'INVALID_AUTHENTICATION',
      errormessage: 'TikTok answered HTTP 403: Forbidden (request_id req-403)',
      sent: SENT,
      body: { message: 'Forbidden', request_id: 'req-403' },
      errorreporter: 'DESTINATION'
    })
  })

  test('an error status without a message or request ID says only the status', async () => {
    expect(await errorFor(404, {})).toMatchObject({ status: 400, message: 'TikTok answered HTTP 404' })
    expect(await errorFor(503, { request_id: 'req-8' })).toMatchObject({
      status: 503,
      message: 'TikTok answered HTTP 503 (request_id req-8)'
    })
    expect(await errorFor(500, { message: 'Internal error' })).toMatchObject({
      status: 500,
      message: 'TikTok answered HTTP 500: Internal error'
    })
  })

  test('an error status with a text body: the message says the status; the body is kept, redacted', async () => {
    expect(await entryFor(502, 'Bad gateway for jane.doe@example.com')).toEqual({
      status: 502,
      errortype: 'RETRYABLE_ERROR',
      errormessage: 'TikTok answered HTTP 502',
      sent: SENT,
      body: 'Bad gateway for [redacted]',
      errorreporter: 'DESTINATION'
    })
  })

  test('a long text body is kept to its first 200 characters, redacted before it is cut', async () => {
    const page = `<html>${'x'.repeat(180)} jane.doe@example.com ${'y'.repeat(300)}</html>`
    const entry = await entryFor(503, page)
    expect(entry.body).toBe(`<html>${'x'.repeat(180)} [redacted] ${'y'.repeat(2)}`)
    expect((entry.body as string).length).toBe(200)
  })

  test('a text body of exactly 200 characters is kept whole', async () => {
    const page = 'z'.repeat(200)
    expect((await entryFor(503, page)).body).toBe(page)
  })

  test("TikTok's message in an error status is redacted", async () => {
    expect(await errorFor(400, { message: 'bad phone +1 415 555 0132', request_id: 'req-9' })).toMatchObject({
      message: 'TikTok answered HTTP 400: bad phone [redacted] (request_id req-9)'
    })
  })

  test('a 3xx status is not an acceptance, whatever its body says', async () => {
    expect(await errorFor(300, { code: 0, message: 'OK' })).toMatchObject({
      name: 'IntegrationError',
      status: 400,
      message: 'TikTok answered HTTP 300: OK'
    })
  })
})

describe('2xx answers and their code', () => {
  test('a 2xx other than 200 with code 0 is an acceptance', async () => {
    expect(await entryFor(201, { code: 0, message: 'OK', request_id: 'req-201' })).toEqual({
      status: 200,
      sent: SENT,
      body: { code: 0, message: 'OK', request_id: 'req-201' }
    })
  })

  test('what is kept of the answer: code, message and request ID, never data or other keys', async () => {
    expect(
      await entryFor(200, { code: 0, message: 'OK', request_id: 'req-1', data: { events: [1] }, extra: 'x' })
    ).toEqual({ status: 200, sent: SENT, body: { code: 0, message: 'OK', request_id: 'req-1' } })
    expect(await entryFor(200, { code: 0 })).toEqual({ status: 200, sent: SENT, body: { code: 0 } })
  })

  test('a numeric request ID is kept as text', async () => {
    expect(await entryFor(200, { code: 0, message: 'OK', request_id: 2026112015 })).toEqual({
      status: 200,
      sent: SENT,
      body: { code: 0, message: 'OK', request_id: '2026112015' }
    })
  })

  test('JSON with whitespace around it is JSON', async () => {
    expect(await entryFor(200, '\n  {"code":0,"message":"OK"}  \n')).toEqual({
      status: 200,
      sent: SENT,
      body: { code: 0, message: 'OK' }
    })
  })

  test.each([
    ['a body that is not JSON', '<html>gateway</html>', 'TikTok answered HTTP 200 with a body that is not JSON'],
    ['broken JSON', '{"code":0,', 'TikTok answered HTTP 200 with a body that is not JSON'],
    ['a JSON list', '[{"code":0}]', 'TikTok answered HTTP 200 with a body that is not JSON'],
    ['an empty body', '', 'TikTok answered HTTP 200 with an empty body'],
    ['a blank body', '  \n', 'TikTok answered HTTP 200 with an empty body']
  ])('%s: retryable 502, acceptance cannot be confirmed', async (_, body, message) => {
    expect(await entryFor(200, body)).toEqual({
      status: 502,
      errortype: 'RETRYABLE_ERROR',
      errormessage: message,
      sent: SENT,
      body,
      errorreporter: 'DESTINATION'
    })
  })

  test.each([
    [40001, 401, 'INVALID_AUTHENTICATION'],
    [40003, 401, 'INVALID_AUTHENTICATION'],
    [40102, 401, 'INVALID_AUTHENTICATION'],
    [40104, 401, 'INVALID_AUTHENTICATION'],
    [40105, 401, 'INVALID_AUTHENTICATION'],
    [40100, 429, 'RETRYABLE_ERROR'],
    [40132, 429, 'RETRYABLE_ERROR'],
    [61000, 429, 'RETRYABLE_ERROR'],
    [40000, 400, 'BAD_REQUEST'],
    [40002, 400, 'BAD_REQUEST'],
    [40061, 400, 'BAD_REQUEST'],
    [49999, 400, 'BAD_REQUEST'],
    [50000, 500, 'RETRYABLE_ERROR'],
    [60001, 503, 'RETRYABLE_ERROR'],
    [60002, 500, 'RETRYABLE_ERROR'],
    [39999, 500, 'RETRYABLE_ERROR'],
    [1, 500, 'RETRYABLE_ERROR']
  ])('code %i → %i %s', async (code, status, errortype) => {
    const body = { code, message: 'Said no', request_id: 'req-c' }
    expect(await entryFor(200, body)).toEqual({
      status,
      errortype,
      errormessage: `TikTok refused the request: Said no (code ${code}, request_id req-c)`,
      sent: SENT,
      body,
      errorreporter: 'DESTINATION'
    })
  })

  test('code 20001 (partial OK): retryable, and the message says why', async () => {
    expect(await entryFor(200, { code: 20001, message: 'Partial OK', request_id: 'req-p' })).toMatchObject({
      status: 500,
      errortype: 'RETRYABLE_ERROR',
      errormessage:
        'TikTok refused the request: Partial OK (code 20001, request_id req-p); TikTok accepted only part of it, the events are re-sent'
    })
  })

  test.each([
    [
      'no message',
      { code: 40002, request_id: 'req-n' },
      'TikTok refused the request: no message (code 40002, request_id req-n)'
    ],
    [
      'a blank message',
      { code: 40002, message: '  ', request_id: 'req-n' },
      'TikTok refused the request: no message (code 40002, request_id req-n)'
    ],
    [
      'a padded message',
      { code: 40002, message: ' Invalid ', request_id: 'req-n' },
      'TikTok refused the request: Invalid (code 40002, request_id req-n)'
    ],
    ['no request ID', { code: 40002, message: 'Invalid' }, 'TikTok refused the request: Invalid (code 40002)'],
    ['neither', { code: 50000 }, 'TikTok refused the request: no message (code 50000)']
  ])('a refusal with %s', async (_, body, message) => {
    expect(await entryFor(200, body)).toMatchObject({ errormessage: message })
  })
})

describe('no answer at all', () => {
  /** A request client that fails the way a network or a host's timer does. */
  const failing =
    (error: unknown): RequestClient =>
    async () => {
      throw error
    }
  const payload: Payload = {
    event: 'Contact',
    event_id: 'msg-1',
    timestamp: TIMESTAMP,
    email_addresses: ['jane.doe@example.com']
  }
  const perform = (request: RequestClient) =>
    definition.actions[ACTION].perform(request, { payload, settings: SETTINGS })

  const named = (name: string, message: string, code?: string): Error =>
    Object.assign(new Error(message), { name }, code ? { code } : {})

  test.each([
    [
      "actions-core's timer (TimeoutError, ETIMEDOUT)",
      named('TimeoutError', 'Request timed out after 10000ms', 'ETIMEDOUT'),
      'Request timed out after 10000ms'
    ],
    [
      'an abort signal timing out (TimeoutError)',
      named('TimeoutError', 'The operation was aborted due to timeout'),
      'The operation was aborted due to timeout'
    ],
    [
      "actions-core's RequestTimeoutError",
      named('RequestTimeoutError', 'Request timed out before receiving a response', 'REQUESTTIMEOUTERROR'),
      'Request timed out before receiving a response'
    ],
    ['a socket timing out (code ETIMEDOUT)', named('Error', 'connect ETIMEDOUT', 'ETIMEDOUT'), 'connect ETIMEDOUT']
  ])('%s: a retryable 504', async (_, error, reason) => {
    await expect(perform(failing(error))).rejects.toMatchObject({
      name: 'RetryableError',
      status: 504,
      message: `No answer from TikTok in time: ${reason}`
    })
  })

  test.each([
    ['a reset connection', named('FetchError', 'socket hang up', 'ECONNRESET'), 'socket hang up'],
    [
      'a name that does not resolve',
      named('FetchError', 'getaddrinfo ENOTFOUND business-api.tiktok.com', 'ENOTFOUND'),
      'getaddrinfo ENOTFOUND business-api.tiktok.com'
    ],
    ['something thrown that is not an Error', 'connection closed', 'connection closed']
  ])('%s: a retryable 503', async (_, error, reason) => {
    await expect(perform(failing(error))).rejects.toMatchObject({
      name: 'RetryableError',
      status: 503,
      message: `Could not reach TikTok: ${reason}`
    })
  })

  test('the reason never carries the access token or personal data', async () => {
    const error = new Error(`proxy refused token ${SETTINGS.accessToken} for jane.doe@example.com, +1 415 555 0132`)
    await expect(perform(failing(error))).rejects.toMatchObject({
      status: 503,
      message: 'Could not reach TikTok: proxy refused token [redacted] for [redacted], [redacted]'
    })
  })
})

describe('an entry holds only keys that have a value', () => {
  test('an answer without a code keeps no code key in the body it carries', async () => {
    expect(await entryFor(503, { message: 'busy', request_id: 'req-9' })).toStrictEqual({
      status: 503,
      errortype: 'RETRYABLE_ERROR',
      errormessage: 'TikTok answered HTTP 503: busy (request_id req-9)',
      sent: SENT,
      body: { message: 'busy', request_id: 'req-9' },
      errorreporter: 'DESTINATION'
    })
  })

  test('a request that got no answer carries no body key', async () => {
    const testDestination = createTestIntegration(definition)
    nock(TIKTOK)
      .post(TRACK_PATH)
      .replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))
    await testDestination.testBatchAction(ACTION, {
      events: [offlineEvent('Callback Started', {}, { messageId: 'msg-1' })],
      mapping: MAPPING,
      settings: SETTINGS
    })
    const [entry] = testDestination.results[0].multistatus ?? []
    expect(entry).toStrictEqual({
      status: 503,
      errortype: 'RETRYABLE_ERROR',
      errormessage: expect.stringMatching(/^Could not reach TikTok: /),
      sent: SENT,
      errorreporter: 'DESTINATION'
    })
  })
})
