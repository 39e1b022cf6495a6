import type { Result, SegmentEvent } from '@segment/actions-core'
import definition from '../../destinations/tiktok-offline-conversions'
import { startSandbox, type Sandbox } from '../../sandbox/server'
import { UsageError } from '../errors'
import type { DeliveryFacts } from '../quality'
import { NOT_SUBSCRIBED_MESSAGE, Router, combineResults } from '../router'
import { customSubscription, fqlProblem, presetSubscriptions } from '../subscriptions'
import { anHourAgo } from './helpers'

const notSubscribed = {
  status: 400,
  errortype: 'PAYLOAD_VALIDATION_FAILED' as const,
  errormessage: NOT_SUBSCRIBED_MESSAGE,
  errorreporter: 'INTEGRATIONS' as never
}
const ok = { status: 200, sent: {}, body: {} }
/** What the runner keeps of a delivered event whose `sent` holds nothing it counts. */
const nothing: DeliveryFacts = {
  email: false,
  phone: false,
  externalId: false,
  ttclid: false,
  purchase: false,
  withoutRevenue: false,
  dropped: []
}
const failure = (status: number, errormessage: string) => ({
  status,
  errortype: 'BAD_REQUEST' as const,
  errormessage,
  errorreporter: 'DESTINATION' as never
})

describe('combineResults', () => {
  it('gives each event the entry of the subscription that matched it, none when none did', () => {
    const results: Result[] = [
      { multistatus: [ok, notSubscribed, failure(400, 'currency: bad'), notSubscribed] },
      { output: 'not subscribed' },
      { multistatus: [notSubscribed, failure(503, 'TikTok answered HTTP 503'), notSubscribed, notSubscribed] }
    ]
    expect(combineResults(results, 4, [0, 1, 2])).toEqual([
      [{ subscription: 0, status: 200, message: null, delivery: nothing }],
      [{ subscription: 2, status: 503, message: 'TikTok answered HTTP 503' }],
      [{ subscription: 0, status: 400, message: 'currency: bad' }],
      []
    ])
  })

  it('keeps both entries of an event two subscriptions matched', () => {
    const results: Result[] = [{ multistatus: [ok] }, { multistatus: [failure(429, 'rate limited')] }]
    expect(combineResults(results, 1, [3, 7])).toEqual([
      [
        { subscription: 3, status: 200, message: null, delivery: nothing },
        { subscription: 7, status: 429, message: 'rate limited' }
      ]
    ])
  })

  it('answers 500 for an event actions-core gave no entry, rather than losing it', () => {
    expect(combineResults([{ multistatus: [ok] }], 2, [0])).toEqual([
      [{ subscription: 0, status: 200, message: null, delivery: nothing }],
      [{ subscription: 0, status: 500, message: 'actions-core gave no answer for this event' }]
    ])
  })

  it("keeps, of a delivered event, which identifiers were sent and the destination's notes of what it dropped", () => {
    const hash = 'a'.repeat(64)
    const sent = {
      event: 'CompletePayment',
      event_time: 1,
      user: { email: [hash], phone: [], external_id: [hash], ttclid: 'E.C.P.x' },
      properties: { currency: 'USD' }
    }
    const body = {
      code: 0,
      message: 'OK',
      request_id: 'r1',
      dropped: [
        {
          field: 'phone_numbers',
          index: 0,
          reason: 'no_country_code',
          message: 'phone_numbers[0]: no country code and no Default Phone Country'
        },
        'phone_numbers[1]: a sentence, not a dropped value',
        42
      ]
    }
    expect(combineResults([{ multistatus: [{ status: 200, sent, body }] }], 1, [0])).toEqual([
      [
        {
          subscription: 0,
          status: 200,
          message: null,
          delivery: {
            event: 'CompletePayment',
            email: true,
            phone: false,
            externalId: true,
            ttclid: true,
            purchase: true,
            withoutRevenue: true,
            dropped: [
              {
                field: 'phone_numbers',
                index: 0,
                reason: 'no_country_code',
                message: 'phone_numbers[0]: no country code and no Default Phone Country'
              }
            ]
          }
        }
      ]
    ])
  })
})

describe('subscriptions', () => {
  it('are the automatic presets with batching on', () => {
    const subscriptions = presetSubscriptions(definition)
    const presets = definition.presets ?? []
    expect(subscriptions).toHaveLength(presets.length)
    expect(subscriptions[0]).toMatchObject({
      name: 'Complete Payment',
      partnerAction: 'trackPaymentOfflineConversion',
      subscribe: 'type = "track" and event = "Order Completed"',
      mapping: { event: 'CompletePayment', enable_batching: true }
    })
    for (const subscription of subscriptions) expect(subscription.mapping.enable_batching).toBe(true)
  })

  it('custom: one subscription of the action with the mapping as given', () => {
    const mapping = { event: 'Contact', external_ids: { '@path': '$.userId' } }
    expect(customSubscription(definition, 'trackNonPaymentOfflineConversion', mapping)).toEqual({
      name: 'custom',
      partnerAction: 'trackNonPaymentOfflineConversion',
      subscribe: definition.actions.trackNonPaymentOfflineConversion.defaultSubscription,
      mapping: { ...mapping, enable_batching: true }
    })
    expect(
      customSubscription(definition, 'trackNonPaymentOfflineConversion', mapping, 'type = "track"').subscribe
    ).toBe('type = "track"')
  })

  it.each([
    ['an unknown action', 'sendEverything', { event: 'Contact' }, undefined, /unknown action "sendEverything"/],
    ['a mapping that is not an object', 'trackNonPaymentOfflineConversion', [1], undefined, /must be a JSON object/],
    [
      'a mapping key the action lacks',
      'trackNonPaymentOfflineConversion',
      { evnt: 'x' },
      undefined,
      /does not define: evnt/
    ],
    ['invalid FQL', 'trackNonPaymentOfflineConversion', { event: 'x' }, 'evnt = "x"', /^invalid subscription/],
    ['a prototype key as action', 'constructor', { event: 'x' }, undefined, /unknown action/]
  ])('custom: refuses %s', (_, action, mapping, subscribe, message) => {
    expect(() => customSubscription(definition, action, mapping, subscribe)).toThrow(UsageError)
    expect(() => customSubscription(definition, action, mapping, subscribe)).toThrow(message)
  })
})

describe('fqlProblem: --subscribe as Segment reads it', () => {
  it.each([
    'type = "track"',
    'type = "track" and event = "Order Completed"',
    'type="track"',
    'type = "track" and (event = "A" or event = "B")',
    'properties.value > 10',
    'contains(event, "Order")',
    'userId != null'
  ])('takes %s', (fql) => expect(fqlProblem(fql)).toBeUndefined())

  const advice =
    'FQL strings take double quotes, operators are = != < > <= >=, as in `type = "track" and event = "Order Completed"`'
  it.each([
    [
      "event = 'Order Completed'",
      `Segment's parser reads \`event = 'Order Completed'\` as \`event = "'Order Completed'"\`, which is not what it says: ${advice}`
    ],
    [
      'type == "track"',
      `Segment's parser reads \`type == "track"\` as \`type = "="\`, which is not what it says: ${advice}`
    ],
    [
      'type = "track" and',
      `Segment's parser reads \`type = "track" and\` as \`type = "track"\`, which is not what it says: ${advice}`
    ],
    [
      'evnt = "x"',
      '`evnt = "x"` is not FQL Segment can parse (the parser says: Cannot read properties of undefined (reading \'type\')); FQL reads like `type = "track" and event = "Order Completed"`'
    ]
  ])('refuses %s, saying how it reads', (fql, problem) => expect(fqlProblem(fql)).toBe(problem))
})

describe('Router against the sandbox', () => {
  let sandbox: Sandbox

  beforeAll(async () => {
    sandbox = await startSandbox()
  })
  afterAll(async () => {
    await sandbox.close()
  })
  beforeEach(() => sandbox.reset())

  const settings = { accessToken: 'sandbox-access-token', eventSetID: 'sandbox-event-set' }
  const now = anHourAgo()
  const event = (messageId: string, name: string, extra: Partial<SegmentEvent> = {}): SegmentEvent => ({
    type: 'track',
    event: name,
    messageId,
    timestamp: now,
    userId: `user-${messageId}`,
    properties: { currency: 'USD', revenue: 10 },
    context: { traits: { email: `${messageId}@example.com`, phone: '+1 415 555 0134' } },
    ...extra
  })
  /** A delivered event: email, phone and external ID sent; a purchase (with its revenue) or not. */
  const delivered = (eventId: string, purchase: boolean, event = 'CompletePayment'): DeliveryFacts => ({
    event,
    eventId,
    email: true,
    phone: true,
    externalId: true,
    ttclid: false,
    purchase,
    withoutRevenue: false,
    dropped: []
  })
  const redirect = (): { baseUrl: string } => ({ baseUrl: sandbox.url })

  it('routes each event to the preset that subscribes to it, counts requests, and empties the responses it kept', async () => {
    let requests = 0
    const statuses: number[] = []
    const router = new Router(definition, presetSubscriptions(definition), settings, {
      ...redirect(),
      onRequest: () => requests++,
      onResponse: (status) => statuses.push(status)
    })
    const names = router.subscriptions.map((subscription) => subscription.name)
    const routing = await router.runBatch([
      event('m1', 'Order Completed'),
      event('m2', 'Signed Up'),
      { type: 'identify', messageId: 'm3', userId: 'u3' },
      event('m4', 'Order Completed', { properties: { revenue: 5 } })
    ])
    expect(routing).toEqual([
      [
        { subscription: names.indexOf('Complete Payment'), status: 200, message: null, delivery: delivered('m1', true) }
      ],
      [
        {
          subscription: names.indexOf('Complete Registration'),
          status: 200,
          message: null,
          delivery: delivered('m2', false, 'CompleteRegistration')
        }
      ],
      [],
      [
        {
          subscription: names.indexOf('Complete Payment'),
          status: 400,
          message:
            'currency: required when value is given; TikTok reports a value only with its ISO 4217 currency code',
          refusal: { reason: 'currency_required', dropped: [] }
        }
      ]
    ])
    expect(requests).toBe(2)
    expect(statuses).toEqual([200, 200])
    expect(router.destination.responses).toHaveLength(0)
    expect(sandbox.acceptedCount('m1')).toBe(1)
    expect(sandbox.acceptedCount('m2')).toBe(1)
  })

  it('runs only the given subscription', async () => {
    const router = new Router(definition, presetSubscriptions(definition), settings, redirect())
    const routing = await router.runBatch([event('m1', 'Order Completed'), event('m2', 'Signed Up')], 0)
    expect(routing).toEqual([[{ subscription: 0, status: 200, message: null, delivery: delivered('m1', true) }], []])
    expect(sandbox.acceptedCount('m2')).toBe(0)
  })

  it('sends an event two subscriptions match twice, and reports both', async () => {
    const subscriptions = [
      ...presetSubscriptions(definition).slice(0, 1),
      customSubscription(
        definition,
        'trackNonPaymentOfflineConversion',
        {
          event: 'PlaceAnOrder',
          event_id: { '@path': '$.messageId' },
          email_addresses: { '@path': '$.context.traits.email' },
          external_ids: { '@path': '$.userId' }
        },
        'event = "Order Completed"'
      )
    ]
    const router = new Router(definition, subscriptions, settings, redirect())
    expect(await router.runBatch([event('m1', 'Order Completed')])).toEqual([
      [
        { subscription: 0, status: 200, message: null, delivery: delivered('m1', true) },
        {
          subscription: 1,
          status: 200,
          message: null,
          delivery: { ...delivered('m1', false, 'PlaceAnOrder'), phone: false }
        }
      ]
    ])
    expect(sandbox.acceptedCount('m1')).toBe(2)
  })

  it('isolates an event actions-core throws on; the rest of the batch is sent exactly once', async () => {
    const router = new Router(definition, presetSubscriptions(definition), settings, redirect())
    const events = [
      event('a1', 'Signed Up'),
      event('a2', 'Signed Up'),
      event('bad', 'Signed Up', { context: null as unknown as SegmentEvent['context'] }),
      event('a3', 'Signed Up'),
      event('b1', 'Order Completed')
    ]
    const routing = await router.runBatch(events)
    const registration = router.subscriptions.findIndex((subscription) => subscription.name === 'Complete Registration')
    expect(routing.map((entries) => entries.map((entry) => [entry.subscription, entry.status]))).toEqual([
      [[registration, 200]],
      [[registration, 200]],
      [[registration, 400]],
      [[registration, 200]],
      [[0, 200]]
    ])
    expect(routing[2][0].message).toMatch(/^actions-core could not process this event \(TypeError: /)
    for (const id of ['a1', 'a2', 'a3', 'b1']) expect(sandbox.acceptedCount(id)).toBe(1)
    expect(sandbox.acceptedCount('bad')).toBe(0)
  })
})
