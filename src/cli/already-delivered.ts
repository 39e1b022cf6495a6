/**
 * --resume where TikTok de-duplicates: by the event_id sent (and the event
 * name), which the destination derives (a purchase's order ID, else the
 * messageId; a mapping's own event_id; or a digest of the event's content),
 * not by the Segment messageId: two files may share messageIds and hold
 * different orders.
 *
 * The event_id is known only once the destination has built the TikTok event,
 * so before a batch is sent it is run through the very same destination,
 * subscription and settings with a request client that answers locally
 * (./target-adapter's answerLocally): no connection, and each event's TikTok
 * event comes back exactly as it would be sent. Events whose (event_id, name)
 * an earlier report shows delivered to this target are skipped; the rest are
 * sent. Correct for every action and custom mapping, since nothing here
 * re-implements the mapping; the cost is building a resumed run's events twice.
 * An event the destination refuses has no event_id and was never delivered:
 * it is sent (and refused) again.
 */
import type { DeliveredSet } from './delivered-set'
import type { InputEvent } from './input'
import type { SentEvent } from './report-lines'
import type { Router } from './router'

export class AlreadyDelivered {
  constructor(
    private readonly delivered: DeliveredSet,
    /** The run's router over answerLocally(definition): builds events, sends nothing. */
    private readonly probe: Router
  ) {}

  /** The events of the batch (by position) an earlier run delivered to this target, with their TikTok event_id and name. */
  async find(batch: readonly InputEvent[], subscription: number): Promise<Map<number, SentEvent>> {
    const found = new Map<number, SentEvent>()
    if (this.delivered.size === 0 || batch.length === 0) return found
    const routing = await this.probe.runBatch(
      batch.map((item) => item.event),
      subscription
    )
    routing.forEach((entries, position) => {
      const sent = entries.find((entry) => entry.subscription === subscription)?.delivery
      if (sent?.eventId === undefined) return
      if (this.delivered.has(sent.eventId, sent.event ?? null))
        found.set(position, { eventId: sent.eventId, ...(sent.event !== undefined ? { event: sent.event } : {}) })
    })
    return found
  }
}
