import { Destination, type SegmentEvent } from '@segment/actions-core'
import definition from '../src/destinations/tiktok-offline-conversions'
import type { Settings } from '../src/destinations/tiktok-offline-conversions/generated-types'
import { presets } from '../src/destinations/tiktok-offline-conversions/presets'
import { MAX_EVENTS_PER_REQUEST } from '../src/destinations/tiktok-offline-conversions/tiktok/constants'
import { pointAt } from './target'
import { orderCompleted } from './events'
import { startStub } from './stub'

export interface PathFigures {
  path: string
  latencyMs: number
  events: number
  delivered: number
  seconds: number
  eventsPerSecond: number
  httpRequests: number
  bytesSent: number
  peakRssMb: number
}

const completePayment = presets.find((p) => p.name === 'Complete Payment')

/** Settings with one subscription, as Segment makes it from the Complete Payment preset, batching on. */
export function completePaymentSettings() {
  if (!completePayment || !('subscribe' in completePayment)) throw new Error('no Complete Payment preset')
  return {
    accessToken: 'bench-token',
    eventSetID: 'bench-event-set',
    subscription: {
      partnerAction: completePayment.partnerAction,
      subscribe: completePayment.subscribe,
      mapping: { ...completePayment.mapping, enable_batching: true }
    }
  }
}

const peakRssMb = () => Math.round(process.resourceUsage().maxRSS / 1024)

/** Counts events whose outcome is 200 in what onBatch returned. */
function delivered(results: { multistatus?: { status: number }[] }[]): number {
  let count = 0
  for (const result of results) count += result.multistatus?.filter((m) => m.status === 200).length ?? 0
  return count
}

type Run = (destination: Destination<Settings>, settings: ReturnType<typeof completePaymentSettings>) => Promise<number>

async function measure(path: string, events: SegmentEvent[], latencyMs: number, run: Run): Promise<PathFigures> {
  const stub = await startStub(latencyMs)
  const destination = new Destination<Settings>(pointAt(definition, stub.url))
  const started = process.hrtime.bigint()
  const ok = await run(destination, completePaymentSettings())
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  await stub.close()
  return {
    path,
    latencyMs,
    events: events.length,
    delivered: ok,
    seconds: Math.round(seconds * 1000) / 1000,
    eventsPerSecond: Math.round(events.length / seconds),
    httpRequests: stub.requests,
    bytesSent: stub.bytes,
    peakRssMb: peakRssMb()
  }
}

/** actions-core's batch path, as Segment drives it: onBatch with batches of 1,000. */
const batchPath: (events: SegmentEvent[]) => Run = (events) => async (destination, settings) => {
  let ok = 0
  for (let start = 0; start < events.length; start += MAX_EVENTS_PER_REQUEST) {
    ok += delivered(await destination.onBatch(events.slice(start, start + MAX_EVENTS_PER_REQUEST), settings))
    destination.responses.length = 0 // actions-core keeps every response; a long run must drop them
  }
  return ok
}

/** actions-core's single-event path: onEvent, one event after the other; it throws for a failed event. */
const singlePath: (events: SegmentEvent[]) => Run = (events) => async (destination, settings) => {
  for (const event of events) {
    await destination.onEvent(event, settings)
    destination.responses.length = 0
  }
  return events.length
}

export interface DestinationBench {
  paths: PathFigures[]
  /** Batch events/s over single-event events/s, at each stub latency. */
  ratios: Record<string, number>
}

/**
 * N Order Completed events through actions-core's batch path and its
 * single-event path, with the stub answering at once and after `latencyMs`
 * (a network round trip: what batching saves is mostly round trips).
 */
export async function benchDestination(count: number, latenciesMs: number[]): Promise<DestinationBench> {
  const events = Array.from({ length: count }, (_, i) => orderCompleted(i))
  const paths: PathFigures[] = []
  const ratios: Record<string, number> = {}
  for (const latencyMs of latenciesMs) {
    const batch = await measure('batch', events, latencyMs, batchPath(events))
    const single = await measure('single', events, latencyMs, singlePath(events))
    paths.push(batch, single)
    ratios[`${latencyMs}ms`] = Math.round((batch.eventsPerSecond / single.eventsPerSecond) * 10) / 10
  }
  return { paths, ratios }
}
