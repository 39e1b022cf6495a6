/** What the HTML report's tests share: report lines and a delivered event's facts. */
import type { DroppedValue } from '../../../destinations/tiktok-offline-conversions/reasons'
import { deliveryFacts, type DeliveryFacts } from '../../quality'
import type { ReportLine } from '../../report'

/** A report line of a Complete Payment event at `events.ndjson:<index>`. */
export function reportLine(
  index: number,
  outcome: ReportLine['outcome'],
  overrides: Partial<ReportLine> = {}
): ReportLine {
  return {
    file: 'events.ndjson',
    index,
    messageId: `m${index}`,
    action: 'trackPaymentOfflineConversion',
    preset: 'Complete Payment',
    status: outcome === 'delivered' ? 200 : 400,
    outcome,
    error: null,
    attempts: 1,
    ...overrides
  }
}

/** What a delivered event with an email and a phone number tells, read by the runner's own reader. */
export function delivered(dropped: DroppedValue[] = []): DeliveryFacts {
  const hash = 'a'.repeat(64)
  return deliveryFacts({ user: { email: [hash], phone: [hash] } }, { dropped })
}
