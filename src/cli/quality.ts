/**
 * Match quality: how well TikTok can match what was delivered to its users.
 * Read from the destination's outcomes only: a delivered event's multi-status
 * entry holds the TikTok event that was sent (which identifiers it carries,
 * hashed) and the notes of the values the destination left out (`dropped`:
 * "field[position]: why", never the value); an event refused for its time
 * has a message that starts with OUTSIDE_TIME_WINDOW. Counters only, so a run
 * of millions of events costs no more memory than a run of ten.
 */
import { DROP_REASONS, OUTSIDE_TIME_WINDOW, parseDroppedNote } from '../destinations/tiktok-offline-conversions/reasons'
import { toCountryCode } from '../destinations/tiktok-offline-conversions/identity'

/** What the runner keeps of one delivered event. */
export interface DeliveryFacts {
  /** The event_id TikTok received: what it de-duplicates by (the order ID of a purchase, else the messageId…). */
  eventId?: string
  email: boolean
  phone: boolean
  externalId: boolean
  ttclid: boolean
  /** A CompletePayment event. */
  purchase: boolean
  /** A CompletePayment event sent without `properties.value`. */
  withoutRevenue: boolean
  /** The destination's notes of values it left out. */
  dropped: string[]
}

export interface IdentifierCount {
  count: number
  /** Of the delivered events, 0..1 (four decimals). */
  share: number
}

export interface DroppedCount {
  field: string
  reason: string
  count: number
}

export interface MatchQuality {
  /** Delivered events the shares are of. */
  delivered: number
  email: IdentifierCount
  phone: IdentifierCount
  externalId: IdentifierCount
  ttclid: IdentifierCount
  /** Values left out of delivered events, by field and reason, most first. */
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
  const dropped = isObject(body) && Array.isArray(body.dropped) ? body.dropped.filter(isString) : []
  return {
    ...(typeof event.event_id === 'string' ? { eventId: event.event_id } : {}),
    email: nonEmptyList(user.email),
    phone: nonEmptyList(user.phone),
    externalId: nonEmptyList(user.external_id),
    ttclid: typeof user.ttclid === 'string' && user.ttclid !== '',
    purchase,
    withoutRevenue: purchase && typeof properties.value !== 'number',
    dropped
  }
}

export function isOutsideTimeWindow(message: string | null): boolean {
  return message?.startsWith(OUTSIDE_TIME_WINDOW) === true
}

/** Distinct (field, reason) pairs kept; they are few (the destination's fixed reasons). */
const MAX_DROP_KINDS = 100

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
    let lostPhoneCountry = false
    for (const note of facts.dropped) {
      const parsed = parseDroppedNote(note)
      let field = parsed?.field ?? '(unknown field)'
      let reason = parsed?.reason ?? note
      if (reason === DROP_REASONS.phoneWithoutCountry) lostPhoneCountry = true
      if (!this.dropped.has(`${field}\u0000${reason}`) && this.dropped.size >= MAX_DROP_KINDS) {
        field = '(other fields)'
        reason = '(other reasons)'
      }
      const key = `${field}\u0000${reason}`
      const entry = this.dropped.get(key) ?? { field, reason, count: 0 }
      entry.count++
      this.dropped.set(key, entry)
    }
    const country = lostPhoneCountry ? localeCountry(locale) : undefined
    if (country) this.phoneCountries.set(country, (this.phoneCountries.get(country) ?? 0) + 1)
  }

  /** One refused event, with its message. */
  addRejected(message: string | null): void {
    if (isOutsideTimeWindow(message)) this.outsideTimeWindow++
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
  const byReason = new Map<string, number>()
  for (const { reason, count } of dropped) byReason.set(reason, (byReason.get(reason) ?? 0) + count)
  const noCountry = byReason.get(DROP_REASONS.phoneWithoutCountry) ?? 0
  if (noCountry > 0) {
    const fix = phoneCountry
      ? `add --default-phone-country ${phoneCountry} (the country of most of these events' locale)`
      : 'add --default-phone-country with their country (an ISO code such as US)'
    list.push(`${plural(noCountry, 'phone number')} had no country code: ${fix}`)
  }
  const badSetting = byReason.get(DROP_REASONS.phoneCountrySettingInvalid) ?? 0
  if (badSetting > 0) {
    list.push(
      `${plural(badSetting, 'phone number')} had no country code and the Default Phone Country is not one: give --default-phone-country an ISO code such as US`
    )
  }
  const mappingReasons = new Set<string>([
    DROP_REASONS.notAnEmail,
    DROP_REASONS.notAPhoneNumber,
    DROP_REASONS.notText,
    DROP_REASONS.emptyProduct
  ])
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

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function isString(value: unknown): value is string {
  return typeof value === 'string'
}

function nonEmptyList(value: unknown): boolean {
  return Array.isArray(value) && value.length > 0
}
