/**
 * Match quality: how well TikTok can match what was delivered to its users.
 * Read from the destination's outcomes only, by their codes: a delivered
 * event's multi-status entry holds the TikTok event that was sent (which
 * identifiers it carries, hashed) and the values the destination left out
 * (`dropped`: field, position, reason code, never the value); a refused
 * event's entry holds the refusal's reason code (and what was dropped before
 * it was refused). Counters only, so a run of millions of events costs no
 * more memory than a run of ten.
 */
import {
  DROP_REASONS,
  type DropReason,
  type DroppableField,
  type DroppedValue,
  type RefusalReason
} from '../destinations/tiktok-offline-conversions/reasons'
import { toCountryCode } from '../destinations/tiktok-offline-conversions/identity'
import { isObject } from './values'

/** What the runner keeps of one delivered event. */
export interface DeliveryFacts {
  /** The event_id TikTok received: what it de-duplicates by (the order ID of a purchase, else the messageId…). */
  eventId?: string
  /** The TikTok event name sent (CompletePayment…): TikTok de-duplicates by event_id and event name. */
  event?: string
  email: boolean
  phone: boolean
  externalId: boolean
  ttclid: boolean
  /** A CompletePayment event. */
  purchase: boolean
  /** A CompletePayment event sent without `properties.value`. */
  withoutRevenue: boolean
  /** The values the destination left out. */
  dropped: DroppedValue[]
}

/** What match quality needs of one outcome: a delivered event's facts, or a refused one's; its Segment `context.locale`. */
export interface OutcomeFacts {
  delivery?: DeliveryFacts
  refusal?: RefusalFacts
  locale?: unknown
  /** The Segment event's `timestamp`, for the HTML report's events by day. */
  timestamp?: unknown
}

/** What the runner keeps of an event the destination refused before sending it. */
export interface RefusalFacts {
  reason: RefusalReason
  /** Values it had already left out (why the event had no email or phone, say). */
  dropped: DroppedValue[]
}

export interface IdentifierCount {
  count: number
  /** Of the delivered events, 0..1 (four decimals). */
  share: number
}

export interface DroppedCount {
  field: string
  /** The destination's reason code… */
  reason: DropReason
  /** …and the rule it stands for, in words. */
  rule: string
  count: number
}

export interface MatchQuality {
  /** Delivered events the shares are of. */
  delivered: number
  email: IdentifierCount
  phone: IdentifierCount
  externalId: IdentifierCount
  ttclid: IdentifierCount
  /** Values left out of delivered and refused events, by field and reason, most first. */
  dropped: DroppedCount[]
  /** Events refused because their time is outside TikTok's window. */
  outsideTimeWindow: number
  /** Delivered CompletePayment events… */
  purchases: number
  /** …of which without a value (TikTok cannot report their revenue). */
  purchasesWithoutRevenue: number
  /** One per loss the user can fix, with the fix. */
  hints: string[]
}

/** What a delivered event's multi-status entry says, read defensively (it is JSON from another module). */
export function deliveryFacts(sent: unknown, body: unknown): DeliveryFacts {
  const event = isObject(sent) ? sent : {}
  const user = isObject(event.user) ? event.user : {}
  const properties = isObject(event.properties) ? event.properties : {}
  const purchase = event.event === 'CompletePayment'
  return {
    ...sentEvent(sent),
    email: nonEmptyList(user.email),
    phone: nonEmptyList(user.phone),
    externalId: nonEmptyList(user.external_id),
    ttclid: typeof user.ttclid === 'string' && user.ttclid !== '',
    purchase,
    withoutRevenue: purchase && typeof properties.value !== 'number',
    dropped: droppedValues(body)
  }
}

/** A TikTok event's event_id and name, when the destination built it (what TikTok de-duplicates by). */
export function sentEvent(sent: unknown): { eventId?: string; event?: string } {
  const event = isObject(sent) ? sent : {}
  return {
    ...(typeof event.event_id === 'string' ? { eventId: event.event_id } : {}),
    ...(typeof event.event === 'string' ? { event: event.event } : {})
  }
}

const REFUSAL_REASONS: ReadonlySet<string> = new Set<RefusalReason>([
  'not_an_offline_event',
  'no_email_or_phone',
  'outside_time_window',
  'unreadable_timestamp',
  'currency_required',
  'invalid_currency',
  'invalid_amount'
])

/** The refusal in a refused event's multi-status entry body; undefined when it is not the destination's own refusal. */
export function refusalFacts(body: unknown): RefusalFacts | undefined {
  if (!isObject(body) || typeof body.reason !== 'string' || !REFUSAL_REASONS.has(body.reason)) return undefined
  return { reason: body.reason as RefusalReason, dropped: droppedValues(body) }
}

/** TikTok's codes for a parameter it refuses (INVALID_PARAMS, PARAM_ERROR). */
const PARAMETER_CODES: ReadonlySet<unknown> = new Set([40000, 40002])

/**
 * An event TikTok itself refused for its time: its answer (code 40000 / 40002)
 * names `event_time`. TikTok does not document its wording; the sandbox says
 * `data[i].event_time: must be within the last 28 days …` or `… must not be
 * more than 5 minutes in the future`. The destination only sends integer Unix
 * seconds, so a refusal that names event_time is one of its range. Counted
 * like the destination's own `outside_time_window` refusals.
 */
export function tiktokTimeRefusal(body: unknown): RefusalFacts | undefined {
  if (!isObject(body) || !PARAMETER_CODES.has(body.code) || typeof body.message !== 'string') return undefined
  return /\bevent_time\b/.test(body.message) ? { reason: 'outside_time_window', dropped: [] } : undefined
}

/** `body.dropped`, each entry kept when it has the destination's shape. */
function droppedValues(body: unknown): DroppedValue[] {
  if (!isObject(body) || !Array.isArray(body.dropped)) return []
  return body.dropped.filter(isDroppedValue)
}

const DROPPABLE_FIELDS: ReadonlySet<unknown> = new Set<DroppableField>([
  'email_addresses',
  'phone_numbers',
  'external_ids',
  'contents'
])

function isDroppedValue(value: unknown): value is DroppedValue {
  return (
    isObject(value) &&
    DROPPABLE_FIELDS.has(value.field) &&
    typeof value.index === 'number' &&
    typeof value.reason === 'string' &&
    Object.prototype.hasOwnProperty.call(DROP_REASONS, value.reason) &&
    typeof value.message === 'string'
  )
}

export class QualityCollector {
  private delivered = 0
  private identifiers = { email: 0, phone: 0, externalId: 0, ttclid: 0 }
  private dropped = new Map<string, DroppedCount>()
  private outsideTimeWindow = 0
  private purchases = 0
  private withoutRevenue = 0
  /** Countries (from the events' locales) of events that lost a phone number for want of a country code. */
  private phoneCountries = new Map<string, number>()

  /** One delivered event; `locale` is the Segment event's `context.locale`, for the phone-country hint. */
  addDelivered(facts: DeliveryFacts, locale?: unknown): void {
    this.delivered++
    if (facts.email) this.identifiers.email++
    if (facts.phone) this.identifiers.phone++
    if (facts.externalId) this.identifiers.externalId++
    if (facts.ttclid) this.identifiers.ttclid++
    if (facts.purchase) this.purchases++
    if (facts.withoutRevenue) this.withoutRevenue++
    this.addDropped(facts.dropped, locale)
  }

  /** One event the destination refused, with its refusal when the destination said why. */
  addRefused(refusal: RefusalFacts | undefined, locale?: unknown): void {
    if (!refusal) return
    if (refusal.reason === 'outside_time_window') this.outsideTimeWindow++
    this.addDropped(refusal.dropped, locale)
  }

  private addDropped(dropped: readonly DroppedValue[], locale: unknown): void {
    let lostPhoneCountry = false
    for (const { field, reason } of dropped) {
      if (reason === 'no_country_code') lostPhoneCountry = true
      // Bounded: a few fields times a few reasons (isDroppedValue keeps only the destination's).
      const key = `${field}\u0000${reason}`
      const entry = this.dropped.get(key) ?? { field, reason, rule: DROP_REASONS[reason], count: 0 }
      entry.count++
      this.dropped.set(key, entry)
    }
    const country = lostPhoneCountry ? localeCountry(locale) : undefined
    if (country) this.phoneCountries.set(country, (this.phoneCountries.get(country) ?? 0) + 1)
  }

  result(): MatchQuality {
    const share = (count: number): IdentifierCount => ({
      count,
      share: this.delivered > 0 ? Math.round((count / this.delivered) * 10_000) / 10_000 : 0
    })
    const dropped = [...this.dropped.values()].sort(
      (a, b) => b.count - a.count || a.field.localeCompare(b.field) || a.reason.localeCompare(b.reason)
    )
    return {
      delivered: this.delivered,
      email: share(this.identifiers.email),
      phone: share(this.identifiers.phone),
      externalId: share(this.identifiers.externalId),
      ttclid: share(this.identifiers.ttclid),
      dropped,
      outsideTimeWindow: this.outsideTimeWindow,
      purchases: this.purchases,
      purchasesWithoutRevenue: this.withoutRevenue,
      hints: hints(dropped, this.withoutRevenue, this.likeliestPhoneCountry())
    }
  }

  private likeliestPhoneCountry(): string | undefined {
    let best: [string, number] | undefined
    for (const entry of this.phoneCountries) if (!best || entry[1] > best[1]) best = entry
    return best?.[0]
  }
}

/** One hint per loss the user can fix; losses nobody can fix (an event too old) get none. */
export function hints(
  dropped: readonly DroppedCount[],
  purchasesWithoutRevenue: number,
  phoneCountry?: string
): string[] {
  const list: string[] = []
  const byReason = new Map<DropReason, number>()
  for (const { reason, count } of dropped) byReason.set(reason, (byReason.get(reason) ?? 0) + count)
  const noCountry = byReason.get('no_country_code') ?? 0
  if (noCountry > 0) {
    const fix = phoneCountry
      ? `add --default-phone-country ${phoneCountry} (the country of most of these events' locale)`
      : 'add --default-phone-country with their country (an ISO code such as US)'
    list.push(`${plural(noCountry, 'phone number')} had no country code: ${fix}`)
  }
  const badSetting = byReason.get('invalid_phone_country_setting') ?? 0
  if (badSetting > 0) {
    list.push(
      `${plural(badSetting, 'phone number')} had no country code and the Default Phone Country is not one: give --default-phone-country an ISO code such as US`
    )
  }
  const mappingReasons = new Set<DropReason>(['not_an_email', 'not_a_phone_number', 'not_text', 'empty_product'])
  const byField = new Map<string, number>()
  for (const { field, reason, count } of dropped) {
    if (mappingReasons.has(reason)) byField.set(field, (byField.get(field) ?? 0) + count)
  }
  for (const [field, count] of byField) {
    list.push(`${plural(count, `${field} value`)} could not be used: check what ${field} is mapped from (--mapping)`)
  }
  if (purchasesWithoutRevenue > 0) {
    list.push(
      `${plural(purchasesWithoutRevenue, 'purchase')} had no revenue: map value and currency (e.g. from properties.revenue) so TikTok can report it`
    )
  }
  return list
}

/** "312 phone numbers", "1 phone number". */
function plural(count: number, noun: string): string {
  return `${count.toLocaleString('en-US')} ${noun}${count === 1 ? '' : 's'}`
}

/** The country of a locale such as "en-GB" or "fr_CA", when it names one. */
export function localeCountry(locale: unknown): string | undefined {
  if (typeof locale !== 'string') return undefined
  const match = /^[a-z]{2,3}[-_]([a-z]{2})\b/i.exec(locale.trim())
  return match ? toCountryCode(match[1]) : undefined
}

function nonEmptyList(value: unknown): boolean {
  return Array.isArray(value) && value.length > 0
}
