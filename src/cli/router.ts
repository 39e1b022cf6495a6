/**
 * Routing exactly as Segment does it: the destination definition runs in
 * actions-core's own `Destination`, with subscriptions (the presets, or one
 * custom action + mapping), through `onBatch` (the batch path: subscription
 * matching, mapping, validation, performBatch). This module turns its answer,
 * one multi-status per subscription, into what happened to each event.
 */
import {
  Destination,
  createRequestClient,
  type DestinationDefinition,
  type JSONObject,
  type Result,
  type SegmentEvent,
  type Subscription
} from '@segment/actions-core'
import { parseFql, validate } from '@segment/destination-subscriptions'
import type { Settings } from '../destinations/tiktok-offline-conversions/generated-types'
import {
  deliveryFacts,
  refusalFacts,
  sentEvent,
  tiktokTimeRefusal,
  type DeliveryFacts,
  type RefusalFacts
} from './quality'
import type { RouteSubscription } from './subscriptions'
import { pointAtTarget, type TargetAdapter } from './target-adapter'

/** What actions-core answers, in a batch, for an event the subscription does not match. */
export const NOT_SUBSCRIBED_MESSAGE = 'Payload is either invalid or does not match the subscription'

/** One subscription's answer for one event it matched. */
export interface RoutedEntry {
  /** Index into the router's subscriptions; null when the event could not be run at all. */
  subscription: number | null
  status: number
  /** The error message; null on success. */
  message: string | null
  /** On success: what was sent (identifiers, revenue) and what the destination left out. */
  delivery?: DeliveryFacts
  /** Refused by the destination before sending (or by TikTok for its time): its reason code and what it had left out. */
  refusal?: RefusalFacts
  /** Not delivered, but the destination built and sent it: its event_id and TikTok event name. */
  sent?: { eventId?: string; event?: string }
  /** Its request got no answer in time (a timeout): TikTok may have accepted it. */
  timedOut?: true
}

/**
 * Each event's entries: one per subscription that matched it (none = not
 * routed). `subscriptionIndexes[s]` is the router index of `results[s]`.
 */
export function combineResults(
  results: readonly Result[],
  eventCount: number,
  subscriptionIndexes: readonly number[]
): RoutedEntry[][] {
  const perEvent: RoutedEntry[][] = Array.from({ length: eventCount }, () => [])
  results.forEach((result, position) => {
    const multistatus = result?.multistatus
    // `{ output: 'not subscribed' }`: no event of the batch matched this subscription.
    if (!multistatus) return
    const subscription = subscriptionIndexes[position]
    for (let index = 0; index < eventCount; index++) {
      const entry = multistatus[index]
      if (!entry) {
        perEvent[index].push({ subscription, status: 500, message: 'actions-core gave no answer for this event' })
        continue
      }
      const message = 'errormessage' in entry ? entry.errormessage : null
      if (entry.status === 400 && message === NOT_SUBSCRIBED_MESSAGE) continue
      const ok = entry.status >= 200 && entry.status < 300
      if (ok) {
        perEvent[index].push({
          subscription,
          status: entry.status,
          message: null,
          delivery: deliveryFacts(entry.sent, entry.body)
        })
        continue
      }
      const body = 'body' in entry ? entry.body : undefined
      const refusal = refusalFacts(body) ?? tiktokTimeRefusal(body)
      const sent = 'sent' in entry ? sentEvent(entry.sent) : {}
      perEvent[index].push({
        subscription,
        status: entry.status,
        message: message ?? `status ${entry.status}`,
        ...(refusal ? { refusal } : {}),
        ...(sent.eventId !== undefined ? { sent } : {}),
        // The destination's transport failure: 504 and no answer body (an HTTP 504 answer has one, even empty).
        ...(entry.status === 504 && body === undefined ? { timedOut: true as const } : {})
      })
    }
  })
  return perEvent
}

/** The settings Segment hands the destination: its own settings plus the subscriptions. */
export interface RouterSettings {
  accessToken: string
  eventSetID: string
  defaultPhoneCountry?: string
}

export class Router {
  /** Public for tests: actions-core's Destination the events run in. */
  readonly destination: Destination<Settings>

  private readonly definition: DestinationDefinition<Settings>
  private readonly conditions: ReturnType<typeof parseFql>[]

  /**
   * `target`: where TikTok's URLs go instead (the sandbox, the dry-run stub;
   * without a base URL, to TikTok) and who is told of each request and answer.
   */
  constructor(
    definition: DestinationDefinition<Settings>,
    readonly subscriptions: readonly RouteSubscription[],
    private readonly settings: RouterSettings,
    target: TargetAdapter = {}
  ) {
    this.definition = pointAtTarget(definition, target)
    this.destination = new Destination(this.definition)
    this.conditions = subscriptions.map((subscription) => parseFql(subscription.subscribe))
  }

  /**
   * The destination's own credentials check (its authentication test, what
   * Segment runs when settings are saved), called as actions-core calls it,
   * but without actions-core's wrapping of the error in a plain Error: the
   * caller needs the error's status to tell "refused" from "unreachable".
   */
  async testAuthentication(signal?: AbortSignal): Promise<void> {
    const settings = this.destinationSettings()
    const test = this.definition.authentication?.testAuthentication
    if (!test) return
    // `signal` abandons the check's request (a second Ctrl-C), as onBatch's does a batch's.
    const request = createRequestClient(
      this.definition.extendRequest?.({ settings, payload: undefined }) ?? {},
      signal ? { signal } : {}
    )
    // A custom scheme has no OAuth tokens; actions-core passes empty ones too.
    await test(request, { settings, auth: { accessToken: '', refreshToken: '' } })
  }

  /**
   * The subscriptions an event matches, decided as Segment does before it
   * batches events per subscription. A subscription whose check throws on the
   * event counts as matching: actions-core then answers for the event, rather
   * than the runner hiding it as unrouted.
   */
  matching(event: SegmentEvent): number[] {
    const indexes: number[] = []
    this.conditions.forEach((condition, index) => {
      if ('error' in condition) return
      let matched: boolean
      try {
        matched = validate(condition, event)
      } catch (error) {
        if (!(error instanceof TypeError)) throw error
        matched = true
      }
      if (matched) indexes.push(index)
    })
    return indexes
  }

  /**
   * Runs the events through the subscriptions (all, or only `only`) and says
   * what each subscription did with each event. Each subscription is its own
   * `onBatch` call, all at once (as actions-core runs them), so that when
   * actions-core throws for one, the others' answers are kept; the throwing
   * batch is split to find the events it cannot run, which are answered 400.
   * It never throws for an event. `signal` abandons the requests in flight
   * (actions-core hands it to the request client).
   */
  async runBatch(events: readonly SegmentEvent[], only?: number, signal?: AbortSignal): Promise<RoutedEntry[][]> {
    const indexes = only === undefined ? this.subscriptions.map((_, index) => index) : [only]
    const perSubscription = await Promise.all(indexes.map((index) => this.runSubscription(events, index, signal)))
    return events.map((_, position) => {
      const entries = perSubscription.flatMap((answers) => answers[position])
      const routed = entries.filter((entry) => entry.subscription !== null)
      // An event actions-core threw on that no subscription matches: one entry, not one per subscription.
      return routed.length > 0 || entries.length === 0 ? routed : [entries[0]]
    })
  }

  private async runSubscription(
    events: readonly SegmentEvent[],
    index: number,
    signal: AbortSignal | undefined
  ): Promise<RoutedEntry[][]> {
    if (events.length === 0) return []
    let results: Result[]
    try {
      results = await this.destination.onBatch([...events], this.settingsFor(index), signal ? { signal } : undefined)
    } catch (error) {
      if (events.length === 1) return [this.unrunnable(events[0], index, error)]
      const middle = Math.ceil(events.length / 2)
      const head = await this.runSubscription(events.slice(0, middle), index, signal)
      const tail = await this.runSubscription(events.slice(middle), index, signal)
      return [...head, ...tail]
    } finally {
      // actions-core keeps every response (with its request) for tests; unbounded in a long run.
      this.destination.responses.length = 0
    }
    return combineResults(results, events.length, [index])
  }

  private destinationSettings(): Settings {
    return {
      accessToken: this.settings.accessToken,
      eventSetID: this.settings.eventSetID,
      ...(this.settings.defaultPhoneCountry ? { defaultPhoneCountry: this.settings.defaultPhoneCountry } : {})
    }
  }

  private settingsFor(index: number): JSONObject {
    const { name, partnerAction, subscribe, mapping } = this.subscriptions[index]
    const subscription: Subscription = { name, partnerAction, subscribe, mapping }
    return { ...this.destinationSettings(), subscriptions: [subscription as unknown as JSONObject] }
  }

  /**
   * An event actions-core throws on (it does so while preparing a batch, before
   * any request, so the rest of its batch is sent once). Never retried: it would throw again.
   */
  private unrunnable(event: SegmentEvent, index: number, error: unknown): RoutedEntry[] {
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error)
    const message = `actions-core could not process this event (${reason})`
    const subscription = this.matching(event).includes(index) ? index : null
    return [{ subscription, status: 400, message }]
  }
}
