import nock from 'nock'
import { createRequestClient, createTestIntegration } from '@segment/actions-core'
import type { JSONObject, SegmentEvent } from '@segment/actions-core'
import definition from '../index'
import { presets } from '../presets'
import type { Payload } from '../trackNonPaymentOfflineConversion/generated-types'
import {
  EVENT_TIME,
  OK,
  SETTINGS,
  TIKTOK,
  TIMESTAMP,
  TRACK_PATH,
  USER,
  droppedWithoutCountry,
  offlineEvent,
  trackBody
} from './__helpers__/fixtures'
import { tiktokAnswering } from './__helpers__/tiktok-answering'
import { deliverConversions } from '../delivery'

/** Requests and per-event outcomes of the batch path, exactly as TikTok and Segment see them. */

const ACTION = 'trackNonPaymentOfflineConversion'
const contactPreset = presets.find((p) => p.name === 'Contact')
const MAPPING = contactPreset && 'mapping' in contactPreset && contactPreset.mapping ? contactPreset.mapping : {}
const { data: _data, ...OK_SUMMARY } = OK

const contact = (id: string, overrides: Partial<SegmentEvent> = {}): SegmentEvent =>
  offlineEvent('Callback Started', {}, { messageId: id, ...overrides })
const tiktokContact = (id: string) => ({ event: 'Contact', event_time: EVENT_TIME, event_id: id, user: USER })
const ids = (count: number) => Array.from({ length: count }, (_, i) => `msg-${i}`)

async function sendBatch(events: SegmentEvent[], mapping: JSONObject = MAPPING) {
  const testDestination = createTestIntegration(definition)
  await testDestination.testBatchAction(ACTION, { events, mapping, settings: SETTINGS })
  return testDestination.results[0].multistatus ?? []
}

beforeEach(() => nock.disableNetConnect())
afterEach(() => {
  nock.cleanAll()
  nock.enableNetConnect()
})

describe('test event codes', () => {
  test('are trimmed; the same code written with spaces is the same request; a blank one is none', async () => {
    const bodies = tiktokAnswering(() => [200, OK])
    const multistatus = await sendBatch(
      [
        contact('a', { properties: { code: ' TEST1 ' } }),
        contact('b', { properties: { code: '   ' } }),
        contact('c', { properties: { code: 'TEST1' } }),
        contact('d')
      ],
      { ...MAPPING, test_event_code: { '@path': '$.properties.code' } }
    )
    expect(bodies).toEqual([
      trackBody([tiktokContact('a'), tiktokContact('c')], 'TEST1'),
      trackBody([tiktokContact('b'), tiktokContact('d')])
    ])
    expect(multistatus.map((entry) => entry.status)).toEqual([200, 200, 200, 200])
  })
})

describe('splitting a refused request runs out of budget: what is left is retryable, and says so', () => {
  const REFUSAL = { code: 40002, message: 'Invalid value in data', request_id: 'req-bad' }
  const REFUSED = 'TikTok refused the request: Invalid value in data (code 40002, request_id req-bad)'

  test('34 events, all refused: 32 are isolated (64 extra requests), the last two are refused together', async () => {
    // Halving depth first, the first half of 17 takes 32 requests; the second half runs out
    // with its last two events in one request: nothing is left to split them with.
    const bodies = tiktokAnswering(() => [200, REFUSAL])
    const eventIds = ids(34)
    const multistatus = await sendBatch(eventIds.map((id) => contact(id)))

    expect(bodies).toHaveLength(65)
    expect(bodies[0].data).toHaveLength(34)
    expect(bodies[64].data.map((e) => e.event_id)).toEqual(['msg-32', 'msg-33'])
    expect(multistatus.slice(0, 32)).toEqual(
      eventIds.slice(0, 32).map((id) => ({
        status: 400,
        errortype: 'BAD_REQUEST',
        errormessage: REFUSED,
        sent: tiktokContact(id),
        body: REFUSAL,
        errorreporter: 'DESTINATION'
      }))
    )
    expect(multistatus.slice(32)).toEqual(
      ['msg-32', 'msg-33'].map((id) => ({
        status: 500,
        errortype: 'RETRYABLE_ERROR',
        errormessage: `${REFUSED} (refused together with 1 other events; the offending ones were not isolated within 64 extra requests, so this is retryable: a retry holds fewer of them)`,
        sent: tiktokContact(id),
        body: REFUSAL,
        errorreporter: 'DESTINATION'
      }))
    )
  })

  test('33 events, all refused: the budget isolates every one of them', async () => {
    const bodies = tiktokAnswering(() => [200, REFUSAL])
    const multistatus = await sendBatch(ids(33).map((id) => contact(id)))
    expect(bodies).toHaveLength(65)
    expect(multistatus.map((entry) => entry.status)).toEqual(Array(33).fill(400))
  })

  test('a request of two, one refused: split once, the other delivered', async () => {
    const bodies = tiktokAnswering((body) =>
      body.data.some((e) => e.event_id === 'msg-1') ? [200, REFUSAL] : [200, OK]
    )
    const multistatus = await sendBatch(ids(2).map((id) => contact(id)))
    expect(bodies.map((body) => body.data.map((e) => e.event_id))).toEqual([['msg-0', 'msg-1'], ['msg-0'], ['msg-1']])
    expect(multistatus).toEqual([
      { status: 200, sent: tiktokContact('msg-0'), body: OK_SUMMARY },
      {
        status: 400,
        errortype: 'BAD_REQUEST',
        errormessage: REFUSED,
        sent: tiktokContact('msg-1'),
        body: REFUSAL,
        errorreporter: 'DESTINATION'
      }
    ])
  })

  test('an odd request is split with the larger half first', async () => {
    const bodies = tiktokAnswering((body) => (body.data.length > 1 ? [200, REFUSAL] : [200, OK]))
    await sendBatch(ids(3).map((id) => contact(id)))
    expect(bodies.map((body) => body.data.map((e) => e.event_id))).toEqual([
      ['msg-0', 'msg-1', 'msg-2'],
      ['msg-0', 'msg-1'],
      ['msg-0'],
      ['msg-1'],
      ['msg-2']
    ])
  })
})

describe('no answer: every event of the request gets the failure, without a TikTok body', () => {
  test('a reset connection on the batch path', async () => {
    nock(TIKTOK).post(TRACK_PATH).replyWithError({ code: 'ECONNRESET', message: 'socket hang up' })
    expect(await sendBatch([contact('a'), contact('b')])).toEqual(
      ['a', 'b'].map((id) => ({
        status: 503,
        errortype: 'RETRYABLE_ERROR',
        errormessage:
          'Could not reach TikTok: request to https://business-api.tiktok.com/open_api/v1.3/event/track/ failed, reason: socket hang up',
        sent: tiktokContact(id),
        errorreporter: 'DESTINATION'
      }))
    )
  })
})

describe('an empty batch', () => {
  test('has no outcome and sends nothing', async () => {
    const request = createRequestClient({})
    await expect(deliverConversions(request, SETTINGS, [])).resolves.toEqual([])
    expect(nock.pendingMocks()).toEqual([])
  })
})

describe('the single-event path', () => {
  const payload: Payload = {
    event: 'Contact',
    event_id: 'msg-1',
    timestamp: TIMESTAMP,
    email_addresses: ['jane.doe@example.com']
  }
  /** The request client actions-core hands to the action. */
  const request = createRequestClient(definition.extendRequest?.({ settings: SETTINGS, payload: undefined }) ?? {})

  test('returns what TikTok answered and what was dropped', async () => {
    nock(TIKTOK).post(TRACK_PATH).reply(200, OK)
    await expect(
      definition.actions[ACTION].perform(request, {
        payload: { ...payload, phone_numbers: ['201-555-0123'] },
        settings: { ...SETTINGS, defaultPhoneCountry: undefined }
      })
    ).resolves.toEqual({ ...OK_SUMMARY, dropped: [droppedWithoutCountry(0)] })
  })

  test('a mistake in the code is not passed off as a refused event', async () => {
    // A host that skips actions-core's validation can hand over a payload without an event name.
    const broken = { ...payload, event: undefined } as unknown as Payload
    await expect(definition.actions[ACTION].perform(request, { payload: broken, settings: SETTINGS })).rejects.toThrow(
      TypeError
    )
    expect(nock.pendingMocks()).toEqual([])
  })
})
