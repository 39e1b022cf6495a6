import nock from 'nock'
import {
  IntegrationError,
  InvalidAuthenticationError,
  createRequestClient,
  createTestIntegration
} from '@segment/actions-core'
import definition from '../index'
import { SETTINGS, TIKTOK, TRACK_PATH, trackBody } from './__helpers__/fixtures'

/**
 * Saving the settings: one `event/track` request with no events, sent with the
 * access token; what TikTok answers decides whether the settings are saved, and
 * the message the customer reads when they are not.
 */

const testDestination = createTestIntegration(definition)

/** TikTok, expecting exactly the empty track request with the token, answering `status` with `body`. */
const tiktokAnswers = (status: number, body: Record<string, unknown> | string) =>
  nock(TIKTOK, { reqheaders: { 'access-token': SETTINGS.accessToken, 'content-type': 'application/json' } })
    .post(TRACK_PATH, trackBody([]) as nock.DataMatcherMap)
    .reply(status, body)

beforeEach(() => nock.disableNetConnect())
afterEach(() => {
  nock.cleanAll()
  nock.enableNetConnect()
})

describe('the settings are saved', () => {
  test.each([
    ['TikTok accepts the request (code 0)', 200, { code: 0, message: 'OK', request_id: 'r0' }],
    ['TikTok answers 2xx JSON without a code', 200, {}],
    ['TikTok complains about the empty data', 200, { code: 40002, message: 'data: must contain 1 to 1000 events' }],
    ['TikTok complains about the events', 200, { code: 40000, message: 'Invalid params: events is empty' }],
    ['TikTok complains about a field of the events', 200, { code: 40002, message: 'event_time: required' }]
  ])('%s', async (_, status, body) => {
    const scope = tiktokAnswers(status, body)
    await expect(testDestination.testAuthentication(SETTINGS)).resolves.toBeUndefined()
    expect(scope.isDone()).toBe(true)
  })
})

describe('the settings are refused, with what TikTok said', () => {
  test.each([
    ['event_source_id is invalid'],
    ['Invalid event source'],
    ['EventSource not found'],
    ['Event set does not exist'],
    ['event_set_id: no such event set'],
    ['Unknown eventset ES1234567890']
  ])('a complaint naming the event set: %j', async (message) => {
    tiktokAnswers(200, { code: 40002, message, request_id: 'r3' })
    await expect(testDestination.testAuthentication(SETTINGS)).rejects.toThrow(
      `Credentials are invalid:  TikTok refused the request: ${message} (code 40002, request_id r3)`
    )
  })

  test('the access token TikTok quotes back is redacted', async () => {
    tiktokAnswers(200, { code: 40105, message: `Access token ${SETTINGS.accessToken} is invalid`, request_id: 'r4' })
    await expect(testDestination.testAuthentication(SETTINGS)).rejects.toThrow(
      'Credentials are invalid:  TikTok refused the request: Access token [redacted] is invalid (code 40105, request_id r4)'
    )
  })

  test.each([
    [
      'rate limited',
      200,
      { code: 40100, message: 'Too many requests' },
      'TikTok refused the request: Too many requests (code 40100)'
    ],
    ['HTTP 401', 401, { message: 'Unauthorized' }, 'TikTok answered HTTP 401: Unauthorized'],
    ['a body that is not JSON', 200, '<html></html>', 'TikTok answered HTTP 200 with a body that is not JSON']
  ])('TikTok could not check them: %s', async (_, status, body, message) => {
    tiktokAnswers(status, body)
    await expect(testDestination.testAuthentication(SETTINGS)).rejects.toThrow(`Credentials are invalid:  ${message}`)
  })
})

describe('the errors the definition gives its host', () => {
  const testAuthentication = definition.authentication?.testAuthentication
  const check = async () => {
    if (!testAuthentication) throw new Error('no testAuthentication')
    const request = createRequestClient(definition.extendRequest?.({ settings: SETTINGS, payload: undefined }) ?? {})
    // As actions-core calls it; this scheme (custom) has no OAuth tokens.
    return testAuthentication(request, { settings: SETTINGS, auth: { accessToken: '', refreshToken: '' } })
  }

  test('a credential problem is an InvalidAuthenticationError', async () => {
    tiktokAnswers(200, { code: 40001, message: 'No permission', request_id: 'r5' })
    const error = await check().catch((e: Error) => e)
    expect(error).toBeInstanceOf(InvalidAuthenticationError)
    expect(error).toMatchObject({ message: 'TikTok refused the request: No permission (code 40001, request_id r5)' })
  })

  test("anything else: an IntegrationError, CREDENTIALS_NOT_VERIFIED, with the refusal's status", async () => {
    tiktokAnswers(200, { code: 40002, message: 'Invalid event_source_id', request_id: 'r6' })
    const invalid = await check().catch((e: Error) => e)
    expect(invalid).toBeInstanceOf(IntegrationError)
    expect(invalid).not.toBeInstanceOf(InvalidAuthenticationError)
    expect(invalid).toMatchObject({
      code: 'CREDENTIALS_NOT_VERIFIED',
      status: 400,
      message: 'TikTok refused the request: Invalid event_source_id (code 40002, request_id r6)'
    })
    tiktokAnswers(503, 'unavailable')
    expect(await check().catch((e: Error) => e)).toMatchObject({
      code: 'CREDENTIALS_NOT_VERIFIED',
      status: 503,
      message: 'TikTok answered HTTP 503'
    })
  })

  test('good credentials: nothing is thrown', async () => {
    tiktokAnswers(200, { code: 0, message: 'OK' })
    await expect(check()).resolves.toBeUndefined()
  })
})
