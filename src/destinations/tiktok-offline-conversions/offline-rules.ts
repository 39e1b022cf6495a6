import { EventRefusal } from './reasons'
import type { DroppedValue } from './reasons'

/**
 * What TikTok can match for an offline event set, in one place (sources:
 * TikTok's help on the Events API for offline events and its `event/track`
 * reference; see the README's "Offline rules").
 */

/**
 * The only event names an offline event set accepts (TikTok help: supported
 * events for offline event sets). TikTok's newest examples also use `Purchase`;
 * whether offline sets accept it is not documented, so it is not here.
 */
export const OFFLINE_STANDARD_EVENTS = [
  'CompletePayment',
  'PlaceAnOrder',
  'Contact',
  'Subscribe',
  'SubmitForm',
  'CompleteRegistration',
  'AddPaymentInfo',
  'InitiateCheckout',
  'AddToCart',
  'AddToWishlist',
  'ViewContent',
  'ClickButton',
  'Search',
  'Download'
] as const

export type OfflineStandardEvent = typeof OFFLINE_STANDARD_EVENTS[number]

/** TikTok's click-through attribution window: older offline events are neither matched nor reported. */
export const ATTRIBUTION_WINDOW_DAYS = 28
export const ATTRIBUTION_WINDOW_SECONDS = ATTRIBUTION_WINDOW_DAYS * 24 * 60 * 60
/** How far in the future an event time may be: clock skew between the systems on the way. */
export const MAX_FUTURE_SKEW_SECONDS = 5 * 60

const EVENT_NAMES: ReadonlySet<string> = new Set(OFFLINE_STANDARD_EVENTS)

/** The event name, when it is one TikTok accepts for offline events. */
export function readEventName(name: string): OfflineStandardEvent {
  const trimmed = name.trim()
  if (EVENT_NAMES.has(trimmed)) return trimmed as OfflineStandardEvent
  throw new EventRefusal(
    'event',
    'not_an_offline_event',
    `not a TikTok offline standard event; offline event sets accept only ${OFFLINE_STANDARD_EVENTS.join(', ')}`
  )
}

/**
 * TikTok matches offline events by email and phone only ("We only support email
 * or phone based PII"); `external_id` is for web and CRM events. An event left
 * with neither cannot be attributed, so it is refused, with what was dropped.
 */
export function requireMatchingKey(
  emails: readonly string[],
  phones: readonly string[],
  dropped: DroppedValue[]
): void {
  if (emails.length > 0 || phones.length > 0) return
  const why = dropped.length > 0 ? ` (dropped: ${dropped.map((value) => value.message).join('; ')})` : ''
  throw new EventRefusal(
    'email_addresses, phone_numbers',
    'no_email_or_phone',
    `no usable email address or phone number; TikTok matches offline events by email or phone only, so an external ID alone cannot be matched${why}`,
    dropped
  )
}
