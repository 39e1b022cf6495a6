import nock from 'nock'
import { createTestIntegration, type SegmentEvent } from '@segment/actions-core'
import definition from '../index'
import { presets } from '../presets'
import { MAX_SPLIT_REQUESTS } from '../tiktok/constants'
import { EVENT_TIME, OK, SETTINGS, TIKTOK, TRACK_PATH, USER, offlineEvent, trackBody } from './__helpers__/fixtures'

const ACTION = 'trackNonPaymentOfflineConversion'
const contactPreset = presets.find((p) => p.name === 'Contact')
const MAPPING = contactPreset && 'mapping' in contactPreset && contactPreset.mapping ? contactPreset.mapping : {}

interface TrackBody {
  test_event_code?: string
  data: { event_id: string }[]
}

/** A Contact event with its own messageId; `overrides` change it. */
function contact(id: string, overrides: Partial<SegmentEvent> = {}): SegmentEvent {
  return offlineEvent('Callback Started', {}, { messageId: id, ...overrides })
}

/** The TikTok event `contact(id)` becomes. */
function tiktokContact(id: string): Record<string, unknown> {
  return { event: 'Contact', event_time: EVENT_TIME, event_id: id, user: USER }
}

async function sendBatch(events: SegmentEvent[], mapping = MAPPING) {
  const testDestination = createTestIntegration(definition)
  const responses = await testDestination.testBatchAction(ACTION, { events, mapping, settings: SETTINGS })
  return { responses, multistatus: testDestination.results[0].multistatus ?? [] }
}

/** Records every request body and answers with `answer(body)`. */
function tiktokAnswering(answer: (body: TrackBody) => [number, unknown]) {
  const bodies: TrackBody[] = []
  nock(TIKTOK)
    .persist()
    .post(TRACK_PATH)
    .reply((_uri, body) => {
      bodies.push(body as TrackBody)
      return answer(body as TrackBody)
    })
  return bodies
}

/** What the per-event outcome keeps of TikTok's answer: code, message and request ID. */
const { data: _data, ...OK_SUMMARY } = OK

const ids = (count: number, prefix = 'msg') => Array.from({ length: count }, (_, i) => `${prefix}-${i}`)

beforeEach(() => nock.disableNetConnect())
afterEach(() => {
  nock.cleanAll()
  nock.enableNetConnect()
})

describe('events are sent in requests of at most 1,000', () => {
  test('2,500 events → three requests of 1,000, 1,000 and 500, and a success for every event', async () => {
    const bodies = tiktokAnswering(() => [200, OK])
    const eventIds = ids(2500)

    const { multistatus } = await sendBatch(eventIds.map((id) => contact(id)))

    expect(bodies.map((b) => b.data.length)).toEqual([1000, 1000, 500])
    expect(bodies.flatMap((b) => b.data.map((e) => e.event_id))).toEqual(eventIds)
    expect(bodies[2]).toEqual(trackBody(eventIds.slice(2000).map(tiktokContact)))
    expect(multistatus).toEqual(eventIds.map((id) => ({ status: 200, sent: tiktokContact(id), body: OK_SUMMARY })))
  })

  test('one event through the batch path is one request of one', async () => {
    const bodies = tiktokAnswering(() => [200, OK])
    const { multistatus } = await sendBatch([contact('solo')])
    expect(bodies).toEqual([trackBody([tiktokContact('solo')])])
    expect(multistatus).toEqual([{ status: 200, sent: tiktokContact('solo'), body: OK_SUMMARY }])
  })
})

describe('a bad event costs only itself', () => {
  test('invalid events get a 400 with their reason and are not sent; the others are', async () => {
    const bodies = tiktokAnswering(() => [200, OK])
    const events = [
      contact('good-1'),
      contact('no-identifier', { userId: null, context: { traits: {} } }),
      contact('bad-time', { timestamp: 'yesterday' }),
      contact('good-2'),
      offlineEvent('Callback Started', { currency: 'dollars' }, { messageId: 'bad-currency' }),
      contact('good-3')
    ]

    const { multistatus } = await sendBatch(events)

    expect(bodies).toEqual([trackBody(['good-1', 'good-2', 'good-3'].map(tiktokContact))])
    expect(multistatus).toEqual([
      { status: 200, sent: tiktokContact('good-1'), body: OK_SUMMARY },
      {
        status: 400,
        errortype: 'PAYLOAD_VALIDATION_FAILED',
        errormessage:
          'No identifier: at least one of email_addresses, phone_numbers or external_ids must hold a usable value (phone numbers that cannot be read as E.164 are dropped)',
        errorreporter: 'INTEGRATIONS'
      },
      {
        status: 400,
        errortype: 'PAYLOAD_VALIDATION_FAILED',
        errormessage: 'timestamp: must be an ISO 8601 date or a Unix time in seconds or milliseconds',
        errorreporter: 'INTEGRATIONS'
      },
      { status: 200, sent: tiktokContact('good-2'), body: OK_SUMMARY },
      {
        status: 400,
        errortype: 'PAYLOAD_VALIDATION_FAILED',
        errormessage: 'currency: must be a 3-letter ISO 4217 code, such as USD',
        errorreporter: 'INTEGRATIONS'
      },
      { status: 200, sent: tiktokContact('good-3'), body: OK_SUMMARY }
    ])
  })

  test('an event whose mapping yields an empty event name is refused alone', async () => {
    const bodies = tiktokAnswering(() => [200, OK])
    const { multistatus } = await sendBatch([contact('no-event', { properties: { skip: true } }), contact('good')], {
      ...MAPPING,
      event: { '@if': { exists: { '@path': '$.properties.skip' }, then: '', else: 'Contact' } }
    })
    expect(bodies).toEqual([trackBody([tiktokContact('good')])])
    expect(multistatus).toEqual([
      {
        status: 400,
        errortype: 'PAYLOAD_VALIDATION_FAILED',
        errormessage: 'event: must not be empty',
        errorreporter: 'INTEGRATIONS'
      },
      { status: 200, sent: tiktokContact('good'), body: OK_SUMMARY }
    ])
  })

  test('all events invalid: nothing is sent', async () => {
    const bodies = tiktokAnswering(() => [200, OK])
    const { multistatus } = await sendBatch([contact('a', { timestamp: 'soon' }), contact('b', { timestamp: 'later' })])
    expect(bodies).toEqual([])
    expect(multistatus.map((m) => m.status)).toEqual([400, 400])
  })
})

describe('test event codes are request-level', () => {
  test('events with different codes go in different requests', async () => {
    const bodies = tiktokAnswering(() => [200, OK])
    const events = [
      contact('a', { properties: { code: 'TEST1' } }),
      contact('b'),
      contact('c', { properties: { code: 'TEST2' } }),
      contact('d', { properties: { code: 'TEST1' } })
    ]
    const { multistatus } = await sendBatch(events, { ...MAPPING, test_event_code: { '@path': '$.properties.code' } })

    expect(bodies).toEqual([
      trackBody([tiktokContact('a'), tiktokContact('d')], 'TEST1'),
      trackBody([tiktokContact('b')]),
      trackBody([tiktokContact('c')], 'TEST2')
    ])
    expect(multistatus.map((m) => m.status)).toEqual([200, 200, 200, 200])
  })
})

describe('a refused request: every event in it gets the refusal, the other requests are unaffected', () => {
  const answer = (code: number, message: string) => ({ code, message, request_id: 'req-1' })

  test.each([
    [
      'code 40100 (rate limited)',
      200,
      answer(40100, 'Too many requests'),
      { status: 429, errortype: 'RETRYABLE_ERROR', errormessage: 'TikTok refused the request: Too many requests (code 40100, request_id req-1)' }
    ],
    [
      'code 50000 (TikTok error)',
      200,
      answer(50000, 'System error'),
      { status: 500, errortype: 'RETRYABLE_ERROR', errormessage: 'TikTok refused the request: System error (code 50000, request_id req-1)' }
    ],
    [
      'code 40105 (invalid token)',
      200,
      answer(40105, 'Invalid access token'),
      {
        status: 401,
        errortype: 'INVALID_AUTHENTICATION',
        errormessage: 'TikTok refused the request: Invalid access token (code 40105, request_id req-1)'
      }
    ],
    [
      'HTTP 503',
      503,
      { message: 'Service Unavailable', request_id: 'req-1' },
      { status: 503, errortype: 'RETRYABLE_ERROR', errormessage: 'TikTok answered HTTP 503: Service Unavailable (request_id req-1)' }
    ]
  ])('second of three requests answered %s', async (_, httpStatus, body, expected) => {
    let request = 0
    tiktokAnswering(() => (++request === 2 ? [httpStatus, body] : [200, OK]))
    const eventIds = ids(2500)

    const { multistatus } = await sendBatch(eventIds.map((id) => contact(id)))

    expect(request).toBe(3)
    expect(multistatus.slice(0, 1000)).toEqual(eventIds.slice(0, 1000).map((id) => ({ status: 200, sent: tiktokContact(id), body: OK_SUMMARY })))
    expect(multistatus.slice(2000)).toEqual(eventIds.slice(2000).map((id) => ({ status: 200, sent: tiktokContact(id), body: OK_SUMMARY })))
    expect(multistatus.slice(1000, 2000)).toEqual(
      eventIds.slice(1000, 2000).map((id) => ({ ...expected, sent: tiktokContact(id), body, errorreporter: 'DESTINATION' }))
    )
  })

  test('a connection reset makes its events retryable', async () => {
    nock(TIKTOK).post(TRACK_PATH).replyWithError({ code: 'ECONNRESET', message: 'socket hang up' })
    const { multistatus } = await sendBatch([contact('a'), contact('b')])
    expect(multistatus.map((m) => [m.status, 'errortype' in m ? m.errortype : undefined])).toEqual([
      [503, 'RETRYABLE_ERROR'],
      [503, 'RETRYABLE_ERROR']
    ])
  })
})

describe('TikTok refuses a request as invalid: the offending events are found by splitting it', () => {
  const REFUSAL = { code: 40002, message: 'Invalid value in data', request_id: 'req-bad' }

  test('one bad event among 1,000 → 999 delivered once, that one reported with TikTok message, within the bound', async () => {
    const accepted = new Map<string, number>()
    const bodies = tiktokAnswering((body) => {
      if (body.data.some((e) => e.event_id === 'msg-637')) return [200, REFUSAL]
      for (const e of body.data) accepted.set(e.event_id, (accepted.get(e.event_id) ?? 0) + 1)
      return [200, OK]
    })
    const eventIds = ids(1000)

    const { multistatus } = await sendBatch(eventIds.map((id) => contact(id)))

    // 1 request, then 2 per level of halving: 2 × ⌈log2 1000⌉ = 20.
    expect(bodies.length).toBeLessThanOrEqual(1 + 2 * Math.ceil(Math.log2(1000)))
    expect(bodies.length).toBe(21)
    expect(accepted.size).toBe(999)
    expect([...accepted.values()].every((count) => count === 1)).toBe(true)
    expect(accepted.has('msg-637')).toBe(false)
    multistatus.forEach((entry, i) => {
      if (i === 637) {
        expect(entry).toEqual({
          status: 400,
          errortype: 'BAD_REQUEST',
          errormessage: 'TikTok refused the request: Invalid value in data (code 40002, request_id req-bad)',
          sent: tiktokContact('msg-637'),
          body: REFUSAL,
          errorreporter: 'DESTINATION'
        })
      } else {
        expect(entry).toEqual({ status: 200, sent: tiktokContact(eventIds[i]), body: OK_SUMMARY })
      }
    })
  })

  test(`splitting stops after ${MAX_SPLIT_REQUESTS} extra requests; what is left is reported, never dropped`, async () => {
    // Every event is refused: isolating all of them would take 1,999 requests.
    const bodies = tiktokAnswering(() => [200, REFUSAL])
    const { multistatus } = await sendBatch(ids(1000).map((id) => contact(id)))

    expect(bodies.length).toBe(1 + MAX_SPLIT_REQUESTS)
    expect(multistatus).toHaveLength(1000)
    expect(multistatus.every((m) => m.status === 400)).toBe(true)
    const messages = new Set(multistatus.map((m) => ('errormessage' in m ? m.errormessage : '')))
    expect([...messages].every((m) => m.startsWith('TikTok refused the request: Invalid value in data (code 40002, request_id req-bad)'))).toBe(true)
    expect([...messages].some((m) => m.includes(`could not be isolated within ${MAX_SPLIT_REQUESTS} extra requests`))).toBe(true)
  })

  test('a half answered retryable while splitting keeps its retryable status', async () => {
    let request = 0
    tiktokAnswering(() => {
      request++
      if (request === 1) return [200, REFUSAL]
      if (request === 2) return [200, OK]
      return [200, { code: 50000, message: 'System error', request_id: 'req-5' }]
    })
    const { multistatus } = await sendBatch(ids(4).map((id) => contact(id)))
    expect(multistatus.map((m) => m.status)).toEqual([200, 200, 500, 500])
  })
})
