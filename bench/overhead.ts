import { Destination } from '@segment/actions-core'
import type { DestinationDefinition, SegmentEvent } from '@segment/actions-core'
import definition from '../src/destinations/tiktok-offline-conversions'
import type { Settings } from '../src/destinations/tiktok-offline-conversions/generated-types'
import { MAX_EVENTS_PER_REQUEST } from '../src/destinations/tiktok-offline-conversions/tiktok/constants'
import { completePaymentSettings } from './destination'
import { orderCompleted } from './events'
import { startStubProcess } from './stub'
import { pointAt } from './target'

/** The destination's own work must cost no more than this share of actions-core's floor throughput. */
export const TARGET_RATIO = 0.8

export interface OverheadFigures {
  events: number
  rounds: number
  /** Events/s of the no-op destination (each batch's best round): actions-core's mapping and schema validation alone. */
  floorEventsPerSecond: number
  /** Events/s of this destination (each batch's best round), same fields, presets and mapping, an instant stub for TikTok in a process of its own. */
  destinationEventsPerSecond: number
  ratio: number
  floorMicrosecondsPerEvent: number
  /** What the destination adds per event over the floor. */
  ownMicrosecondsPerEvent: number
  targetRatio: number
  targetMet: boolean
}

/** The same definition whose actions do nothing: what actions-core costs before any destination code runs. */
function noOpDefinition(): DestinationDefinition<Settings> {
  const actions: DestinationDefinition<Settings>['actions'] = {}
  for (const [key, action] of Object.entries(definition.actions)) {
    actions[key] = { ...action, perform: async () => undefined, performBatch: async () => undefined }
  }
  return { ...definition, actions }
}

/** Seconds `destination.onBatch` takes for one batch, as Segment drives it. */
async function secondsFor(destination: Destination<Settings>, batch: SegmentEvent[]): Promise<number> {
  const started = process.hrtime.bigint()
  await destination.onBatch(batch, completePaymentSettings())
  destination.responses.length = 0
  return Number(process.hrtime.bigint() - started) / 1e9
}

/** Seconds each batch took, per destination. */
interface Times {
  floor: number[]
  destination: number[]
}

/**
 * One round: every batch of 1,000 through both destinations, one right after
 * the other (which goes first alternates), so that a slow moment of a shared
 * machine falls on both alike.
 */
async function round(
  floor: Destination<Settings>,
  destination: Destination<Settings>,
  events: SegmentEvent[]
): Promise<Times> {
  const times: Times = { floor: [], destination: [] }
  for (let start = 0, index = 0; start < events.length; start += MAX_EVENTS_PER_REQUEST, index++) {
    const batch = events.slice(start, start + MAX_EVENTS_PER_REQUEST)
    const order = index % 2 === 0 ? (['floor', 'destination'] as const) : (['destination', 'floor'] as const)
    for (const which of order) times[which].push(await secondsFor(which === 'floor' ? floor : destination, batch))
  }
  return times
}

/** Each batch's best time over the rounds: a pause (a collection, another process) spoils one batch of one round, not the figure. */
const bestOf = (rounds: number[][]): number[] =>
  rounds[0].map((_, batch) => Math.min(...rounds.map((times) => times[batch])))

const sum = (values: number[]): number => values.reduce((total, value) => total + value, 0)

/**
 * The destination's own cost: `count` realistic Order Completed events (email,
 * phone, user ID, two products) through actions-core's batch path, side by side
 * with a no-op destination that has the very same fields, presets and mapping,
 * batch by batch in rounds; each batch's best time of each is kept.
 */
export async function benchOverhead(count: number, rounds: number): Promise<OverheadFigures> {
  const events = Array.from({ length: count }, (_, i) => orderCompleted(i))
  const stub = await startStubProcess(0)
  const floor = new Destination<Settings>(noOpDefinition())
  const destination = new Destination<Settings>(pointAt(definition, stub.url))
  // A warm-up round: JIT compilation and schema compilation are not what is measured.
  await round(floor, destination, events.slice(0, 2000))
  const measured: Times[] = []
  for (let count = 0; count < rounds; count++) measured.push(await round(floor, destination, events))
  const best = {
    floor: count / sum(bestOf(measured.map((times) => times.floor))),
    destination: count / sum(bestOf(measured.map((times) => times.destination)))
  }
  await stub.close()
  const ratio = best.destination / best.floor
  return {
    events: count,
    rounds,
    floorEventsPerSecond: Math.round(best.floor),
    destinationEventsPerSecond: Math.round(best.destination),
    // Three decimals: rounded to two, 0.796 would print as 0.8 beside "not met".
    ratio: Math.round(ratio * 1000) / 1000,
    floorMicrosecondsPerEvent: Math.round((1e6 / best.floor) * 10) / 10,
    ownMicrosecondsPerEvent: Math.round((1e6 / best.destination - 1e6 / best.floor) * 10) / 10,
    targetRatio: TARGET_RATIO,
    targetMet: ratio >= TARGET_RATIO
  }
}
