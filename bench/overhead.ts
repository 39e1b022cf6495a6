import { Destination } from '@segment/actions-core'
import type { DestinationDefinition, SegmentEvent } from '@segment/actions-core'
import definition from '../src/destinations/tiktok-offline-conversions'
import type { Settings } from '../src/destinations/tiktok-offline-conversions/generated-types'
import { MAX_EVENTS_PER_REQUEST } from '../src/destinations/tiktok-offline-conversions/tiktok/constants'
import { completePaymentSettings } from './destination'
import { orderCompleted } from './events'
import { startStub } from './stub'
import { pointAt } from './target'

/** The destination's own work must cost no more than this share of actions-core's floor throughput. */
export const TARGET_RATIO = 0.8

export interface OverheadFigures {
  events: number
  rounds: number
  /** Best events/s of the no-op destination: actions-core's mapping and schema validation alone. */
  floorEventsPerSecond: number
  /** Best events/s of this destination, same fields, presets and mapping, an instant local stub for TikTok. */
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

/** Events/s of one pass of `events` through `destination.onBatch`, 1,000 at a time, as Segment drives it. */
async function eventsPerSecond(destination: Destination<Settings>, events: SegmentEvent[]): Promise<number> {
  const started = process.hrtime.bigint()
  for (let start = 0; start < events.length; start += MAX_EVENTS_PER_REQUEST) {
    await destination.onBatch(events.slice(start, start + MAX_EVENTS_PER_REQUEST), completePaymentSettings())
    destination.responses.length = 0
  }
  return events.length / (Number(process.hrtime.bigint() - started) / 1e9)
}

/**
 * The destination's own cost: `count` realistic Order Completed events (email,
 * phone, user ID, two products) through actions-core's batch path, side by side
 * with a no-op destination that has the very same fields, presets and mapping,
 * in rounds that alternate which goes first; the best of each is kept.
 */
export async function benchOverhead(count: number, rounds: number): Promise<OverheadFigures> {
  const events = Array.from({ length: count }, (_, i) => orderCompleted(i))
  const stub = await startStub(0)
  const floor = new Destination<Settings>(noOpDefinition())
  const destination = new Destination<Settings>(pointAt(definition, stub.url))
  // A warm-up pass each: JIT compilation and schema compilation are not what is measured.
  await eventsPerSecond(floor, events.slice(0, 2000))
  await eventsPerSecond(destination, events.slice(0, 2000))
  let best = { floor: 0, destination: 0 }
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? (['floor', 'destination'] as const) : (['destination', 'floor'] as const)
    for (const which of order) {
      const rate = await eventsPerSecond(which === 'floor' ? floor : destination, events)
      best = { ...best, [which]: Math.max(best[which], rate) }
    }
  }
  await stub.close()
  const ratio = best.destination / best.floor
  return {
    events: count,
    rounds,
    floorEventsPerSecond: Math.round(best.floor),
    destinationEventsPerSecond: Math.round(best.destination),
    ratio: Math.round(ratio * 100) / 100,
    floorMicrosecondsPerEvent: Math.round((1e6 / best.floor) * 10) / 10,
    ownMicrosecondsPerEvent: Math.round((1e6 / best.destination - 1e6 / best.floor) * 10) / 10,
    targetRatio: TARGET_RATIO,
    targetMet: ratio >= TARGET_RATIO
  }
}
