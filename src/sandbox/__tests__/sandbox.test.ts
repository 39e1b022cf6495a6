import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseSandboxCommandLine } from '../main'
import { validateTrackRequest } from '../rules'
import { Sandbox, SandboxOptions, startSandbox, TRACK_PATH } from '../server'

const TOKEN = 'sandbox-access-token'
const EVENT_SET = 'sandbox-event-set'
/** A fixed clock (2024-01-08T12:00:00Z), so time rules and rate windows are exact. */
const NOW_MS = Date.UTC(2024, 0, 8, 12, 0, 0)
const NOW_SECONDS = NOW_MS / 1000
const PLAIN_EMAIL = 'Jane.Doe@example.com'
const PLAIN_PHONE = '+14155550123'

type Json = Record<string, unknown>

interface Answer {
  status: number
  headers: Headers
  text: string
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex')

function goodEvent(eventId = 'evt-1'): Json {
  return {
    event: 'CompletePayment',
    event_time: NOW_SECONDS - 3600,
    event_id: eventId,
    user: {
      email: [sha256('jane.doe@example.com')],
      phone: [sha256(PLAIN_PHONE)],
      external_id: [sha256('user-42')],
      ttclid: 'E.C.P.abc',
      locale: 'en-US'
    },
    properties: {
      contents: [
        { price: 5, quantity: 2, content_id: 'p1', content_category: 'Apparel', content_name: 'Shirt', brand: 'Acme' }
      ],
      content_type: 'product',
      currency: 'USD',
      value: 10,
      order_id: 'order-1'
    },
    page: { url: 'https://shop.example.com/checkout', referrer: 'https://example.com/' },
    limited_data_use: false
  }
}

function goodBody(events: Json[] = [goodEvent()], extra: Json = {}): Json {
  return { event_source: 'offline', event_source_id: EVENT_SET, partner_name: 'Segment', data: events, ...extra }
}

async function post(
  sandbox: Sandbox,
  body: unknown,
  headers: Record<string, string> = { 'Access-Token': TOKEN, 'Content-Type': 'application/json' },
  path = TRACK_PATH
): Promise<Answer> {
  const response = await fetch(`${sandbox.url}${path}`, {
    method: 'POST',
    headers,
    body: typeof body === 'string' ? body : JSON.stringify(body)
  })
  return { status: response.status, headers: response.headers, text: await response.text() }
}

async function track(sandbox: Sandbox, body: unknown): Promise<Json> {
  const answer = await post(sandbox, body)
  expect(answer.status).toBe(200)
  return JSON.parse(answer.text) as Json
}

async function getJson(sandbox: Sandbox, path: string): Promise<unknown> {
  const response = await fetch(`${sandbox.url}${path}`)
  expect(response.status).toBe(200)
  return response.json()
}

/** Deep copy of a good event with one field changed (`undefined` deletes it). */
function eventWith(path: string[], value: unknown): Json {
  const event = goodEvent()
  let parent: Json = event
  for (const key of path.slice(0, -1)) parent = parent[key] as Json
  const last = path[path.length - 1]
  if (value === undefined) delete parent[last]
  else parent[last] = value
  return event
}

let sandboxes: Sandbox[] = []

async function start(options: SandboxOptions = {}): Promise<Sandbox> {
  const sandbox = await startSandbox({ now: () => NOW_MS, ...options })
  sandboxes.push(sandbox)
  return sandbox
}

afterEach(async () => {
  await Promise.all(sandboxes.map((sandbox) => sandbox.close()))
  sandboxes = []
})

describe('accepting a good request', () => {
  it('answers code 0 like TikTok, counts the event by id and keeps it', async () => {
    const sandbox = await start()
    const body = goodBody([goodEvent('evt-1')], { test_event_code: 'TEST123' })

    const answer = await post(sandbox, body)

    expect(answer.status).toBe(200)
    expect(answer.headers.get('content-type')).toBe('application/json')
    const json = JSON.parse(answer.text) as Json
    expect(json).toEqual({
      code: 0,
      message: 'OK',
      request_id: expect.stringMatching(/^2024010812\d{4}[0-9A-F]{12}$/),
      data: {}
    })
    expect(sandbox.acceptedCount('evt-1')).toBe(1)
    expect(sandbox.acceptedCount('evt-unknown')).toBe(0)
    expect([...sandbox.eventIdCounts()]).toEqual([['evt-1', 1]])
    const kept = [{ request_id: json.request_id, test_event_code: 'TEST123', event: goodEvent('evt-1') }]
    expect(sandbox.events()).toEqual(kept)
    expect(await getJson(sandbox, '/sandbox/events')).toEqual(kept)
    expect(await getJson(sandbox, '/sandbox/event-ids')).toEqual({ 'evt-1': 1 })
  })

  it('accepts the path without its trailing slash and gives every request its own request_id', async () => {
    const sandbox = await start()
    const first = await post(sandbox, goodBody([goodEvent('a')]), undefined, TRACK_PATH.slice(0, -1))
    const second = await post(sandbox, goodBody([goodEvent('b')]))

    expect(JSON.parse(first.text)).toMatchObject({ code: 0 })
    expect(JSON.parse(second.text)).toMatchObject({ code: 0 })
    expect((JSON.parse(first.text) as Json).request_id).not.toBe((JSON.parse(second.text) as Json).request_id)
  })

  it('accepts 1,000 events, events without event_id, and a minimal event', async () => {
    const sandbox = await start()
    const thousand = Array.from({ length: 1000 }, (_, i) => goodEvent(`evt-${i}`))
    const minimal = { event: 'Contact', event_time: NOW_SECONDS, user: { phone: [sha256('+14155550132')] } }

    expect(await track(sandbox, goodBody(thousand))).toMatchObject({ code: 0 })
    expect(await track(sandbox, goodBody([minimal]))).toMatchObject({ code: 0 })
    expect(sandbox.stats()).toEqual({
      requests: 2,
      accepted: 2,
      rejected: {},
      faults: {},
      acceptedEvents: 1001,
      acceptedEventsWithoutId: 1,
      uniqueEventIds: 1000,
      duplicateEventIds: 0
    })
  })

  it('counts a re-sent event_id twice, so a test can see duplicates', async () => {
    const sandbox = await start()
    await track(sandbox, goodBody([goodEvent('evt-1'), goodEvent('evt-2')]))
    await track(sandbox, goodBody([goodEvent('evt-1')]))

    expect(sandbox.acceptedCount('evt-1')).toBe(2)
    expect(sandbox.acceptedCount('evt-2')).toBe(1)
    expect(sandbox.stats()).toMatchObject({ acceptedEvents: 3, uniqueEventIds: 2, duplicateEventIds: 1 })
  })

  it('keeps only keepEvents events in full but counts them all', async () => {
    const sandbox = await start({ keepEvents: 2 })
    await track(sandbox, goodBody([goodEvent('a'), goodEvent('b'), goodEvent('c')]))

    expect(sandbox.events().map((kept) => kept.event.event_id)).toEqual(['a', 'b'])
    expect(sandbox.events()[0]).not.toHaveProperty('test_event_code')
    expect(sandbox.stats()).toMatchObject({ acceptedEvents: 3, uniqueEventIds: 3 })
    expect(sandbox.acceptedCount('c')).toBe(1)
  })

  // How fast it takes them is a figure of the benchmarks (the zero-latency cells of
  // `npm run bench -- --only adaptive`), not of a test: a loaded machine would fail a timed one.
  it('takes ten 1,000-event requests at once, every event accepted', async () => {
    const sandbox = await start()
    const requests = Array.from({ length: 10 }, (_, r) =>
      goodBody(Array.from({ length: 1000 }, (_, i) => goodEvent(`evt-${r}-${i}`)))
    )
    const answers = await Promise.all(requests.map((body) => track(sandbox, body)))

    expect(answers.map((answer) => answer.code)).toEqual(Array.from({ length: 10 }, () => 0))
    expect(sandbox.stats().uniqueEventIds).toBe(10_000)
  })
})

describe('authentication and permission, checked before the body', () => {
  it('answers 40104 without an Access-Token', async () => {
    const sandbox = await start()
    const json = JSON.parse((await post(sandbox, goodBody(), { 'Content-Type': 'application/json' })).text) as Json
    expect(json).toEqual({
      code: 40104,
      message: 'Access-Token header is missing',
      request_id: expect.any(String),
      data: {}
    })
  })

  it('answers 40105 for a wrong Access-Token, even when the body is also wrong', async () => {
    const sandbox = await start()
    const answer = await post(sandbox, 'not json', { 'Access-Token': 'wrong', 'Content-Type': 'application/json' })
    expect(answer.status).toBe(200)
    expect(JSON.parse(answer.text)).toMatchObject({ code: 40105, message: 'Invalid access token' })
  })

  it('answers 40001 for an event set the token may not write to', async () => {
    const sandbox = await start({ accessToken: 'my-token', eventSetId: 'my-set' })
    const answer = await post(sandbox, goodBody([goodEvent()], { event_source_id: 'other-set' }), {
      'Access-Token': 'my-token',
      'Content-Type': 'application/json'
    })
    expect(JSON.parse(answer.text)).toMatchObject({
      code: 40001,
      message: 'No permission to operate event set other-set'
    })
  })

  it('answers 40002 for a Content-Type that is not JSON, and for a body that is not JSON', async () => {
    const sandbox = await start()
    const textPlain = await post(sandbox, goodBody(), { 'Access-Token': TOKEN, 'Content-Type': 'text/plain' })
    const notJson = await post(sandbox, '{"event_source":', {
      'Access-Token': TOKEN,
      'Content-Type': 'application/json; charset=utf-8'
    })

    expect(JSON.parse(textPlain.text)).toMatchObject({ code: 40002, message: 'Content-Type: must be application/json' })
    expect(JSON.parse(notJson.text)).toMatchObject({ code: 40002, message: 'body: must be valid JSON' })
  })

  it('refuses a body over the size limit with HTTP 413 and code 40002', async () => {
    const sandbox = await start({ maxBodyBytes: 1000 })
    const answer = await post(sandbox, goodBody(Array.from({ length: 10 }, (_, i) => goodEvent(`e${i}`))))

    expect(answer.status).toBe(413)
    expect(JSON.parse(answer.text)).toMatchObject({ code: 40002, message: 'body: must not exceed 1000 bytes' })
  })
})

describe("TikTok's rules, each with its code and a message naming the field", () => {
  const hashedEmail = sha256('jane.doe@example.com')
  const cases: Array<[string, Json, string]> = [
    [
      'a plain email',
      goodBody([goodEvent('a'), goodEvent('b'), goodEvent('c'), eventWith(['user', 'email'], [PLAIN_EMAIL])]),
      'data[3].user.email[0]: must be a SHA-256 hash (64 lowercase hex characters), got a plain value'
    ],
    [
      'a plain phone',
      goodBody([eventWith(['user', 'phone'], [PLAIN_PHONE])]),
      'data[0].user.phone[0]: must be a SHA-256 hash (64 lowercase hex characters), got a plain value'
    ],
    [
      'an uppercase hash',
      goodBody([eventWith(['user', 'external_id'], [hashedEmail.toUpperCase()])]),
      'data[0].user.external_id[0]: must be a SHA-256 hash (64 lowercase hex characters), got uppercase hex'
    ],
    [
      'an email that is a string, not an array',
      goodBody([eventWith(['user', 'email'], hashedEmail)]),
      'data[0].user.email: must be an array of SHA-256 hashes, got a string'
    ],
    [
      'a null value',
      goodBody([eventWith(['properties', 'order_id'], null)]),
      'data[0].properties.order_id: must be omitted rather than null/empty'
    ],
    [
      'an empty string',
      goodBody([eventWith(['user', 'ttclid'], '')]),
      'data[0].user.ttclid: must be omitted rather than null/empty'
    ],
    ['an empty object', goodBody([eventWith(['page'], {})]), 'data[0].page: must be omitted rather than null/empty'],
    [
      'an empty identifier array',
      goodBody([eventWith(['user', 'phone'], [])]),
      'data[0].user.phone: must be omitted rather than null/empty'
    ],
    [
      'a null test_event_code',
      goodBody([goodEvent()], { test_event_code: null }),
      'test_event_code: must be omitted rather than null/empty'
    ],
    [
      'event_time in milliseconds',
      goodBody([eventWith(['event_time'], NOW_MS)]),
      'data[0].event_time: must be Unix seconds, got what looks like milliseconds'
    ],
    [
      'event_time as a string',
      goodBody([eventWith(['event_time'], String(NOW_SECONDS))]),
      'data[0].event_time: must be an integer number of Unix seconds, got a string'
    ],
    [
      'event_time with a fraction',
      goodBody([eventWith(['event_time'], NOW_SECONDS + 0.5)]),
      'data[0].event_time: must be an integer number of Unix seconds, got a fraction'
    ],
    [
      'event_time more than 5 minutes ahead',
      goodBody([eventWith(['event_time'], NOW_SECONDS + 301)]),
      'data[0].event_time: must not be more than 5 minutes in the future'
    ],
    [
      'no event_time',
      goodBody([eventWith(['event_time'], undefined)]),
      'data[0].event_time: must be an integer number of Unix seconds, got nothing'
    ],
    [
      'no identifier',
      goodBody([{ event: 'Contact', event_time: NOW_SECONDS, user: { ttclid: 'E.C.P.abc' } }]),
      'data[0].user: must contain email or phone: offline events are matched by email or phone only'
    ],
    [
      'an external ID alone',
      goodBody([{ event: 'Contact', event_time: NOW_SECONDS, user: { external_id: [sha256('user-123')] } }]),
      'data[0].user: must contain email or phone: offline events are matched by email or phone only'
    ],
    [
      'no user',
      goodBody([eventWith(['user'], undefined)]),
      'data[0].user: is required: at least one of email, phone'
    ],
    [
      'an event name offline event sets do not accept',
      goodBody([goodEvent('a'), eventWith(['event'], 'Purchase')]),
      'data[1].event: must be a standard event supported by offline event sets'
    ],
    [
      'an event older than 28 days',
      goodBody([eventWith(['event_time'], NOW_SECONDS - 28 * 86400 - 1)]),
      'data[0].event_time: must be within the last 28 days (the attribution window of offline events)'
    ],
    [
      'an event from 1970',
      goodBody([eventWith(['event_time'], 20250501)]),
      'data[0].event_time: must be within the last 28 days (the attribution window of offline events)'
    ],
    [
      'no event name',
      goodBody([eventWith(['event'], undefined)]),
      'data[0].event: must be a non-empty string, got nothing'
    ],
    ['0 events', goodBody([]), 'data: must contain 1 to 1000 events'],
    [
      '1,001 events',
      goodBody(Array.from({ length: 1001 }, (_, i) => goodEvent(`evt-${i}`))),
      'data: must contain 1 to 1000 events'
    ],
    [
      'no data',
      { event_source: 'offline', event_source_id: EVENT_SET },
      'data: must be an array of events, got nothing'
    ],
    ['event_source "web"', goodBody([goodEvent()], { event_source: 'web' }), 'event_source: must be "offline"'],
    [
      'no event_source_id',
      goodBody([goodEvent()], { event_source_id: undefined }),
      'event_source_id: must be a non-empty string, got nothing'
    ],
    [
      'a lowercase currency',
      goodBody([eventWith(['properties', 'currency'], 'usd')]),
      'data[0].properties.currency: must be an ISO 4217 currency code (3 uppercase letters)'
    ],
    [
      'value as a string',
      goodBody([eventWith(['properties', 'value'], '10.00')]),
      'data[0].properties.value: must be a finite number, got a string'
    ],
    [
      'an unknown content_type',
      goodBody([eventWith(['properties', 'content_type'], 'service')]),
      'data[0].properties.content_type: must be "product" or "product_group"'
    ],
    [
      'a negative quantity',
      goodBody([eventWith(['properties', 'contents'], [{ content_id: 'p1', quantity: -1 }])]),
      'data[0].properties.contents[0].quantity: must be a number, 0 or more, got a negative number'
    ],
    [
      'a price as a string',
      goodBody([eventWith(['properties', 'contents'], [{ content_id: 'p1', price: '5' }])]),
      'data[0].properties.contents[0].price: must be a finite number, got a string'
    ],
    [
      'a numeric content_id',
      goodBody([eventWith(['properties', 'contents'], [{ content_id: 7 }])]),
      'data[0].properties.contents[0].content_id: must be a string, got a number'
    ],
    [
      'limited_data_use as a string',
      goodBody([eventWith(['limited_data_use'], 'false')]),
      'data[0].limited_data_use: must be a boolean, got a string'
    ],
    [
      'a page url as a number',
      goodBody([eventWith(['page', 'url'], 1)]),
      'data[0].page.url: must be a string, got a number'
    ],
    ['an event that is an array', goodBody([[] as unknown as Json]), 'data[0]: must be an object, got an array']
  ]

  it.each(cases)('rejects %s with 40002 and accepts nothing', async (_name, body, message) => {
    const sandbox = await start()
    const answer = await post(sandbox, body)

    expect(answer.status).toBe(200)
    expect(JSON.parse(answer.text)).toEqual({ code: 40002, message, request_id: expect.any(String), data: {} })
    expect(answer.text).not.toContain(PLAIN_EMAIL)
    expect(answer.text).not.toContain(PLAIN_PHONE)
    expect(sandbox.stats()).toMatchObject({ requests: 1, accepted: 0, rejected: { '40002': 1 }, acceptedEvents: 0 })
    expect(sandbox.events()).toEqual([])
    expect(sandbox.eventIdCounts().size).toBe(0)
  })

  it('rejects a value that JSON turns into Infinity', async () => {
    const sandbox = await start()
    const text = JSON.stringify(goodBody([eventWith(['properties', 'value'], 12345)])).replace('12345', '1e400')
    const answer = await post(sandbox, text)
    expect(JSON.parse(answer.text)).toMatchObject({
      code: 40002,
      message: 'data[0].properties.value: must be a finite number, got a non-finite number'
    })
  })

  it('accepts custom properties and product_group', () => {
    const event = eventWith(['properties'], { content_type: 'product_group', custom_tier: 'gold' })
    expect(validateTrackRequest(goodBody([event]), { nowSeconds: NOW_SECONDS })).toMatchObject({ ok: true })
  })

  it('rejects a body that is not an object', () => {
    expect(validateTrackRequest([goodBody()])).toEqual({
      ok: false,
      code: 40002,
      message: 'body: must be a JSON object, got an array'
    })
  })

  it('accepts an event up to 5 minutes ahead, and up to 28 days old', () => {
    for (const time of [NOW_SECONDS + 300, NOW_SECONDS - 28 * 86400]) {
      const event = eventWith(['event_time'], time)
      expect(validateTrackRequest(goodBody([event]), { nowSeconds: NOW_SECONDS })).toMatchObject({ ok: true })
    }
  })

  it('accepts every offline standard event, a fractional quantity, and an email without a phone', () => {
    const names = ['CompletePayment', 'PlaceAnOrder', 'Contact', 'Subscribe', 'SubmitForm', 'CompleteRegistration', 'AddPaymentInfo', 'InitiateCheckout', 'AddToCart', 'AddToWishlist', 'ViewContent', 'ClickButton', 'Search', 'Download']
    const events: Json[] = names.map((name) => ({ ...(eventWith(['event'], name) as Record<string, Json>), user: { email: [sha256('jane.doe@example.com')] } }))
    events.push(eventWith(['properties', 'contents'], [{ content_id: 'apples', quantity: 2.5, price: 3.2 }]))
    expect(validateTrackRequest(goodBody(events), { nowSeconds: NOW_SECONDS })).toMatchObject({ ok: true })
  })
})

describe('faults, reproducible with a seed', () => {
  it('serverErrorRate 1 answers HTTP 200 with code 50000 or 50002 and accepts nothing', async () => {
    const sandbox = await start({ serverErrorRate: 1, seed: 7 })
    const codes: unknown[] = []
    for (let i = 0; i < 6; i++) codes.push((await track(sandbox, goodBody())).code)
    for (const code of codes) expect([50000, 50002]).toContain(code)
    expect(sandbox.stats()).toMatchObject({ requests: 6, accepted: 0, faults: { serverError: 6 }, acceptedEvents: 0 })
  })

  it('exposes the seed in effect, a random one when none is given', async () => {
    expect((await start({ seed: 42 })).seed).toBe(42)
    expect((await start({ now: () => NOW_MS })).seed).toEqual(expect.any(Number))
  })

  it('the same seed gives the same faults', async () => {
    const run = async (): Promise<unknown[]> => {
      const sandbox = await start({ serverErrorRate: 0.5, seed: 42 })
      const codes: unknown[] = []
      for (let i = 0; i < 12; i++) codes.push((await track(sandbox, goodBody([goodEvent(`e${i}`)]))).code)
      return codes
    }
    const first = await run()
    expect(await run()).toEqual(first)
    expect(new Set(first).size).toBeGreaterThan(1)
  })

  it('http5xxRate 1 answers HTTP 503 with a JSON body', async () => {
    const sandbox = await start({ http5xxRate: 1, seed: 1 })
    const answer = await post(sandbox, goodBody())
    expect(answer.status).toBe(503)
    expect(JSON.parse(answer.text)).toEqual({
      code: 50000,
      message: 'Service Unavailable',
      request_id: expect.any(String),
      data: {}
    })
    expect(sandbox.stats()).toMatchObject({ requests: 1, accepted: 0, faults: { http5xx: 1 } })
  })

  it('http429Rate 1 answers HTTP 429 with Retry-After: 1', async () => {
    const sandbox = await start({ http429Rate: 1, seed: 1 })
    const answer = await post(sandbox, goodBody())
    expect(answer.status).toBe(429)
    expect(answer.headers.get('retry-after')).toBe('1')
    expect(JSON.parse(answer.text)).toMatchObject({ code: 40100 })
    expect(sandbox.stats()).toMatchObject({ faults: { http429: 1 }, acceptedEvents: 0 })
  })

  it('dropConnectionRate 1 closes the connection without an answer', async () => {
    const sandbox = await start({ dropConnectionRate: 1, seed: 1 })
    await expect(post(sandbox, goodBody())).rejects.toThrow('fetch failed')
    expect(sandbox.stats()).toMatchObject({ requests: 1, faults: { drop: 1 }, acceptedEvents: 0 })
  })

  it('malformedBodyRate 1 answers HTTP 200 with a body that is not JSON', async () => {
    const sandbox = await start({ malformedBodyRate: 1, seed: 1 })
    const answer = await post(sandbox, goodBody())
    expect(answer.status).toBe(200)
    expect(() => JSON.parse(answer.text) as unknown).toThrow(SyntaxError)
    expect(sandbox.stats()).toMatchObject({ faults: { malformed: 1 }, acceptedEvents: 0 })
  })

  it('rateLimitPerSecond 2 answers the third request in the same second 40100, and the next second is fresh', async () => {
    let nowMs = NOW_MS
    const sandbox = await start({ rateLimitPerSecond: 2, now: () => nowMs })
    const codes = []
    for (let i = 0; i < 3; i++) codes.push((await track(sandbox, goodBody([goodEvent(`e${i}`)]))).code)
    nowMs += 1000
    const nextSecond = await track(sandbox, goodBody([goodEvent('e3')]))

    expect(codes).toEqual([0, 0, 40100])
    expect(nextSecond).toMatchObject({ code: 0 })
    expect(sandbox.acceptedCount('e2')).toBe(0)
    expect(sandbox.stats()).toEqual({
      requests: 4,
      accepted: 3,
      rejected: {},
      faults: { rateLimit: 1 },
      acceptedEvents: 3,
      acceptedEventsWithoutId: 0,
      uniqueEventIds: 3,
      duplicateEventIds: 0
    })
  })

  it('rate limit message is "Request too frequent"', async () => {
    const sandbox = await start({ rateLimitPerSecond: 0 })
    expect(await track(sandbox, goodBody())).toMatchObject({ code: 40100, message: 'Request too frequent' })
  })

  it('latencyMs delays the answer', async () => {
    const sandbox = await start({ latencyMs: 150 })
    const started = Date.now()
    await track(sandbox, goodBody())
    expect(Date.now() - started).toBeGreaterThanOrEqual(140)
  })

  it('refuses rates outside 0..1', async () => {
    await expect(startSandbox({ serverErrorRate: 1.5 })).rejects.toThrow('serverErrorRate must be between 0 and 1')
  })
})

describe('admin routes', () => {
  it('GET /sandbox/stats counts requests, acceptances, rejections by code and faults by kind', async () => {
    const sandbox = await start()
    await track(sandbox, goodBody([goodEvent('a'), goodEvent('b')]))
    await track(sandbox, goodBody([goodEvent('a')]))
    await post(sandbox, goodBody(), { 'Content-Type': 'application/json' })
    await track(sandbox, goodBody([eventWith(['user', 'email'], [PLAIN_EMAIL])]))

    const expected = {
      requests: 4,
      accepted: 2,
      rejected: { '40104': 1, '40002': 1 },
      faults: {},
      acceptedEvents: 3,
      acceptedEventsWithoutId: 0,
      uniqueEventIds: 2,
      duplicateEventIds: 1
    }
    expect(await getJson(sandbox, '/sandbox/stats')).toEqual(expected)
    expect(sandbox.stats()).toEqual(expected)
  })

  it('POST /sandbox/reset forgets everything', async () => {
    const sandbox = await start()
    await track(sandbox, goodBody())
    const response = await fetch(`${sandbox.url}/sandbox/reset`, { method: 'POST' })

    expect(await response.json()).toEqual({ reset: true })
    expect(sandbox.stats()).toMatchObject({ requests: 0, accepted: 0, acceptedEvents: 0, uniqueEventIds: 0 })
    expect(sandbox.events()).toEqual([])
    expect(sandbox.acceptedCount('evt-1')).toBe(0)
  })

  it('answers 404 for unknown routes and 405 for GET on the track route', async () => {
    const sandbox = await start()
    expect((await fetch(`${sandbox.url}/nope`)).status).toBe(404)
    expect((await fetch(`${sandbox.url}${TRACK_PATH}`)).status).toBe(405)
  })

  it('url has no trailing slash and names the port', async () => {
    const sandbox = await start()
    expect(sandbox.url).toBe(`http://127.0.0.1:${sandbox.port}`)
  })

  it('close() ends every connection at once, keep-alive and in-flight ones included, and may be called twice', async () => {
    const sandbox = await start({ latencyMs: 30_000 })
    const inFlight = post(sandbox, goodBody())
    await new Promise((resolve) => setTimeout(resolve, 100))
    const closing = Date.now()
    await sandbox.close()

    // At once, not after the 30 s the answer would take (the margin is for a loaded machine).
    expect(Date.now() - closing).toBeLessThan(10_000)
    await expect(inFlight).rejects.toThrow('fetch failed')
    await sandbox.close()
    await expect(fetch(`${sandbox.url}/sandbox/stats`)).rejects.toThrow('fetch failed')
  })
})

describe('independence from the code it checks', () => {
  it('imports nothing from src/destinations or src/cli', () => {
    for (const file of ['rules.ts', 'server.ts', 'main.ts']) {
      const source = readFileSync(join(__dirname, '..', file), 'utf8')
      expect(source).not.toMatch(/from '\.\.\/(destinations|cli)|require\('\.\.\/(destinations|cli)/)
    }
  })
})

describe('command line', () => {
  it('maps every flag to an option', () => {
    const args = [
      '--port',
      '8787',
      '--access-token',
      't',
      '--event-set-id',
      's',
      '--rate-limit',
      '5',
      '--server-error-rate',
      '0.1',
      '--http-5xx-rate',
      '0.2',
      '--http-429-rate',
      '0.3',
      '--latency-ms',
      '20',
      '--drop-rate',
      '0.4',
      '--malformed-rate',
      '0.5',
      '--seed',
      '9',
      '--ready-file',
      '/tmp/ready'
    ]
    expect(parseSandboxCommandLine(args)).toEqual({
      options: {
        host: '127.0.0.1',
        port: 8787,
        accessToken: 't',
        eventSetId: 's',
        rateLimitPerSecond: 5,
        serverErrorRate: 0.1,
        http5xxRate: 0.2,
        http429Rate: 0.3,
        latencyMs: 20,
        dropConnectionRate: 0.4,
        malformedBodyRate: 0.5,
        seed: 9
      },
      readyFile: '/tmp/ready'
    })
  })

  it('defaults to a random port on loopback', () => {
    expect(parseSandboxCommandLine([])).toEqual({ options: { host: '127.0.0.1', port: 0 } })
  })
})
