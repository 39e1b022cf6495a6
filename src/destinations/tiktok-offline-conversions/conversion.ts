import { PayloadValidationError } from '@segment/actions-core'
import type { Payload } from './trackNonPaymentOfflineConversion/generated-types'
import type { TikTokContent, TikTokEvent, TikTokProperties } from './tiktok/wire'
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
  const event = readEventName(payload.event)
  const emails = hashEmails(payload.email_addresses)
  const phones = hashPhones(payload.phone_numbers, context.phoneCountry)
  const externalIds = hashExternalIds(payload.external_ids)
  const contents = toContents(payload.contents)
  const dropped = [...emails.dropped, ...phones.dropped, ...externalIds.dropped, ...contents.dropped]
  requireMatchingKey(emails.hashes, phones.hashes, dropped)
  const time = toEventTime(payload.timestamp, context.nowSeconds)

  const user = {
    ...compact({
      email: emails.hashes,
      phone: phones.hashes,
      external_id: externalIds.hashes
    }),
    ...compact({
      ttclid: payload.ttclid || ttclidFromUrl(payload.url),
      ttp: payload.ttp,
      lead_id: payload.lead_id,
      ip: payload.ip,
      user_agent: payload.user_agent,
      locale: payload.locale
    })
  }
  const content = {
    ...optional('properties', toProperties(payload, contents.items)),
    ...optional('page', compact({ url: payload.url, referrer: payload.referrer })),
    ...(typeof payload.limited_data_use === 'boolean' ? { limited_data_use: payload.limited_data_use } : {})
  }
  const eventId =
    payload.event_id?.trim() || deriveEventId({ event, user, ...content }, time.given ? time.seconds : undefined)
  return {
    event: {
      event,
      event_time: time.seconds,
      event_id: eventId,
      user,
      ...content
    },
    dropped
  }
}

/**
 * An event ID from the event's content, for mappings that give none: the same
 * event always gets the same ID, so TikTok de-duplicates a re-sent request
 * (after a 20001 or an unconfirmed answer) instead of counting it twice. The
 * time of sending, which stands in for a missing timestamp, is left out of it.
 */
function deriveEventId(content: Omit<TikTokEvent, 'event_time' | 'event_id'>, eventTime: number | undefined): string {
  return sha256Hex(JSON.stringify({ event_time: eventTime, ...content }))
}

/** `{ [key]: value }` when value is defined, else nothing: spread into an object literal. */
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V }
}

function toProperties(payload: ConversionPayload, contents: TikTokContent[]): TikTokProperties | undefined {
  const value = toValue(payload.value)
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

function toValue(value: number | undefined): number | undefined {
  if (value === undefined) return undefined
  if (!isAmount(value)) throw new PayloadValidationError('value: must be a number, 0 or more')
  return value
}

/** A price, a quantity, a value: a finite number, 0 or more (goods sold by weight have fractional quantities). */
function isAmount(number: number): boolean {
  return Number.isFinite(number) && number >= 0
}

function toContents(contents: ConversionPayload['contents']): {
  items: TikTokContent[]
  dropped: string[]
} {
  const items: TikTokContent[] = []
  const dropped: string[] = []
  for (const [index, content] of (contents ?? []).entries()) {
    for (const field of ['price', 'quantity'] as const) {
      const amount = content[field]
      if (amount !== undefined && !isAmount(amount)) {
        throw new PayloadValidationError(`contents[${index}].${field}: must be a number, 0 or more`)
      }
    }
    const item = compact<TikTokContent>({
      price: content.price,
      quantity: content.quantity,
      content_id: content.content_id,
      content_category: content.content_category,
      content_name: content.content_name,
      brand: content.brand
    })
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
