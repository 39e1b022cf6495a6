import type { Payload } from './trackNonPaymentOfflineConversion/generated-types'
import type { TikTokContent, TikTokEvent, TikTokPage, TikTokProperties, TikTokUser } from './tiktok/wire'
import { hashEmails, hashExternalIds, hashPhones } from './identity'
import type { PhoneCountry } from './identity'
import { toEventTime } from './event-time'
import { readEventName, requireMatchingKey } from './offline-rules'
import { processHashing } from '../../lib/hashing-utils'
import { hasKeys, isPresent } from './presence'
import { EventRefusal, droppedValue } from './reasons'
import type { DroppedValue } from './reasons'

/** What every action hands to the one code path: their payloads have the same fields. */
export type ConversionPayload = Payload

export interface ConversionContext {
  phoneCountry: PhoneCountry
  nowSeconds: number
}

/** One TikTok `data[]` item, and what the payload held that it does not carry, by field and position. */
export interface Conversion {
  event: TikTokEvent
  dropped: DroppedValue[]
}

const CURRENCY = /^[A-Z]{3}$/

/** Payload → one TikTok `data[]` item. Throws EventRefusal naming the field and the rule. */
export function toTikTokEvent(payload: ConversionPayload, context: ConversionContext): Conversion {
  const name = readEventName(payload.event)
  const emails = hashEmails(payload.email_addresses)
  const phones = hashPhones(payload.phone_numbers, context.phoneCountry)
  const externalIds = hashExternalIds(payload.external_ids)
  const contents = toContents(payload.contents)
  const dropped = emails.dropped.concat(phones.dropped, externalIds.dropped, contents.dropped)
  requireMatchingKey(emails.hashes, phones.hashes, dropped)
  const time = toEventTime(payload.timestamp, context.nowSeconds)
  const user = toUser(payload, emails.hashes, phones.hashes, externalIds.hashes)
  const properties = toProperties(payload, contents.items)
  const page = toPage(payload)
  const limited_data_use = typeof payload.limited_data_use === 'boolean' ? payload.limited_data_use : undefined
  const event_id =
    payload.event_id?.trim() ||
    deriveEventId({
      event_time: time.given ? time.seconds : undefined,
      event: name,
      user,
      properties,
      page,
      limited_data_use
    })
  const event: TikTokEvent = { event: name, event_time: time.seconds, event_id, user }
  if (properties) event.properties = properties
  if (page) event.page = page
  if (limited_data_use !== undefined) event.limited_data_use = limited_data_use
  return { event, dropped }
}

/**
 * `user`. Like `properties`, `page` and each product, it is built key by key,
 * each key only when `isPresent`, always in one order: every event then has the
 * same shape, cheaper to build and to serialize than a compacted literal.
 */
function toUser(payload: ConversionPayload, email: string[], phone: string[], externalId: string[]): TikTokUser {
  const user: TikTokUser = {}
  if (email.length > 0) user.email = email
  if (phone.length > 0) user.phone = phone
  if (externalId.length > 0) user.external_id = externalId
  const ttclid = payload.ttclid || ttclidFromUrl(payload.url)
  if (isPresent(ttclid)) user.ttclid = ttclid
  if (isPresent(payload.ttp)) user.ttp = payload.ttp
  if (isPresent(payload.lead_id)) user.lead_id = payload.lead_id
  if (isPresent(payload.ip)) user.ip = payload.ip
  if (isPresent(payload.user_agent)) user.user_agent = payload.user_agent
  if (isPresent(payload.locale)) user.locale = payload.locale
  return user
}

/**
 * An event ID from the event's content, for mappings that give none: the same
 * event always gets the same ID, so TikTok de-duplicates a re-sent request
 * (after a 20001 or an unconfirmed answer) instead of counting it twice. The
 * time of sending, which stands in for a missing timestamp, is left out of it.
 * The text hashed is a JSON object: never a digest, which processHashing would pass on as it is.
 */
function deriveEventId(content: Omit<TikTokEvent, 'event_time' | 'event_id'> & { event_time?: number }): string {
  return processHashing(JSON.stringify(content), 'sha256', 'hex')
}

function toProperties(payload: ConversionPayload, contents: TikTokContent[]): TikTokProperties | undefined {
  const value = payload.value === undefined ? undefined : requireAmount(payload.value, 'value')
  const currency = toCurrency(payload.currency)
  if (value !== undefined && currency === undefined) {
    throw new EventRefusal(
      'currency',
      'currency_required',
      'required when value is given; TikTok reports a value only with its ISO 4217 currency code'
    )
  }
  const properties: TikTokProperties = {}
  if (contents.length > 0) {
    properties.contents = contents
    // content_type describes the contents; alone it would tell TikTok nothing.
    if (isPresent(payload.content_type)) properties.content_type = payload.content_type
  }
  if (currency !== undefined) properties.currency = currency
  if (value !== undefined) properties.value = value
  if (isPresent(payload.order_id)) properties.order_id = payload.order_id
  if (isPresent(payload.shop_id)) properties.shop_id = payload.shop_id
  if (isPresent(payload.query)) properties.query = payload.query
  if (isPresent(payload.description)) properties.description = payload.description
  return hasKeys(properties) ? properties : undefined
}

function toPage(payload: ConversionPayload): TikTokPage | undefined {
  const page: TikTokPage = {}
  if (isPresent(payload.url)) page.url = payload.url
  if (isPresent(payload.referrer)) page.referrer = payload.referrer
  return hasKeys(page) ? page : undefined
}

function toCurrency(currency: string | undefined): string | undefined {
  if (currency === undefined || currency.trim() === '') return undefined
  const code = currency.trim().toUpperCase()
  if (!CURRENCY.test(code))
    throw new EventRefusal('currency', 'invalid_currency', 'must be a 3-letter ISO 4217 code, such as USD')
  return code
}

/** A price, a quantity, a value: a finite number, 0 or more (goods sold by weight have fractional quantities). */
function requireAmount(amount: number, field: string): number {
  if (Number.isFinite(amount) && amount >= 0) return amount
  throw new EventRefusal(field, 'invalid_amount', 'must be a number, 0 or more')
}

function toContents(contents: ConversionPayload['contents']): { items: TikTokContent[]; dropped: DroppedValue[] } {
  const items: TikTokContent[] = []
  const dropped: DroppedValue[] = []
  ;(contents ?? []).forEach((product, index) => {
    const item: TikTokContent = {}
    if (product) {
      const { price, quantity, content_id, content_category, content_name, brand } = product
      if (price !== undefined) item.price = requireAmount(price, `contents[${index}].price`)
      if (quantity !== undefined) item.quantity = requireAmount(quantity, `contents[${index}].quantity`)
      if (isPresent(content_id)) item.content_id = content_id
      if (isPresent(content_category)) item.content_category = content_category
      if (isPresent(content_name)) item.content_name = content_name
      if (isPresent(brand)) item.brand = brand
    }
    if (hasKeys(item)) items.push(item)
    else dropped.push(droppedValue('contents', index, 'empty_product'))
  })
  return { items, dropped }
}

/** The `ttclid` query parameter of the page URL; a URL that does not parse has none. */
export function ttclidFromUrl(url: string | undefined): string | undefined {
  if (!url || !URL.canParse(url)) return undefined
  return new URL(url).searchParams.get('ttclid') || undefined
}
