/**
 * Item 6: match quality, read from the destination's outcomes by their codes:
 * its `dropped` values and its refusals (reasons.ts).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { droppedValue } from '../../destinations/tiktok-offline-conversions/reasons'
import { startSandbox, type Sandbox } from '../../sandbox/server'
import { QualityCollector, deliveryFacts, hints, localeCountry, refusalFacts, type DeliveryFacts } from '../quality'
import type { ReportLine } from '../report'
import { runSend } from '../run-send'
import { SummaryCollector } from '../summary-collector'
import { formatSummary } from '../summary-format'
import { ndjson, purchase, readReport } from './helpers'

const HASH = 'b'.repeat(64)
const facts = (overrides: Partial<DeliveryFacts> = {}): DeliveryFacts => ({
  email: true,
  phone: true,
  externalId: false,
  ttclid: false,
  purchase: false,
  withoutRevenue: false,
  dropped: [],
  ...overrides
})
const noCountry = (position: number) => droppedValue('phone_numbers', position, 'no_country_code')
const NO_COUNTRY_RULE = 'no country code and no Default Phone Country'

describe('deliveryFacts', () => {
  it('reads the identifiers, the event and the revenue from the TikTok event that was sent', () => {
    expect(
      deliveryFacts(
        {
          event: 'CompletePayment',
          user: { email: [HASH], external_id: [HASH] },
          properties: { value: 0, currency: 'USD' }
        },
        { code: 0, message: 'OK', request_id: 'r' }
      )
    ).toEqual(facts({ event: 'CompletePayment', phone: false, externalId: true, purchase: true }))
    expect(
      deliveryFacts({ event: 'Contact', user: { phone: [HASH], ttclid: 'E.C.P.1' } }, { dropped: [noCountry(1)] })
    ).toEqual(facts({ event: 'Contact', email: false, ttclid: true, dropped: [noCountry(1)] }))
  })

  it('takes what is not the expected shape as nothing, never throws', () => {
    const nothing = facts({ email: false, phone: false })
    expect(deliveryFacts('sent as text', 'body as text')).toEqual(nothing)
    expect(deliveryFacts({ user: { email: 'not a list', phone: [] } }, { dropped: 'not a list' })).toEqual(nothing)
    // Only entries of the destination's shape, with its fields and codes, count.
    const foreign = [{ field: 'phone_numbers', index: 0, reason: 'made_up', message: 'm' }, 'phone_numbers[0]: x']
    expect(deliveryFacts({ user: {} }, { dropped: [...foreign, noCountry(2)] })).toEqual(
      facts({ email: false, phone: false, dropped: [noCountry(2)] })
    )
  })
})

describe('refusalFacts', () => {
  it("reads the destination's refusal code and what it had dropped", () => {
    expect(refusalFacts({ reason: 'outside_time_window', field: 'timestamp' })).toEqual({
      reason: 'outside_time_window',
      dropped: []
    })
    expect(
      refusalFacts({ reason: 'no_email_or_phone', field: 'email_addresses, phone_numbers', dropped: [noCountry(0)] })
    ).toEqual({ reason: 'no_email_or_phone', dropped: [noCountry(0)] })
  })

  it("is nothing for TikTok's answers and anything else", () => {
    expect(refusalFacts({ code: 40002, message: 'bad', request_id: 'r' })).toBeUndefined()
    expect(refusalFacts({ reason: 'not_ours' })).toBeUndefined()
    expect(refusalFacts('text')).toBeUndefined()
    expect(refusalFacts(undefined)).toBeUndefined()
  })
})

describe('QualityCollector and hints', () => {
  it('counts shares, drops by field and reason, time-window refusals, purchases without revenue; one hint per fixable loss', () => {
    const collector = new QualityCollector()
    collector.addDelivered(facts({ externalId: true, purchase: true }), 'en-US')
    collector.addDelivered(facts({ phone: false, dropped: [noCountry(0), noCountry(1)] }), 'en-GB')
    collector.addDelivered(facts({ phone: false, dropped: [noCountry(0)] }), 'en_GB')
    collector.addDelivered(
      facts({
        email: false,
        purchase: true,
        withoutRevenue: true,
        dropped: [droppedValue('email_addresses', 0, 'not_an_email')]
      }),
      undefined
    )
    collector.addRefused({ reason: 'outside_time_window', dropped: [] })
    collector.addRefused({ reason: 'invalid_currency', dropped: [] })
    collector.addRefused(undefined)
    // A refused event's dropped phone counts too: it is why the event had no phone.
    collector.addRefused({ reason: 'no_email_or_phone', dropped: [noCountry(0)] }, 'en-GB')
    expect(collector.result()).toEqual({
      delivered: 4,
      email: { count: 3, share: 0.75 },
      phone: { count: 2, share: 0.5 },
      externalId: { count: 1, share: 0.25 },
      ttclid: { count: 0, share: 0 },
      dropped: [
        { field: 'phone_numbers', reason: 'no_country_code', rule: NO_COUNTRY_RULE, count: 4 },
        { field: 'email_addresses', reason: 'not_an_email', rule: 'not an email address', count: 1 }
      ],
      outsideTimeWindow: 1,
      purchases: 2,
      purchasesWithoutRevenue: 1,
      hints: [
        "4 phone numbers had no country code: add --default-phone-country GB (the country of most of these events' locale)",
        '1 email_addresses value could not be used: check what email_addresses is mapped from (--mapping)',
        '1 purchase had no revenue: map value and currency (e.g. from properties.revenue) so TikTok can report it'
      ]
    })
  })

  it('suggests no country it cannot tell, and gives no hint for a loss nobody can fix', () => {
    expect(
      hints([{ field: 'phone_numbers', reason: 'no_country_code', rule: NO_COUNTRY_RULE, count: 312 }], 0)
    ).toEqual([
      '312 phone numbers had no country code: add --default-phone-country with their country (an ISO code such as US)'
    ])
    expect(hints([], 0)).toEqual([])
  })

  it.each([
    ['en-US', 'US'],
    ['fr_CA', 'CA'],
    ['de-de', 'DE'],
    ['en', undefined],
    ['en-XX', undefined],
    [42, undefined]
  ])('the country of locale %p is %p', (locale, country) => expect(localeCountry(locale)).toBe(country))
})

describe('the summary shows it', () => {
  it('as lines a person reads, with the hints last', () => {
    const collector = new SummaryCollector()
    const line = (overrides: Partial<ReportLine>): ReportLine => ({
      file: 'a.ndjson',
      index: 1,
      messageId: 'm',
      action: 'trackPaymentOfflineConversion',
      preset: 'Complete Payment',
      status: 200,
      outcome: 'delivered',
      error: null,
      attempts: 1,
      ...overrides
    })
    collector.countEvent({ routed: true })
    collector.record(line({}), { delivery: facts({ purchase: true, dropped: [noCountry(1)] }), locale: 'en-US' })
    collector.countEvent({ routed: true })
    collector.record(
      line({ status: 400, outcome: 'rejected', error: "timestamp: outside TikTok's attribution window" }),
      {
        refusal: { reason: 'outside_time_window', dropped: [] }
      }
    )
    const text = formatSummary(
      collector.summary({
        target: 'tiktok',
        targetUrl: 'https://business-api.tiktok.com',
        inputs: ['a.ndjson'],
        files: 1,
        gzipFiles: 0,
        format: 'ndjson',
        credentialsCheck: 'accepted',
        elapsedMs: 1000,
        dryRun: false
      })
    )
    const lines = text.split('\n')
    const start = lines.indexOf('Match quality                           of the 1 delivered events')
    expect(lines.slice(start, start + 11)).toEqual([
      'Match quality                           of the 1 delivered events',
      '  with an email                      1  100 %',
      '  with a phone                       1  100 %',
      '  with an external ID                0  0 %',
      '  with a ttclid                      0  0 %',
      '  values dropped                     1',
      '                                     1    phone_numbers: no country code and no Default Phone Country',
      '  outside the time window            1  refused: older than TikTok takes, or in the future',
      '  purchases without revenue          0  of 1 purchases delivered',
      "Hint: 1 phone number had no country code: add --default-phone-country US (the country of most of these events' locale)",
      'Retried (re-sends)                   0'
    ])
  })
})

describe("send: match quality end to end, from the destination's own outcomes", () => {
  let dir: string
  let sandbox: Sandbox
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'runner-quality-'))
    sandbox = await startSandbox()
  })
  afterAll(async () => {
    await sandbox.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('lists dropped notes on report lines, counts them by reason, and hints at the fix', async () => {
    const local = (id: string) =>
      purchase(id, {
        context: { locale: 'en-GB', traits: { email: `${id}@example.com`, phone: '020 7946 0958' } }
      })
    const events = [
      purchase('q-1'),
      purchase('q-2', { properties: { order_id: 'o', revenue: 5, currency: 'USD', ttclid: 'E.C.P.abc' } }),
      local('q-3'),
      local('q-4'),
      purchase('q-old', { timestamp: new Date(Date.now() - 40 * 86_400_000).toISOString() })
    ]
    const input = join(dir, 'quality.ndjson')
    writeFileSync(input, ndjson(events))
    const report = join(dir, 'quality-report.ndjson')
    const summary = await runSend({
      inputs: [input],
      sandboxUrl: sandbox.url,
      report,
      progress: false
    })
    expect(summary.quality).toEqual({
      delivered: 4,
      email: { count: 4, share: 1 },
      // The two local numbers are left out: no country code and no Default Phone Country.
      phone: { count: 2, share: 0.5 },
      externalId: { count: 4, share: 1 },
      ttclid: { count: 1, share: 0.25 },
      dropped: [{ field: 'phone_numbers', reason: 'no_country_code', rule: NO_COUNTRY_RULE, count: 2 }],
      outsideTimeWindow: 1,
      purchases: 4,
      purchasesWithoutRevenue: 0,
      hints: [
        "2 phone numbers had no country code: add --default-phone-country GB (the country of most of these events' locale)"
      ]
    })
    const lines = readReport(report)
    expect(lines.map((line) => [line.messageId, line.outcome, line.dropped ?? null])).toEqual([
      ['q-1', 'delivered', null],
      ['q-2', 'delivered', null],
      ['q-3', 'delivered', [noCountry(0).message]],
      ['q-4', 'delivered', [noCountry(0).message]],
      ['q-old', 'rejected', null]
    ])
    // The note names the field, the position and the rule: never the number.
    expect(JSON.stringify(lines)).not.toMatch(/7946|0958/)
    expect(formatSummary(summary)).toContain(
      "\nHint: 2 phone numbers had no country code: add --default-phone-country GB (the country of most of these events' locale)\n"
    )
  })
})
