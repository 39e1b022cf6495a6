import nock from 'nock'
import { createTestIntegration } from '@segment/actions-core'
import type { SegmentEvent } from '@segment/actions-core'
import definition from '../index'
import { presets } from '../presets'
import { MAX_REQUEST_BODY_BYTES, MAX_SPLIT_REQUESTS } from '../tiktok/constants'
import {
  EVENT_TIME,
  OK,
  SETTINGS,
  TIKTOK,
  TRACK_PATH,
  USER,
  droppedWithoutCountry,
  offlineEvent,
  trackBody
} from './__helpers__/fixtures'
import { tiktokAnswering } from './__helpers__/tiktok-answering'

const ACTION = 'trackNonPaymentOfflineConversion'
const contactPreset = presets.find((p) => p.name === 'Contact')
const MAPPING = contactPreset && 'mapping' in contactPreset && contactPreset.mapping ? contactPreset.mapping : {}

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
  const responses = await testDestination.testBatchAction(ACTION, {
    events,
    mapping,
    settings: SETTINGS
  })
  return {
    responses,
    multistatus: testDestination.results[0].multistatus ?? []
  }
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
    expect(multistatus).toEqual(
      eventIds.map((id) => ({
        status: 200,
        sent: tiktokContact(id),
        body: OK_SUMMARY
      }))
    )
  })

  test('one event through the batch path is one request of one', async () => {
    const bodies = tiktokAnswering(() => [200, OK])
    const { multistatus } = await sendBatch([contact('solo')])
    expect(bodies).toEqual([trackBody([tiktokContact('solo')])])
    expect(multistatus).toEqual([{ status: 200, sent: tiktokContact('solo'), body: OK_SUMMARY }])
  })
})

describe('requests stay under MAX_REQUEST_BODY_BYTES; a request refused as too large is split, never refused for its company', () => {
  /** A Contact event carrying about `kilobytes` KB in its description, as a CRM note can. */
  const large = (id: string, kilobytes: number) =>
    offlineEvent('Callback Started', { description: 'n'.repeat(kilobytes * 1024) }, { messageId: id })
  const largeMapping = { ...MAPPING, description: { '@path': '$.properties.description' } }
  const bodySize = (body: unknown) => Buffer.byteLength(JSON.stringify(body))

  test('1,000 events of 27 KB (27 MB) → requests of at most 4 MiB, every event delivered, in order', async () => {
    const bodies = tiktokAnswering(() => [200, OK])
    const events = ids(1000).map((id) => large(id, 27))
    const { multistatus } = await sendBatch(events, largeMapping)
    // Each event is 28,2xx bytes of JSON: 149 of them fill 4 MiB.
    expect(bodies.map((body) => body.data.length)).toEqual([...Array(6).fill(149), 106])
    for (const body of bodies) expect(bodySize(body)).toBeLessThanOrEqual(MAX_REQUEST_BODY_BYTES)
    expect(bodies.flatMap((body) => body.data.map((event) => event.event_id))).toEqual(ids(1000))
    expect(multistatus.map((entry) => entry.status)).toEqual(Array(1000).fill(200))
  })

  test('an event larger than the limit on its own goes alone, between its neighbours', async () => {
    const bodies = tiktokAnswering(() => [200, OK])
    await sendBatch([contact('before'), large('huge', 4200), contact('after')], largeMapping)
    expect(bodies.map((body) => body.data.map((event) => event.event_id))).toEqual([['before'], ['huge'], ['after']])
  })

  test('TikTok answers HTTP 413 over 1 MB: the request is halved until it fits, every event delivered once', async () => {
    const bodies = tiktokAnswering((body) =>
      bodySize(body) > 1024 * 1024 ? [413, { message: 'Request Entity Too Large' }] : [200, OK]
    )
    const { multistatus } = await sendBatch(
      ids(100).map((id) => large(id, 27)),
      largeMapping
    )
    // 100 events of 27 KB (2.7 MB): halved to 50 (1.35 MB, too large again), then 25 (0.7 MB) each.
    expect(bodies.map((body) => body.data.length)).toEqual([100, 50, 25, 25, 50, 25, 25])
    const delivered = bodies.filter((body) => bodySize(body) <= 1024 * 1024)
    expect(delivered.flatMap((body) => body.data.map((event) => event.event_id))).toEqual(ids(100))
    expect(multistatus.map((entry) => entry.status)).toEqual(Array(100).fill(200))
  })

  test('one event TikTok refuses as too large on its own is rejected (400), its neighbours delivered', async () => {
    tiktokAnswering((body) =>
      bodySize(body) > 1024 * 1024 ? [413, { message: 'Request Entity Too Large' }] : [200, OK]
    )
    const { multistatus } = await sendBatch([contact('a'), large('huge', 1100), contact('b')], largeMapping)
    expect(multistatus.map((entry) => entry.status)).toEqual([200, 400, 200])
    expect(multistatus[1]).toMatchObject({
      errortype: 'BAD_REQUEST',
      errormessage: 'TikTok answered HTTP 413: Request Entity Too Large'
    })
  })
})

describe('a bad event costs only itself', () => {
  test('invalid events get a 400 with their reason and are not sent; the others are', async () => {
    const bodies = tiktokAnswering(() => [200, OK])
    const events = [
      contact('good-1'),
      contact('no-identifier', { context: { traits: {} } }),
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
          'email_addresses, phone_numbers: no usable email address or phone number; TikTok matches offline events by email or phone only, so an external ID alone cannot be matched',
        body: { reason: 'no_email_or_phone', field: 'email_addresses, phone_numbers' },
        // actions-core names the destination the reporter of any error entry with a body.
        errorreporter: 'DESTINATION'
      },
      {
        status: 400,
        errortype: 'PAYLOAD_VALIDATION_FAILED',
        errormessage:
          'timestamp: must be an ISO 8601 date (UTC when it has no offset) or a Unix time in seconds or milliseconds',
        body: { reason: 'unreadable_timestamp', field: 'timestamp' },
        errorreporter: 'DESTINATION'
      },
      { status: 200, sent: tiktokContact('good-2'), body: OK_SUMMARY },
      {
        status: 400,
        errortype: 'PAYLOAD_VALIDATION_FAILED',
        errormessage: 'currency: must be a 3-letter ISO 4217 code, such as USD',
        body: { reason: 'invalid_currency', field: 'currency' },
        errorreporter: 'DESTINATION'
      },
      { status: 200, sent: tiktokContact('good-3'), body: OK_SUMMARY }
    ])
  })

  test('an event whose mapping yields a name that is not an offline standard event is refused alone', async () => {
    const bodies = tiktokAnswering(() => [200, OK])
    const { multistatus } = await sendBatch([contact('purchase', { properties: { web: true } }), contact('good')], {
      ...MAPPING,
      event: {
        '@if': {
          exists: { '@path': '$.properties.web' },
          then: 'Purchase',
          else: 'Contact'
        }
      }
    })
    expect(bodies).toEqual([trackBody([tiktokContact('good')])])
    expect(multistatus).toEqual([
      {
        status: 400,
        errortype: 'PAYLOAD_VALIDATION_FAILED',
        errormessage: expect.stringMatching(/^Event Name must be one of: "CompletePayment", "PlaceAnOrder", /),
        errorreporter: 'INTEGRATIONS'
      },
      { status: 200, sent: tiktokContact('good'), body: OK_SUMMARY }
    ])
  })

  test('what was dropped from a delivered event is in its success entry, by field and position', async () => {
    tiktokAnswering(() => [200, OK])
    const settings = {
      accessToken: SETTINGS.accessToken,
      eventSetID: SETTINGS.eventSetID
    }
    const testDestination = createTestIntegration(definition)
    await testDestination.testBatchAction(ACTION, {
      events: [
        contact('with-national-phone', {
          context: {
            traits: {
              email: 'jane.doe@example.com',
              phone: ['+1 415 555 0132', '201-555-0123']
            }
          }
        }),
        contact('clean', {
          context: {
            traits: { email: 'jane.doe@example.com', phone: '+1 415 555 0132' }
          }
        })
      ],
      mapping: MAPPING,
      settings
    })
    expect(testDestination.results[0].multistatus).toEqual([
      {
        status: 200,
        sent: tiktokContact('with-national-phone'),
        body: {
          ...OK_SUMMARY,
          dropped: [droppedWithoutCountry(1)]
        }
      },
      { status: 200, sent: tiktokContact('clean'), body: OK_SUMMARY }
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
    const { multistatus } = await sendBatch(events, {
      ...MAPPING,
      test_event_code: { '@path': '$.properties.code' }
    })

    expect(bodies).toEqual([
      trackBody([tiktokContact('a'), tiktokContact('d')], 'TEST1'),
      trackBody([tiktokContact('b')]),
      trackBody([tiktokContact('c')], 'TEST2')
    ])
    expect(multistatus.map((m) => m.status)).toEqual([200, 200, 200, 200])
  })
})

describe('a refused request: every event in it gets the refusal, the other requests are unaffected', () => {
  const answer = (code: number, message: string) => ({
    code,
    message,
    request_id: 'req-1'
  })

  test.each([
    [
      'code 40100 (rate limited)',
      200,
      answer(40100, 'Too many requests'),
      {
        status: 429,
        errortype: 'RETRYABLE_ERROR',
        errormessage: 'TikTok refused the request: Too many requests (code 40100, request_id req-1)'
      }
    ],
    [
      'code 50000 (TikTok error)',
      200,
      answer(50000, 'System error'),
      {
        status: 500,
        errortype: 'RETRYABLE_ERROR',
        errormessage: 'TikTok refused the request: System error (code 50000, request_id req-1)'
      }
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
      {
        status: 503,
        errortype: 'RETRYABLE_ERROR',
        errormessage: 'TikTok answered HTTP 503: Service Unavailable (request_id req-1)'
      }
    ]
  ])('second of three requests answered %s', async (_, httpStatus, body, expected) => {
    let request = 0
    tiktokAnswering(() => (++request === 2 ? [httpStatus, body] : [200, OK]))
    const eventIds = ids(2500)

    const { multistatus } = await sendBatch(eventIds.map((id) => contact(id)))

    expect(request).toBe(3)
    expect(multistatus.slice(0, 1000)).toEqual(
      eventIds.slice(0, 1000).map((id) => ({
        status: 200,
        sent: tiktokContact(id),
        body: OK_SUMMARY
      }))
    )
    expect(multistatus.slice(2000)).toEqual(
      eventIds.slice(2000).map((id) => ({
        status: 200,
        sent: tiktokContact(id),
        body: OK_SUMMARY
      }))
    )
    expect(multistatus.slice(1000, 2000)).toEqual(
      eventIds.slice(1000, 2000).map((id) => ({
        ...expected,
        sent: tiktokContact(id),
        body,
        errorreporter: 'DESTINATION'
      }))
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
  const REFUSAL = {
    code: 40002,
    message: 'Invalid value in data',
    request_id: 'req-bad'
  }

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
        expect(entry).toEqual({
          status: 200,
          sent: tiktokContact(eventIds[i]),
          body: OK_SUMMARY
        })
      }
    })
  })

  test(`splitting stops after ${MAX_SPLIT_REQUESTS} extra requests; what is left is retryable, never refused for good`, async () => {
    // Every event is refused: isolating all of them would take 1,999 requests.
    const bodies = tiktokAnswering(() => [200, REFUSAL])
    const { multistatus } = await sendBatch(ids(1000).map((id) => contact(id)))

    expect(bodies.length).toBe(1 + MAX_SPLIT_REQUESTS)
    expect(multistatus).toHaveLength(1000)
    const isolated = multistatus.filter((m) => m.status === 400)
    const undetermined = multistatus.filter((m) => m.status === 500)
    expect(isolated.length + undetermined.length).toBe(1000)
    // Only a request of one event can be blamed on that event.
    const singles = bodies.filter((body) => body.data.length === 1).length
    expect(isolated).toHaveLength(singles)
    for (const entry of isolated) {
      expect(entry).toMatchObject({
        errortype: 'BAD_REQUEST',
        errormessage: 'TikTok refused the request: Invalid value in data (code 40002, request_id req-bad)'
      })
    }
    for (const entry of undetermined) {
      expect(entry).toMatchObject({
        errortype: 'RETRYABLE_ERROR',
        errormessage: expect.stringMatching(
          new RegExp(
            `^TikTok refused the request: Invalid value in data \\(code 40002, request_id req-bad\\) \\(refused together with \\d+ other events; the offending ones were not isolated within ${MAX_SPLIT_REQUESTS} extra requests, so this is retryable: a retry holds fewer of them\\)$`
          )
        )
      })
    }
  })

  test('5 bad events among 1,000: no valid event is refused for good, and retries deliver every one of them once', async () => {
    const bad = new Set(['msg-3', 'msg-250', 'msg-251', 'msg-600', 'msg-999'])
    const accepted = new Map<string, number>()
    const bodies = tiktokAnswering((body) => {
      if (body.data.some((e) => bad.has(e.event_id))) return [200, REFUSAL]
      for (const e of body.data) accepted.set(e.event_id, (accepted.get(e.event_id) ?? 0) + 1)
      return [200, OK]
    })

    // As Segment does: re-send only the events whose status is retryable, until none is.
    let pending = ids(1000)
    const refused = new Set<string>()
    for (let attempt = 1; pending.length > 0; attempt++) {
      expect(attempt).toBeLessThanOrEqual(5)
      const { multistatus } = await sendBatch(pending.map((id) => contact(id)))
      const retry: string[] = []
      multistatus.forEach((entry, i) => {
        if (entry.status === 400) refused.add(pending[i])
        else if (entry.status === 500) retry.push(pending[i])
        else expect(entry.status).toBe(200)
      })
      pending = retry
    }

    expect([...refused].sort()).toEqual([...bad].sort())
    expect(accepted.size).toBe(995)
    expect([...accepted.values()].every((count) => count === 1)).toBe(true)
    expect(bodies.length).toBeGreaterThan(1)
  })

  test.each([
    [
      '40061 (batch size)',
      200,
      { code: 40061, message: 'Invalid batch size', request_id: 'req-size' },
      'TikTok refused the request: Invalid batch size (code 40061, request_id req-size)'
    ],
    [
      '40063 (partner name)',
      200,
      {
        code: 40063,
        message: 'Invalid partner name',
        request_id: 'req-partner'
      },
      'TikTok refused the request: Invalid partner name (code 40063, request_id req-partner)'
    ],
    [
      'HTTP 400',
      400,
      { message: 'Bad Request', request_id: 'req-400' },
      'TikTok answered HTTP 400: Bad Request (request_id req-400)'
    ]
  ])(
    'a request-level refusal, %s, is not split: one request, every event gets it',
    async (_, httpStatus, body, message) => {
      const bodies = tiktokAnswering(() => [httpStatus, body])
      const { multistatus } = await sendBatch(ids(1000).map((id) => contact(id)))
      expect(bodies).toHaveLength(1)
      expect(
        new Set(multistatus.map((m) => JSON.stringify([m.status, 'errormessage' in m ? m.errormessage : ''])))
      ).toEqual(new Set([JSON.stringify([400, message])]))
    }
  )

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
