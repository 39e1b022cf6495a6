import { PayloadValidationError } from '@segment/actions-core'

/**
 * Why a value was not sent, or an event not sent at all: a stable code for
 * programs (a runner counts by it) beside the rule in words for people. Neither
 * ever holds a value, so both can be shown anywhere (Segment's event delivery
 * view, a runner's report).
 */

/** Why one value given in the mapping was left out of the event TikTok received. */
export const DROP_REASONS = {
  no_country_code: 'no country code and no Default Phone Country',
  invalid_phone_country_setting:
    'no country code, and the Default Phone Country setting is not a country code this destination knows',
  not_a_phone_number: 'not a possible phone number',
  not_an_email: 'not an email address',
  not_text: 'not text or a number',
  empty_product: 'no product field has a value'
} as const

export type DropReason = keyof typeof DROP_REASONS

/** The mapping fields whose values can be dropped one by one. */
export type DroppableField = 'email_addresses' | 'phone_numbers' | 'external_ids' | 'contents'

/** One value left out of an event: `{ field: 'phone_numbers', index: 1, reason: 'no_country_code', message }`. */
export interface DroppedValue {
  field: DroppableField
  /** Its position in the field's list, from 0. */
  index: number
  reason: DropReason
  /** `phone_numbers[1]: no country code and no Default Phone Country` */
  message: string
}

export function droppedValue(field: DroppableField, index: number, reason: DropReason): DroppedValue {
  return { field, index, reason, message: `${field}[${index}]: ${DROP_REASONS[reason]}` }
}

/** Why an event was refused before it was sent. */
export type RefusalReason =
  | 'not_an_offline_event'
  | 'no_email_or_phone'
  | 'outside_time_window'
  | 'unreadable_timestamp'
  | 'currency_required'
  | 'invalid_currency'
  | 'invalid_amount'

/** What a refused event's multi-status entry carries as its body. */
export interface RefusalBody {
  reason: RefusalReason
  field: string
  /** Values already left out when the event was refused (why it has no email or phone, say). */
  dropped?: DroppedValue[]
}

/** An event refused before it is sent: its message is `field: rule`, its body the code. */
export class EventRefusal extends PayloadValidationError {
  constructor(
    readonly field: string,
    readonly reason: RefusalReason,
    rule: string,
    readonly dropped: DroppedValue[] = []
  ) {
    super(`${field}: ${rule}`)
  }

  get body(): RefusalBody {
    const body: RefusalBody = { reason: this.reason, field: this.field }
    if (this.dropped.length > 0) body.dropped = this.dropped
    return body
  }
}
