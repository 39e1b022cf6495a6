import fc from 'fast-check'
import nock from 'nock'
import { createHash } from 'node:crypto'
import { format } from 'node:util'
import {
  createTestIntegration,
  type InputField,
  type JSONObject,
  type Logger,
  type Result,
  type SegmentEvent
} from '@segment/actions-core'
import type { CountryCode } from 'libphonenumber-js'
import definition from '../index'
import { PRESET_EVENTS, presets } from '../presets'
import { hashEmails, hashExternalIds, hashPhones, readPhone } from '../identity'
import { isSha256Hex } from '../hashing'
import { validateTrackRequest } from '../../../sandbox/rules'
import { SETTINGS, TIKTOK, TRACK_PATH } from './__helpers__/fixtures'
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
  writtenPhone,
  type Json,
  type JsonObject,
  type WrittenEmail,
  type WrittenPhone
} from './__helpers__/arbitraries'
import type { Settings } from '../generated-types'

/*
 * Property-based tests ("Reliability and security evidence").
 *
 * Runs and seeds
 * - FC_NUM_RUNS (default 10,000) is the number of cases of every property.
 *   The hashing properties (d) run that many times. For the properties that
 *   drive actions-core (a, c) a case is one Segment event: each run is a batch,
 *   the number of runs is FC_NUM_RUNS divided by less than the mean batch size,
 *   and each such test checks that at least FC_NUM_RUNS events went through.
 *   The single-event path (b) runs FC_NUM_RUNS / 5 events per action, as
 *   many requests: it is the slow path, and the batch path covers the same code.
 * - With CI set, the seed is fixed (CI_SEED), so CI runs are reproducible;
 *   locally it is random (fast-check's default, Date.now()).
 * - On failure fast-check prints "{ seed: …, path: "…" }" and the shrunk
 *   counterexample. Replay: FC_SEED=<seed> [FC_PATH=<path>] npx jest <this file> -t '<test name>'
 *   (FC_PATH belongs to one property: select it with -t).
 */

const CI_SEED = 20261127
const NUM_RUNS = positiveInteger('FC_NUM_RUNS') ?? 10_000
const SINGLE_RUNS = Math.max(1, Math.round(NUM_RUNS / 5))

function positiveInteger(name: string): number | undefined {
  const text = process.env[name]
  if (text === undefined || text.trim() === '') return undefined
  const value = Number(text)
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`${name} must be a positive integer, got ${JSON.stringify(text)}`)
  return value
}

/** fast-check parameters: numRuns, and the seed (FC_SEED, else fixed in CI, else random) and path to replay. */
function fcParameters<T>(numRuns: number): fc.Parameters<T> {
  const replay = process.env.FC_SEED
  let seed: number | undefined
  if (replay !== undefined && replay.trim() !== '') {
    seed = Number(replay)
    if (!Number.isInteger(seed)) throw new Error(`FC_SEED must be an integer, got ${JSON.stringify(replay)}`)
  } else if (process.env.CI) {
    seed = CI_SEED
  }
  const path = process.env.FC_PATH
  return { numRuns, ...(seed !== undefined ? { seed } : {}), ...(path ? { path } : {}) }
}

/**
 * The properties driven through actions-core count their cases in events: at
 * least FC_NUM_RUNS of them must have gone through. Batch sizes are random, so
 * the count is only checked from the default 10,000 up (the expected count is
 * then more than 6 standard deviations above it), and not when replaying one path.
 */
function expectEnoughCases(events: number): void {
  if (NUM_RUNS >= 10_000 && !process.env.FC_PATH) expect(events).toBeGreaterThanOrEqual(NUM_RUNS)
}

/** Jest's time limit for one property (jest.config's 60 s is too short for 10,000 events when shrinking a failure). */
const PROPERTY_TIMEOUT_MS = 300_000

// ---------------------------------------------------------------------------
// The actions, their presets and the names of their fields

type ActionKey = 'trackPaymentOfflineConversion' | 'trackNonPaymentOfflineConversion'
const ACTIONS: readonly ActionKey[] = ['trackPaymentOfflineConversion', 'trackNonPaymentOfflineConversion']

function presetMapping(name: string): JSONObject {
  const preset = presets.find((p) => p.name === name)
  if (!preset || !('mapping' in preset) || !preset.mapping) throw new Error(`no preset ${name}`)
  return preset.mapping
}

/** Every preset of the action (Complete Payment for the payment action; Contact, View Content… for the other). */
const presetsOf = (action: ActionKey): string[] => PRESET_EVENTS.filter((p) => p.action === action).map((p) => p.name)

function fieldsOf(action: ActionKey): Record<string, InputField> {
  const fields = definition.actions[action]?.fields
  if (!fields) throw new Error(`no action ${action}`)
  return fields
}

/**
 * What a per-event rejection must look like to "name the field". The accepted
 * shapes, all anchored at the start of the message (or of each sentence, for
 * actions-core's schema messages):
 *
 * 1. The destination's own PayloadValidationError: "<field key>[, <field key>…]: <rule>"
 *    ("currency: must be a 3-letter…", "timestamp: outside TikTok's attribution window…",
 *    "contents[2].quantity: must be a number, 0 or more", "email_addresses, phone_numbers: no usable…").
 * 2. (kept for the numbering below)
 * 3. actions-core's schema validation (ajv-human-errors); the message is one or
 *    more sentences, each of which must be one of:
 *    a. "The root value is missing the required field '<field key>'."
 *    b. "The value at /<field key>[/<index or sub-field>…] <rule>."
 *    c. "<field label> must <rule>." — ajv-human-errors names a field by its
 *       label (its schema title): "Value must be a number but it was a string.",
 *       "Price must be a number…" (a sub-field of Contents).
 */
function fieldNamer(action: ActionKey): (message: string) => boolean {
  const fields = fieldsOf(action)
  const keys = new Set(Object.keys(fields))
  const labels = new Set<string>()
  for (const field of Object.values(fields)) {
    labels.add(field.label)
    for (const sub of Object.values(field.properties ?? {})) labels.add(sub.label)
  }
  const ownMessage = (message: string): boolean => {
    const own = /^(\w+(?:, \w+)*)(?:\[\d+\]\.\w+)?: \S/.exec(message)
    return own !== null && own[1].split(', ').every((key) => keys.has(key))
  }
  const schemaSentence = (sentence: string): boolean => {
    const missing = /^The root value is missing the required field '(\w+)'\.$/.exec(sentence)
    if (missing) return keys.has(missing[1])
    const at = /^The value at \/(\w+)(?:\/\S*)? .+\.$/.exec(sentence)
    if (at) return keys.has(at[1])
    for (const label of labels) if (sentence.startsWith(`${label} must `) && sentence.endsWith('.')) return true
    return false
  }
  return (message) => {
    if (ownMessage(message)) return true
    const sentences = message.split(/(?<=\.)\s+(?=[A-Z])/)
    return sentences.length > 0 && sentences.every(schemaSentence)
  }
}

// ---------------------------------------------------------------------------
// TikTok, as nock: records every request body and answers what `answer` says

interface TikTokAnswer {
  status: number
  body: string | Record<string, Json>
}
const OK_ANSWER: TikTokAnswer = { status: 200, body: { code: 0, message: 'OK', request_id: '20261127000000ABCDEF' } }

interface FakeTikTok {
  bodies: unknown[]
  answer: TikTokAnswer
}

function fakeTikTok(): FakeTikTok {
  const state: FakeTikTok = { bodies: [], answer: OK_ANSWER }
  nock(TIKTOK)
    .persist()
    .post(TRACK_PATH)
    .reply((_uri, body) => {
      state.bodies.push(body)
      return [state.answer.status, state.answer.body]
    })
  return state
}

const nowSeconds = () => Math.floor(Date.now() / 1000)

/** The sandbox's verdict on a request body; the message says which rule, never the value. */
function sandboxProblem(body: unknown): string | undefined {
  // The sandbox checks after the destination built the body, so its "now" is later: never stricter on future times.
  const result = validateTrackRequest(body, { nowSeconds: nowSeconds() })
  return result.ok ? undefined : result.message
}

const asTrackBody = (event: unknown) => ({
  event_source: 'offline',
  event_source_id: SETTINGS.eventSetID,
  partner_name: 'Segment',
  data: [event]
})

/** Default Phone Country settings of the runs: none, the six countries, once in a while an invalid one. */
const defaultPhoneCountry = (): fc.Arbitrary<string | undefined> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constant(undefined) },
    { weight: 12, arbitrary: fc.constantFrom<string>(...PHONE_COUNTRIES) },
    { weight: 1, arbitrary: fc.constantFrom('', ' us ', 'XX', 'USA') }
  )

const settingsWith = (country: string | undefined, accessToken = SETTINGS.accessToken): Settings => ({
  accessToken,
  eventSetID: SETTINGS.eventSetID,
  ...(country !== undefined ? { defaultPhoneCountry: country } : {})
})

beforeEach(() => nock.disableNetConnect())
afterEach(() => {
  nock.cleanAll()
  nock.enableNetConnect()
})

// ---------------------------------------------------------------------------
// a. The batch path

/** Batches of 1 to 50 events (fast-check's mean ≈ 24.4): FC_NUM_RUNS / 20 runs give ≈ 1.2 × FC_NUM_RUNS events. */
const MAX_BATCH = 50
const BATCH_RUNS = Math.ceil(NUM_RUNS / 20)

describe('a. batch path: every event ends as a TikTok event the sandbox accepts, or as a 4xx naming a field', () => {
  test.each(ACTIONS)(
    '%s',
    async (action) => {
      const tiktok = fakeTikTok()
      const namesAField = fieldNamer(action)
      const testDestination = createTestIntegration(definition)
      const counts = { events: 0, sent: 0 }

      await fc.assert(
        fc.asyncProperty(
          fc.array(segmentEvent(), { minLength: 1, maxLength: MAX_BATCH, size: 'max' }),
          fc.constantFrom(...presetsOf(action)),
          defaultPhoneCountry(),
          async (events, preset, country) => {
            tiktok.bodies = []
            await testDestination.testBatchAction(action, {
              events,
              mapping: presetMapping(preset),
              settings: settingsWith(country)
            })
            const multistatus = testDestination.results[0]?.multistatus ?? []

            // exactly one entry per event, none missing
            expect(multistatus).toHaveLength(events.length)
            const sent: unknown[] = []
            for (let i = 0; i < events.length; i++) {
              const entry = multistatus[i]
              expect(entry).toBeDefined()
              if (entry.status === 200) {
                expect(sandboxProblem(asTrackBody(entry.sent))).toBeUndefined()
                sent.push(entry.sent)
              } else {
                expect(entry.status).toBeGreaterThanOrEqual(400)
                expect(entry.status).toBeLessThan(500)
                const message = 'errormessage' in entry ? entry.errormessage : undefined
                expect({ status: entry.status, message, namesAField: namesAField(message ?? '') }).toEqual({
                  status: entry.status,
                  message,
                  namesAField: true
                })
              }
            }
            // every request body passes the sandbox, and together they carry exactly the accepted events, in order
            for (const body of tiktok.bodies) expect(sandboxProblem(body)).toBeUndefined()
            const delivered = tiktok.bodies.flatMap((body) => (body as { data: unknown[] }).data)
            expect(delivered).toEqual(JSON.parse(JSON.stringify(sent))) // as JSON: -0 is sent as 0

            counts.events += events.length
            counts.sent += sent.length
          }
        ),
        fcParameters(BATCH_RUNS)
      )

      expectEnoughCases(counts.events)
      // enough events were accepted to exercise the sandbox rules (about a third for the payment action, more for the other)
      expect(counts.sent).toBeGreaterThan(counts.events / 10)
    },
    PROPERTY_TIMEOUT_MS
  )
})

// ---------------------------------------------------------------------------
// b. The single-event path

/** The errors perform may end with for a bad event. AggregateAjvError is actions-core's schema error: its runtime answers it with 400. */
function singleEventFailure(error: unknown): { status: number | undefined; name: string; message: string } {
  if (!(error instanceof Error)) return { status: undefined, name: typeof error, message: String(error) }
  const status = (error as { status?: unknown }).status
  return {
    name: error.name,
    message: error.message,
    status: typeof status === 'number' ? status : error.name === 'AggregateAjvError' ? 400 : undefined
  }
}

describe('b. single path: one request the sandbox accepts, or a 4xx naming a field', () => {
  test.each(ACTIONS)(
    '%s',
    async (action) => {
      const tiktok = fakeTikTok()
      const namesAField = fieldNamer(action)
      const testDestination = createTestIntegration(definition)

      await fc.assert(
        fc.asyncProperty(
          segmentEvent(),
          fc.constantFrom(...presetsOf(action)),
          defaultPhoneCountry(),
          async (event, preset, country) => {
            tiktok.bodies = []
            let failure: ReturnType<typeof singleEventFailure> | undefined
            try {
              await testDestination.testAction(action, {
                event,
                mapping: presetMapping(preset),
                settings: settingsWith(country)
              })
            } catch (error) {
              failure = singleEventFailure(error)
            }
            if (failure === undefined) {
              expect(tiktok.bodies).toHaveLength(1)
              expect(sandboxProblem(tiktok.bodies[0])).toBeUndefined()
              return
            }
            // Only the errors of a rejected event: anything else (a TypeError…) is a bug.
            expect(['PayloadValidationError', 'AggregateAjvError']).toContain(failure.name)
            expect(failure.status).toBe(400)
            expect({ message: failure.message, namesAField: namesAField(failure.message) }).toEqual({
              message: failure.message,
              namesAField: true
            })
            expect(tiktok.bodies).toEqual([])
          }
        ),
        fcParameters(SINGLE_RUNS)
      )
    },
    PROPERTY_TIMEOUT_MS
  )
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
      const targets: Record<string, JsonObject> = { properties, 'context.traits': contextTraits, traits }
      let userId = raw.userId
      if (emailAt === 'userId') userId = emails[0].written
      else targets[emailAt].email = email
      targets[phoneAt].phone = phone
      const event: JsonObject = { ...raw, properties, context: { ...context, traits: contextTraits }, traits }
      if (userId !== undefined) event.userId = userId
      return {
        event: event as unknown as SegmentEvent,
        emails: emailAt === 'userId' || !asArrays ? emails.slice(0, 1) : emails,
        phones: asArrays ? phones : phones.slice(0, 1)
      }
    })

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'.split('')
const accessToken = (): fc.Arbitrary<string> =>
  fc.string({ unit: fc.constantFrom(...ALPHANUMERIC), minLength: 32, maxLength: 32 })

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

type TestDestination = ReturnType<typeof createTestIntegration<Settings>>

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
    if (path === 'single') await testDestination.testAction(action, { event: events[0], mapping, settings, logger })
    else await testDestination.testBatchAction(action, { events, mapping, settings, logger })
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

describe('c. no email, phone number or access token in plain text in anything that leaves', () => {
  test(
    'TikTok accepts, or refuses without quoting anything',
    async () => {
      const tiktok = fakeTikTok()
      const testDestination = createTestIntegration(definition)
      const consoleLines: string[] = []
      spyOnConsole(consoleLines)
      let events = 0
      const quiet: TikTokAnswer[] = [
        OK_ANSWER,
        { status: 200, body: { code: 40002, message: 'Invalid parameter', request_id: '1' } },
        { status: 200, body: { code: 40105, message: 'Invalid access token' } },
        { status: 500, body: 'Internal Server Error' }
      ]

      await fc.assert(
        fc.asyncProperty(
          fc.array(piiEvent(), { minLength: 1, maxLength: PII_MAX_BATCH, size: 'max' }),
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
      const tiktok = fakeTikTok()
      const testDestination = createTestIntegration(definition)
      const consoleLines: string[] = []
      spyOnConsole(consoleLines)
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
          fc.array(piiEvent(), { minLength: 1, maxLength: ECHO_MAX_BATCH, size: 'max' }),
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
                : { status: shape.status, body: { code: shape.code, message: echo, request_id: '202611270000001234' } }
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

const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest('hex')
const countryOrNone = (): fc.Arbitrary<CountryCode | undefined> =>
  fc.constantFrom<CountryCode | undefined>(undefined, ...PHONE_COUNTRIES)

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
          expect(/^[0-9a-f]{64}$/.test(hash) && isSha256Hex(hash)).toBe(true)
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
          const positions = result.dropped.map((note) => Number(/^\w+\[(\d+)\]: /.exec(note)?.[1]))
          for (const [i, note] of result.dropped.entries()) expect(note.startsWith(`${field}[${positions[i]}]: `)).toBe(true)
          const reported = new Set(positions)
          const usable = values.filter((value, i) => !reported.has(i) && (typeof value === 'string' || typeof value === 'number') && String(value).trim() !== '')
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
        else expect(result).toEqual({ hashes: [], dropped: ['phone_numbers[0]: no country code and no Default Phone Country'] })
      }),
      fcParameters(NUM_RUNS)
    )
  })
})
