import fc from 'fast-check'
import nock from 'nock'
import { createTestIntegration } from '@segment/actions-core'
import definition from '../../destinations/tiktok-offline-conversions'
import { segmentEvent } from '../../__tests__/properties/arbitraries'
import { SETTINGS } from '../../destinations/tiktok-offline-conversions/__tests__/__helpers__/fixtures'
import {
  ACTIONS,
  PROPERTY_TIMEOUT_MS,
  SINGLE_RUNS,
  NUM_RUNS,
  defaultPhoneCountry,
  expectEnoughCases,
  fakeTikTok,
  fcParameters,
  fieldNamer,
  presetMapping,
  presetsOf,
  settingsWith
} from '../../__tests__/properties/property-runs'
import { validateTrackRequest } from '../rules'

/*
 * Property-based tests of the destination against the sandbox's rules, which
 * are written from TikTok's documentation on their own: whatever Segment event
 * comes in, the destination sends what TikTok accepts, or refuses the event
 * with a 4xx naming a field. They live here, not in the destination's folder,
 * because the sandbox is this project's, not Segment's monorepo's.
 */

beforeEach(() => nock.disableNetConnect())
afterEach(() => {
  nock.cleanAll()
  nock.enableNetConnect()
})

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
