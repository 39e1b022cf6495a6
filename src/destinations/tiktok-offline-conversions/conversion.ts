import { PayloadValidationError } from '@segment/actions-core'
import type { CountryCode } from 'libphonenumber-js'
import type { Payload } from './trackNonPaymentOfflineConversion/generated-types'
import type { TikTokContent, TikTokEvent } from './tiktok/wire'
import { hashEmails, hashExternalIds, hashPhones } from './identity'
import { toEventTime } from './event-time'
import { compact } from './compact'

/**
 * What both actions hand to the one code path. The payment action's payload is
 * the same shape with `value` and `currency` required, so it is one of these.
 */
export type ConversionPayload = Payload

export interface ConversionContext {
  defaultPhoneCountry?: CountryCode
  nowSeconds: number
}

const CURRENCY = /^[A-Z]{3}$/

/** Payload → one TikTok `data[]` item. Throws PayloadValidationError naming the field and the rule. */
export function toTikTokEvent(payload: ConversionPayload, context: ConversionContext): TikTokEvent {
  const eventName = payload.event.trim()
  if (!eventName) throw new PayloadValidationError('event: must not be empty')

  const user = compact({
    email: hashEmails(payload.email_addresses),
    phone: hashPhones(payload.phone_numbers, context.defaultPhoneCountry),
    external_id: hashExternalIds(payload.external_ids)
  })
  if (!user) {
    throw new PayloadValidationError(
      'No identifier: at least one of email_addresses, phone_numbers or external_ids must hold a usable value (phone numbers that cannot be read as E.164 are dropped)'
    )
  }

  return {
    event: eventName,
    event_time: toEventTime(payload.timestamp, context.nowSeconds),
    ...compact({ event_id: payload.event_id }),
    user: {
      ...user,
      ...compact({
        ttclid: payload.ttclid || ttclidFromUrl(payload.url),
        ttp: payload.ttp,
        lead_id: payload.lead_id,
        ip: payload.ip,
        user_agent: payload.user_agent,
        locale: payload.locale
      })
    },
    ...optional('properties', toProperties(payload)),
    ...optional('page', compact({ url: payload.url, referrer: payload.referrer })),
    ...(typeof payload.limited_data_use === 'boolean' ? { limited_data_use: payload.limited_data_use } : {})
  }
}

/** `{ [key]: value }` when value is defined, else nothing: spread into an object literal. */
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V }
}

function toProperties(payload: ConversionPayload): TikTokEvent['properties'] {
  const contents = toContents(payload.contents)
  return compact({
    contents,
    // content_type describes the contents; alone it would tell TikTok nothing.
    content_type: contents.length > 0 ? payload.content_type : undefined,
    currency: toCurrency(payload.currency),
    value: toValue(payload.value),
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
  if (!Number.isFinite(value)) throw new PayloadValidationError('value: must be a finite number')
  return value
}

function toContents(contents: ConversionPayload['contents']): TikTokContent[] {
  const items: TikTokContent[] = []
  for (const [index, content] of (contents ?? []).entries()) {
    const quantity = content.quantity
    if (quantity !== undefined && !(Number.isInteger(quantity) && quantity >= 0)) {
      throw new PayloadValidationError(`contents[${index}].quantity: must be a whole number of items, 0 or more`)
    }
    const item = compact<TikTokContent>({
      price: finiteOrUndefined(content.price),
      quantity,
      content_id: content.content_id,
      content_category: content.content_category,
      content_name: content.content_name,
      brand: content.brand
    })
    if (item) items.push(item)
  }
  return items
}

function finiteOrUndefined(value: number | undefined): number | undefined {
  return value !== undefined && Number.isFinite(value) ? value : undefined
}

/** The `ttclid` query parameter of the page URL; a URL that does not parse has none. */
export function ttclidFromUrl(url: string | undefined): string | undefined {
  if (!url || !URL.canParse(url)) return undefined
  return new URL(url).searchParams.get('ttclid') || undefined
}
