import fc from 'fast-check'
import nock from 'nock'
import type { InputField, JSONObject } from '@segment/actions-core'
import definition from '../../destinations/tiktok-offline-conversions'
import { PRESET_EVENTS, presets } from '../../destinations/tiktok-offline-conversions/presets'
import type { Settings } from '../../destinations/tiktok-offline-conversions/generated-types'
import {
  SETTINGS,
  TIKTOK,
  TRACK_PATH
} from '../../destinations/tiktok-offline-conversions/__tests__/__helpers__/fixtures'
import { PHONE_COUNTRIES } from './arbitraries'
import type { Json } from './arbitraries'

/*
 * What the property-based tests share (here and in the sandbox's tests of the destination).
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

export const CI_SEED = 20261127
export const NUM_RUNS = positiveInteger('FC_NUM_RUNS') ?? 10_000
export const SINGLE_RUNS = Math.max(1, Math.round(NUM_RUNS / 5))

export function positiveInteger(name: string): number | undefined {
  const text = process.env[name]
  if (text === undefined || text.trim() === '') return undefined
  const value = Number(text)
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`${name} must be a positive integer, got ${JSON.stringify(text)}`)
  return value
}

/** fast-check parameters: numRuns, and the seed (FC_SEED, else fixed in CI, else random) and path to replay. */
export function fcParameters<T>(numRuns: number): fc.Parameters<T> {
  const replay = process.env.FC_SEED
  let seed: number | undefined
  if (replay !== undefined && replay.trim() !== '') {
    seed = Number(replay)
    if (!Number.isInteger(seed)) throw new Error(`FC_SEED must be an integer, got ${JSON.stringify(replay)}`)
  } else if (process.env.CI) {
    seed = CI_SEED
  }
  const path = process.env.FC_PATH
  return {
    numRuns,
    ...(seed !== undefined ? { seed } : {}),
    ...(path ? { path } : {})
  }
}

/**
 * The properties driven through actions-core count their cases in events: at
 * least FC_NUM_RUNS of them must have gone through. Batch sizes are random, so
 * the count is only checked from the default 10,000 up (the expected count is
 * then more than 6 standard deviations above it), and not when replaying one path.
 */
export function expectEnoughCases(events: number): void {
  if (NUM_RUNS >= 10_000 && !process.env.FC_PATH) expect(events).toBeGreaterThanOrEqual(NUM_RUNS)
}

/** Jest's time limit for one property (jest.config's 60 s is too short for 10,000 events when shrinking a failure). */
export const PROPERTY_TIMEOUT_MS = 300_000

// ---------------------------------------------------------------------------
// The actions, their presets and the names of their fields

export type ActionKey = 'trackPaymentOfflineConversion' | 'trackNonPaymentOfflineConversion'
export const ACTIONS: readonly ActionKey[] = ['trackPaymentOfflineConversion', 'trackNonPaymentOfflineConversion']

export function presetMapping(name: string): JSONObject {
  const preset = presets.find((p) => p.name === name)
  if (!preset || !('mapping' in preset) || !preset.mapping) throw new Error(`no preset ${name}`)
  return preset.mapping
}

/** Every preset of the action (Complete Payment for the payment action; Contact, View Content… for the other). */
export const presetsOf = (action: ActionKey): string[] =>
  PRESET_EVENTS.filter((p) => p.action === action).map((p) => p.name)

export function fieldsOf(action: ActionKey): Record<string, InputField> {
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
export function fieldNamer(action: ActionKey): (message: string) => boolean {
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

export interface TikTokAnswer {
  status: number
  body: string | Record<string, Json>
}
export const OK_ANSWER: TikTokAnswer = {
  status: 200,
  body: { code: 0, message: 'OK', request_id: '20261127000000ABCDEF' }
}

export interface FakeTikTok {
  bodies: unknown[]
  answer: TikTokAnswer
}

export function fakeTikTok(): FakeTikTok {
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

/** Default Phone Country settings of the runs: none, the six countries, once in a while an invalid one. */
export const defaultPhoneCountry = (): fc.Arbitrary<string | undefined> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constant(undefined) },
    { weight: 12, arbitrary: fc.constantFrom<string>(...PHONE_COUNTRIES) },
    { weight: 1, arbitrary: fc.constantFrom('', ' us ', 'XX', 'USA') }
  )

export const settingsWith = (country: string | undefined, accessToken = SETTINGS.accessToken): Settings => ({
  accessToken,
  eventSetID: SETTINGS.eventSetID,
  ...(country !== undefined ? { defaultPhoneCountry: country } : {})
})
