import fc from 'fast-check'
import nock from 'nock'
import { hash } from 'crypto'
import { format } from 'util'
import { createTestIntegration } from '@segment/actions-core'
import type { Logger, Result, SegmentEvent } from '@segment/actions-core'
import definition from '../../destinations/tiktok-offline-conversions'
import {
  hashEmails,
  hashExternalIds,
  hashPhones,
  readPhone
} from '../../destinations/tiktok-offline-conversions/identity'
import { isAlreadyHashed } from '../../lib/hashing-utils'
import type { Settings } from '../../destinations/tiktok-offline-conversions/generated-types'
import {
  PHONE_COUNTRIES,
  emailAddress,
  phoneNumber,
  plainPhoneForms,
  segmentEvent,
  sha256Hex,
  unicodeString,
  writtenEmail,
  writtenFormOfEmail,
  writtenFormOfPhone,
  writtenPhone
} from './arbitraries'
import type { Json, JsonObject, PhoneCountry, WrittenEmail, WrittenPhone } from './arbitraries'
import {
  ACTIONS,
  NUM_RUNS,
  OK_ANSWER,
  PROPERTY_TIMEOUT_MS,
  defaultPhoneCountry,
  expectEnoughCases,
  fakeTikTok,
  fcParameters,
  presetMapping,
  settingsWith
} from './property-runs'
import type { ActionKey, FakeTikTok, TikTokAnswer } from './property-runs'

/*
 * Property-based tests of the destination on its own: nothing that leaves it
 * holds an email, a phone number or the access token (c), and hashing (d).
 * Runs and seeds: see __helpers__/property-runs.ts. That TikTok accepts what the
 * destination sends is checked against the sandbox's rules, outside this
 * folder (src/sandbox/__tests__/destination-properties.test.ts).
 */

beforeEach(() => nock.disableNetConnect())
afterEach(() => {
  nock.cleanAll()
  nock.enableNetConnect()
})

// ---------------------------------------------------------------------------
// c. No email, phone number or access token in plain text in anything that leaves

interface PiiEvent {
  event: SegmentEvent
  emails: WrittenEmail[]
  phones: WrittenPhone[]
}

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** A generated event with written emails and phones put where the presets read them (and userId = an email, sometimes). */
const piiEvent = (): fc.Arbitrary<PiiEvent> =>
  fc
    .record({
      base: segmentEvent(),
      emails: fc.array(writtenEmail(), { minLength: 1, maxLength: 2 }),
      phones: fc.array(writtenPhone(), { minLength: 1, maxLength: 2 }),
      emailAt: fc.constantFrom('properties', 'context.traits', 'traits', 'userId'),
      phoneAt: fc.constantFrom('properties', 'context.traits', 'traits'),
      asArrays: fc.boolean()
    })
    .map(({ base, emails, phones, emailAt, phoneAt, asArrays }) => {
      const raw = base as unknown as JsonObject
      const properties: JsonObject = isObject(raw.properties) ? { ...raw.properties } : {}
      const context: JsonObject = isObject(raw.context) ? { ...raw.context } : {}
      const contextTraits: JsonObject = isObject(context.traits) ? { ...context.traits } : {}
      const traits: JsonObject = isObject(raw.traits) ? { ...raw.traits } : {}
      const email: Json = asArrays ? emails.map((e) => e.written) : emails[0].written
      const phone: Json = asArrays ? phones.map((p) => p.written) : phones[0].written
      const targets: Record<string, JsonObject> = {
        properties,
        'context.traits': contextTraits,
        traits
      }
      let userId = raw.userId
      if (emailAt === 'userId') userId = emails[0].written
      else targets[emailAt].email = email
      targets[phoneAt].phone = phone
      const event: JsonObject = {
        ...raw,
        properties,
        context: { ...context, traits: contextTraits },
        traits
      }
      if (userId !== undefined) event.userId = userId
      return {
        event: event as unknown as SegmentEvent,
        emails: emailAt === 'userId' || !asArrays ? emails.slice(0, 1) : emails,
        phones: asArrays ? phones : phones.slice(0, 1)
      }
    })

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'.split('')
const accessToken = (): fc.Arbitrary<string> =>
  fc.string({
    unit: fc.constantFrom(...ALPHANUMERIC),
    minLength: 32,
    maxLength: 32
  })

/** Everything that leaves the destination in one run. */
interface Leaks {
  requestBodies: string[]
  multistatus: string[]
  results: string[]
  errors: string[]
  logs: string[]
}

function recordingLogger(lines: string[]): Logger {
  const record = (...message: string[]) => {
    lines.push(format(...message))
  }
  return {
    level: 'debug',
    name: 'properties',
    debug: record,
    info: record,
    warn: record,
    error: record,
    crit: record,
    log: record,
    withTags: () => undefined
  }
}

const CONSOLE_METHODS = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const
/** console.* as one recording; restored after each test. */
function spyOnConsole(lines: string[]): void {
  for (const method of CONSOLE_METHODS) {
    jest.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      lines.push(format(...args))
    })
  }
}
afterEach(() => jest.restoreAllMocks())

/** The plain-text values no output may contain: emails (any case), phones in every written form, the token. */
function forbiddenValues(events: PiiEvent[], token: string): { caseless: string[]; exact: string[] } {
  const caseless = new Set<string>()
  const exact = new Set<string>([token])
  for (const { emails, phones } of events) {
    for (const email of emails) {
      caseless.add(email.written.trim().toLowerCase())
      caseless.add(email.normalized)
    }
    for (const phone of phones) for (const form of plainPhoneForms(phone)) exact.add(form)
  }
  return { caseless: [...caseless], exact: [...exact] }
}

/** The first forbidden value found in an output, as "<output kind>: <value>", or undefined. */
function findLeak(leaks: Leaks, forbidden: { caseless: string[]; exact: string[] }): string | undefined {
  for (const [kind, texts] of Object.entries(leaks) as [keyof Leaks, string[]][]) {
    for (const text of texts) {
      const lower = text.toLowerCase()
      const caseless = forbidden.caseless.find((value) => lower.includes(value))
      if (caseless) return `${kind} contains ${JSON.stringify(caseless)}: ${text.slice(0, 2000)}`
      const exact = forbidden.exact.find((value) => text.includes(value))
      if (exact) return `${kind} contains ${JSON.stringify(exact)}: ${text.slice(0, 2000)}`
    }
  }
  return undefined
}

/** JSON of a value, or of its own keys when it cannot be serialized (a circular error). */
function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? ''
  } catch {
    return typeof value === 'object' && value !== null
      ? `non-serializable, keys: ${Object.keys(value).join(', ')}`
      : String(value)
  }
}

/** Everything an error carries out: message, name, stack and its own properties (status, code…). */
const errorTexts = (error: unknown): string[] =>
  error instanceof Error
    ? [error.message, String(error), error.stack ?? '', safeJson(error)]
    : [safeJson(error), String(error)]

const newTestDestination = () => createTestIntegration(definition)
type TestDestination = ReturnType<typeof newTestDestination>

/** Runs `events` through one action, single (one event) or batch path, and gathers every output. */
async function runAndCollect(
  testDestination: TestDestination,
  tiktok: FakeTikTok,
  action: ActionKey,
  path: 'single' | 'batch',
  events: SegmentEvent[],
  settings: Settings,
  consoleLines: string[]
): Promise<Leaks> {
  const logs: string[] = []
  const errors: string[] = []
  const logger = recordingLogger(logs)
  const mapping = presetMapping(action === 'trackPaymentOfflineConversion' ? 'Complete Payment' : 'Contact')
  tiktok.bodies = []
  consoleLines.length = 0
  try {
    if (path === 'single')
      await testDestination.testAction(action, {
        event: events[0],
        mapping,
        settings,
        logger
      })
    else
      await testDestination.testBatchAction(action, {
        events,
        mapping,
        settings,
        logger
      })
  } catch (error) {
    errors.push(...errorTexts(error))
  }
  // testAction/testBatchAction also return the raw HTTP exchanges: they hold the request headers, the
  // Access-Token among them, by design; they are the test harness's record, not something the destination reports.
  const results: Result[] = testDestination.results
  return {
    requestBodies: tiktok.bodies.map((body) => JSON.stringify(body)),
    multistatus: results.flatMap((result) => (result.multistatus ?? []).map((entry) => safeJson(entry))),
    // what perform returned (TikTok's answer, summarized) and the other result records
    results: results.map(({ multistatus: _multistatus, ...rest }) => safeJson(rest)),
    errors,
    logs: [...logs, ...consoleLines]
  }
}

/** Three runs in four are batches of 1 to 12 events (mean ≈ 6.3), one in four a single event: ≈ 4.9 events a run. */
const PII_MAX_BATCH = 12
const PII_RUNS = Math.ceil(NUM_RUNS / 4)
/** TikTok's echo costs a request per event and per split: batches of 1 to 6, as often as single events (≈ 2.2 events a run). */
const ECHO_MAX_BATCH = 6
const ECHO_RUNS = Math.ceil(NUM_RUNS / 2)

/** A fake TikTok, a test destination, and every console line written while the test runs. */
function leakHarness(): {
  tiktok: ReturnType<typeof fakeTikTok>
  testDestination: ReturnType<typeof newTestDestination>
  consoleLines: string[]
} {
  const consoleLines: string[] = []
  spyOnConsole(consoleLines)
  return { tiktok: fakeTikTok(), testDestination: newTestDestination(), consoleLines }
}

describe('c. no email, phone number or access token in plain text in anything that leaves', () => {
  test(
    'TikTok accepts, or refuses without quoting anything',
    async () => {
      const { tiktok, testDestination, consoleLines } = leakHarness()
      let events = 0
      const quiet: TikTokAnswer[] = [
        OK_ANSWER,
        {
          status: 200,
          body: { code: 40002, message: 'Invalid parameter', request_id: '1' }
        },
        { status: 200, body: { code: 40105, message: 'Invalid access token' } },
        { status: 500, body: 'Internal Server Error' }
      ]

      await fc.assert(
        fc.asyncProperty(
          fc.array(piiEvent(), {
            minLength: 1,
            maxLength: PII_MAX_BATCH,
            size: 'max'
          }),
          fc.constantFrom(...ACTIONS),
          fc.constantFrom<'single' | 'batch'>('single', 'batch', 'batch', 'batch'),
          defaultPhoneCountry(),
          accessToken(),
          fc.oneof(
            { weight: 6, arbitrary: fc.constant(OK_ANSWER) },
            { weight: 1, arbitrary: fc.constantFrom(...quiet) }
          ),
          async (pii, action, path, country, token, answer) => {
            tiktok.answer = answer
            const leaks = await runAndCollect(
              testDestination,
              tiktok,
              action,
              path,
              pii.map((p) => p.event),
              settingsWith(country, token),
              consoleLines
            )
            expect(findLeak(leaks, forbiddenValues(path === 'single' ? pii.slice(0, 1) : pii, token))).toBeUndefined()
            events += path === 'single' ? 1 : pii.length
          }
        ),
        fcParameters(PII_RUNS)
      )
      expectEnoughCases(events)
    },
    PROPERTY_TIMEOUT_MS
  )

  test(
    "TikTok's answer quotes the emails, phone numbers and token back: the error messages still hold none of them",
    async () => {
      const { tiktok, testDestination, consoleLines } = leakHarness()
      let events = 0
      const shapes = [
        { status: 200, code: 40002 }, // PARAM_ERROR, the brief's case
        { status: 200, code: 40001 }, // permission
        { status: 200, code: 50000 }, // TikTok-side
        { status: 200, code: 20001 }, // partial
        { status: 400, code: 40002 }, // HTTP 400 with a JSON body
        { status: 503, code: undefined } // a text body
      ] as const

      await fc.assert(
        fc.asyncProperty(
          fc.array(piiEvent(), {
            minLength: 1,
            maxLength: ECHO_MAX_BATCH,
            size: 'max'
          }),
          fc.constantFrom(...ACTIONS),
          fc.constantFrom<'single' | 'batch'>('single', 'batch'),
          defaultPhoneCountry(),
          accessToken(),
          fc.constantFrom(...shapes),
          async (pii, action, path, country, token, shape) => {
            const quoted = path === 'single' ? pii.slice(0, 1) : pii
            const echo = quoted
              .map(({ emails, phones }) => `bad email ${emails[0].written} phone ${phones[0].written} token ${token}`)
              .join('; ')
            tiktok.answer =
              shape.code === undefined
                ? { status: shape.status, body: `upstream error: ${echo}` }
                : {
                    status: shape.status,
                    body: {
                      code: shape.code,
                      message: echo,
                      request_id: '202611270000001234'
                    }
                  }
            const leaks = await runAndCollect(
              testDestination,
              tiktok,
              action,
              path,
              pii.map((p) => p.event),
              settingsWith(country, token),
              consoleLines
            )
            expect(findLeak(leaks, forbiddenValues(quoted, token))).toBeUndefined()
            events += quoted.length
          }
        ),
        fcParameters(ECHO_RUNS)
      )
      expectEnoughCases(events)
    },
    PROPERTY_TIMEOUT_MS
  )
})

// ---------------------------------------------------------------------------
// d. Hashing

const sha256 = (value: string): string => hash('sha256', value, 'hex')
const countryOrNone = (): fc.Arbitrary<PhoneCountry | undefined> =>
  fc.constantFrom<PhoneCountry | undefined>(undefined, ...PHONE_COUNTRIES)

/** Values an identifier field may hold: written emails and phones, hashes, junk strings, numbers. */
const identifierValues = (): fc.Arbitrary<unknown[]> =>
  fc.array(
    fc.oneof(
      writtenEmail().map((e) => e.written),
      writtenPhone().map((p) => p.written),
      sha256Hex(),
      fc.string({ maxLength: 20 }),
      unicodeString(),
      fc.integer(),
      fc.constantFrom(null, true, '', '  ')
    ),
    { maxLength: 6 }
  )

describe('d. hashing', () => {
  test('a value already hashed (any case) is kept, lowercased, by every hasher', () => {
    fc.assert(
      fc.property(sha256Hex(), countryOrNone(), (hash, country) => {
        const expected = { hashes: [hash.toLowerCase()], dropped: [] }
        expect(hashEmails([hash])).toEqual(expected)
        expect(hashPhones([hash], { country })).toEqual(expected)
        expect(hashExternalIds([hash])).toEqual(expected)
        expect(hashEmails([` ${hash}\n`])).toEqual(expected)
      }),
      fcParameters(NUM_RUNS)
    )
  })

  test('hashing twice is hashing once (emails, phones, external IDs), and every output is lowercase SHA-256 hex', () => {
    fc.assert(
      fc.property(identifierValues(), countryOrNone(), (values, country) => {
        const emails = hashEmails(values).hashes
        const phones = hashPhones(values, { country }).hashes
        const ids = hashExternalIds(values).hashes
        expect(hashEmails(emails).hashes).toEqual(emails)
        expect(hashPhones(phones, { country }).hashes).toEqual(phones)
        expect(hashPhones(phones).hashes).toEqual(phones)
        expect(hashExternalIds(ids).hashes).toEqual(ids)
        for (const hash of [...emails, ...phones, ...ids])
          expect(/^[0-9a-f]{64}$/.test(hash) && isAlreadyHashed(hash, 'sha256', 'hex')).toBe(true)
      }),
      fcParameters(NUM_RUNS)
    )
  })

  test('every value is either hashed or reported dropped by its position; blank values are neither', () => {
    fc.assert(
      fc.property(identifierValues(), countryOrNone(), (values, country) => {
        for (const [field, result] of [
          ['email_addresses', hashEmails(values)],
          ['phone_numbers', hashPhones(values, { country })]
        ] as const) {
          for (const { field: named, index, message } of result.dropped) {
            expect(named).toBe(field)
            expect(message.startsWith(`${field}[${index}]: `)).toBe(true)
          }
          const reported = new Set(result.dropped.map(({ index }) => index))
          const usable = values.filter(
            (value, i) =>
              !reported.has(i) &&
              (typeof value === 'string' || typeof value === 'number') &&
              String(value).trim() !== ''
          )
          expect(result.hashes.length).toBeLessThanOrEqual(usable.length)
          if (usable.length > 0) expect(result.hashes.length).toBeGreaterThan(0)
        }
      }),
      fcParameters(NUM_RUNS)
    )
  })

  test('the same email in any case and surrounding whitespace hashes to sha256 of its trimmed lowercase form', () => {
    fc.assert(
      fc.property(
        emailAddress().chain((address) => fc.tuple(writtenFormOfEmail(address), writtenFormOfEmail(address))),
        ([a, b]) => {
          const expected = [sha256(a.normalized)]
          expect(hashEmails([a.written]).hashes).toEqual(expected)
          expect(hashEmails([b.written]).hashes).toEqual(expected)
          expect(hashEmails([a.written, b.written]).hashes).toEqual(expected)
        }
      ),
      fcParameters(NUM_RUNS)
    )
  })

  test('the same external ID in any case and surrounding whitespace hashes equal', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[a-z0-9][a-z0-9_.-]{0,30}$/),
        fc.constantFrom('', ' ', '\t', '\n '),
        (id, pad) => {
          expect(hashExternalIds([`${pad}${id.toUpperCase()}${pad}`]).hashes).toEqual([sha256(id)])
          expect(hashExternalIds([id, id.toUpperCase()]).hashes).toEqual([sha256(id)])
        }
      ),
      fcParameters(NUM_RUNS)
    )
  })

  test('the same phone number written two ways (with its default country where needed) hashes to sha256 of its E.164', () => {
    fc.assert(
      fc.property(
        phoneNumber()
          .chain((n) => fc.tuple(writtenFormOfPhone(n), writtenFormOfPhone(n)))
          .filter(([a, b]) => a.meaningfulDefaults.length > 0 && b.meaningfulDefaults.length > 0)
          .chain(([a, b]) =>
            fc.tuple(
              fc.constant(a),
              fc.constantFrom(...a.meaningfulDefaults),
              fc.constant(b),
              fc.constantFrom(...b.meaningfulDefaults)
            )
          ),
        ([a, countryA, b, countryB]) => {
          const expected = [sha256(a.number.e164)]
          expect({
            written: a.written,
            form: a.form,
            country: countryA,
            reading: readPhone(a.written.trim(), { country: countryA })
          }).toEqual({
            written: a.written,
            form: a.form,
            country: countryA,
            reading: { value: a.number.e164 }
          })
          expect(hashPhones([a.written], { country: countryA }).hashes).toEqual(expected)
          expect(hashPhones([b.written], { country: countryB }).hashes).toEqual(expected)
        }
      ),
      fcParameters(NUM_RUNS)
    )
  })

  test('no guessing: a number written without + or 00 is never sent without a Default Phone Country', () => {
    fc.assert(
      fc.property(writtenPhone(), (phone) => {
        const international = /^[(\s]*(\+|00)/.test(phone.written.trim())
        const result = hashPhones([phone.written])
        if (international) expect(result.hashes).toEqual([sha256(phone.number.e164)])
        else
          expect(result).toEqual({
            hashes: [],
            dropped: [
              {
                field: 'phone_numbers',
                index: 0,
                reason: 'no_country_code',
                message: 'phone_numbers[0]: no country code and no Default Phone Country'
              }
            ]
          })
      }),
      fcParameters(NUM_RUNS)
    )
  })
})
