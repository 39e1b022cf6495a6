import { PayloadValidationError } from '@segment/actions-core'
import type { Payload } from './trackNonPaymentOfflineConversion/generated-types'
import type { TikTokContent, TikTokEvent, TikTokPage, TikTokProperties, TikTokUser } from './tiktok/wire'
import { hashEmails, hashExternalIds, hashPhones } from './identity'
import type { PhoneCountry } from './identity'
import { toEventTime } from './event-time'
import { readEventName, requireMatchingKey } from './offline-rules'
import { processHashing } from '../../lib/hashing-utils'
import { hasKeys, isPresent } from './presence'
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
  const user = toUser(payload, emails.hashes, phones.hashes, externalIds.hashes)
  // Stryker disable next-line StringLiteral: a placeholder that keeps the key order, always replaced below and not part of the derived ID
  const event: TikTokEvent = { event: name, event_time: time.seconds, event_id: '', user }
  const properties = toProperties(payload, contents.items)
  // Stryker disable next-line ConditionalExpression: properties: undefined is left out of the JSON TikTok gets, and out of the derived ID
  if (properties) event.properties = properties
  const page = toPage(payload)
  // Stryker disable next-line ConditionalExpression: page: undefined is left out of the JSON TikTok gets, and out of the derived ID
  if (page) event.page = page
  if (typeof payload.limited_data_use === 'boolean') event.limited_data_use = payload.limited_data_use
  event.event_id = payload.event_id?.trim() || deriveEventId(event, time.given)
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
 */
function deriveEventId(event: TikTokEvent, timeGiven: boolean): string {
  const { event: name, event_time, user, properties, page, limited_data_use } = event
  // A JSON object's text (it starts with '{') can never look like a digest: it is always hashed.
  return processHashing(
    JSON.stringify({
      event_time: timeGiven ? event_time : undefined,
      event: name,
      user,
      properties,
      page,
      limited_data_use
    }),
    'sha256',
    'hex'
  )
}

function toProperties(payload: ConversionPayload, contents: TikTokContent[]): TikTokProperties | undefined {
  const value = payload.value === undefined ? undefined : requireAmount(payload.value, 'value')
  const currency = toCurrency(payload.currency)
  if (value !== undefined && currency === undefined) {
    throw new PayloadValidationError(
      'currency: required when value is given; TikTok reports a value only with its ISO 4217 currency code'
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
  if (!CURRENCY.test(code)) throw new PayloadValidationError('currency: must be a 3-letter ISO 4217 code, such as USD')
  return code
}

/**
 * A price, a quantity, a value: a finite number, 0 or more (goods sold by weight
 * have fractional quantities). The refusal names the field, and for a product's
 * field the product's position (built only then: most amounts are fine).
 */
function requireAmount(amount: number, field: string, product?: number): number {
  if (Number.isFinite(amount) && amount >= 0) return amount
  const name = product === undefined ? field : `contents[${product}].${field}`
  throw new PayloadValidationError(`${name}: must be a number, 0 or more`)
}

function toContents(contents: ConversionPayload['contents']): { items: TikTokContent[]; dropped: string[] } {
  const items: TikTokContent[] = []
  const dropped: string[] = []
  const list = contents ?? []
  for (let index = 0; index < list.length; index++) {
    const product = list[index]
    const item: TikTokContent = {}
    if (product) {
      const { price, quantity, content_id, content_category, content_name, brand } = product
      if (price !== undefined) item.price = requireAmount(price, 'price', index)
      if (quantity !== undefined) item.quantity = requireAmount(quantity, 'quantity', index)
      if (isPresent(content_id)) item.content_id = content_id
      if (isPresent(content_category)) item.content_category = content_category
      if (isPresent(content_name)) item.content_name = content_name
      if (isPresent(brand)) item.brand = brand
    }
    if (hasKeys(item)) items.push(item)
    else dropped.push(droppedNote('contents', index, DROP_REASONS.emptyProduct))
  }
  return { items, dropped }
}

/** The `ttclid` query parameter of the page URL; a URL that does not parse has none. */
export function ttclidFromUrl(url: string | undefined): string | undefined {
  if (!url || !URL.canParse(url)) return undefined
  return new URL(url).searchParams.get('ttclid') || undefined
}
