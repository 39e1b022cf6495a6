import { PayloadValidationError } from '@segment/actions-core'
import type { Payload } from './trackNonPaymentOfflineConversion/generated-types'
import type { TikTokContent, TikTokEvent, TikTokProperties, TikTokUser } from './tiktok/wire'
import { hashEmails, hashExternalIds, hashPhones } from './identity'
import type { PhoneCountry } from './identity'
import { toEventTime } from './event-time'
import { readEventName, requireMatchingKey } from './offline-rules'
import { sha256Hex } from './hashing'
import { compact } from './compact'
import { DROP_REASONS, droppedNote } from './reasons'

/** What every action hands to the one code path: their payloads have the same fields. */
export type ConversionPayload = Payload

export interface ConversionContext {
  phoneCountry: PhoneCountry
  nowSeconds: number
}

/** One TikTok `data[]` item, and what the payload held that it does not carry, by field and position. */
export interface Conversion {
  event: TikTokEvent
  dropped: string[]
}

const CURRENCY = /^[A-Z]{3}$/

/** Payload → one TikTok `data[]` item. Throws PayloadValidationError naming the field and the rule. */
export function toTikTokEvent(payload: ConversionPayload, context: ConversionContext): Conversion {
  const name = readEventName(payload.event)
  const emails = hashEmails(payload.email_addresses)
  const phones = hashPhones(payload.phone_numbers, context.phoneCountry)
  const externalIds = hashExternalIds(payload.external_ids)
  const contents = toContents(payload.contents)
  const dropped = emails.dropped.concat(phones.dropped, externalIds.dropped, contents.dropped)
  requireMatchingKey(emails.hashes, phones.hashes, dropped)
  const time = toEventTime(payload.timestamp, context.nowSeconds)

  // Keys are added in one order, so that every event has the same shape: cheaper to build and to serialize.
  const user: TikTokUser =
    compact({
      email: emails.hashes,
      phone: phones.hashes,
      external_id: externalIds.hashes,
      ttclid: payload.ttclid || ttclidFromUrl(payload.url),
      ttp: payload.ttp,
      lead_id: payload.lead_id,
      ip: payload.ip,
      user_agent: payload.user_agent,
      locale: payload.locale
    }) ?? {}
  // Stryker disable next-line StringLiteral: a placeholder that keeps the key order, always replaced below and not part of the derived ID
  const event: TikTokEvent = { event: name, event_time: time.seconds, event_id: '', user }
  const properties = toProperties(payload, contents.items)
  // Stryker disable next-line ConditionalExpression: properties: undefined is left out of the JSON TikTok gets, and out of the derived ID
  if (properties) event.properties = properties
  const page = compact({ url: payload.url, referrer: payload.referrer })
  // Stryker disable next-line ConditionalExpression: page: undefined is left out of the JSON TikTok gets, and out of the derived ID
  if (page) event.page = page
  if (typeof payload.limited_data_use === 'boolean') event.limited_data_use = payload.limited_data_use
  event.event_id = payload.event_id?.trim() || deriveEventId(event, time.given)
  return { event, dropped }
}

/**
 * An event ID from the event's content, for mappings that give none: the same
 * event always gets the same ID, so TikTok de-duplicates a re-sent request
 * (after a 20001 or an unconfirmed answer) instead of counting it twice. The
 * time of sending, which stands in for a missing timestamp, is left out of it.
 */
function deriveEventId(event: TikTokEvent, timeGiven: boolean): string {
  const { event: name, event_time, user, properties, page, limited_data_use } = event
  return sha256Hex(
    JSON.stringify({
      event_time: timeGiven ? event_time : undefined,
      event: name,
      user,
      properties,
      page,
      limited_data_use
    })
  )
}

function toProperties(payload: ConversionPayload, contents: TikTokContent[]): TikTokProperties | undefined {
  const value = payload.value
  requireAmount(value, 'value')
  const currency = toCurrency(payload.currency)
  if (value !== undefined && currency === undefined) {
    throw new PayloadValidationError(
      'currency: required when value is given; TikTok reports a value only with its ISO 4217 currency code'
    )
  }
  return compact({
    contents,
    // content_type describes the contents; alone it would tell TikTok nothing.
    content_type: contents.length > 0 ? payload.content_type : undefined,
    currency,
    value,
    order_id: payload.order_id,
    shop_id: payload.shop_id,
    query: payload.query,
    description: payload.description
  })
}

function toCurrency(currency: string | undefined): string | undefined {
  if (currency === undefined || currency.trim() === '') return undefined
  const code = currency.trim().toUpperCase()
  if (!CURRENCY.test(code)) throw new PayloadValidationError('currency: must be a 3-letter ISO 4217 code, such as USD')
  return code
}

/** A price, a quantity, a value: a finite number, 0 or more (goods sold by weight have fractional quantities). */
function requireAmount(amount: number | undefined, field: string): void {
  if (amount !== undefined && !(Number.isFinite(amount) && amount >= 0)) {
    throw new PayloadValidationError(`${field}: must be a number, 0 or more`)
  }
}

function toContents(contents: ConversionPayload['contents']): { items: TikTokContent[]; dropped: string[] } {
  const items: TikTokContent[] = []
  const dropped: string[] = []
  const list = contents ?? []
  for (let index = 0; index < list.length; index++) {
    const { price, quantity, content_id, content_category, content_name, brand } = list[index] ?? {}
    requireAmount(price, `contents[${index}].price`)
    requireAmount(quantity, `contents[${index}].quantity`)
    const item = compact<TikTokContent>({ price, quantity, content_id, content_category, content_name, brand })
    if (item) items.push(item)
    else dropped.push(droppedNote('contents', index, DROP_REASONS.emptyProduct))
  }
  return { items, dropped }
}

/** The `ttclid` query parameter of the page URL; a URL that does not parse has none. */
export function ttclidFromUrl(url: string | undefined): string | undefined {
  if (!url || !URL.canParse(url)) return undefined
  return new URL(url).searchParams.get('ttclid') || undefined
}
