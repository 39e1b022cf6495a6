/**
 * Why a value was not sent, or an event not sent at all: the texts every
 * outcome uses, in one place. They name fields, positions and rules, never a
 * value, so they can be shown anywhere (Segment's event delivery view, a
 * runner's report).
 */

/** Why one value given in the mapping was left out of the event TikTok received. */
export const DROP_REASONS = {
  phoneWithoutCountry: 'no country code and no Default Phone Country',
  phoneCountrySettingInvalid:
    'no country code, and the Default Phone Country setting is not a country code this destination knows',
  notAPhoneNumber: 'not a possible phone number',
  notAnEmail: 'not an email address',
  notText: 'not text or a number',
  emptyProduct: 'no product field has a value'
} as const

export type DropReason = typeof DROP_REASONS[keyof typeof DROP_REASONS]

/** `phone_numbers[1]: no country code and no Default Phone Country`: the field, its position, the reason. */
export function droppedNote(field: string, position: number, reason: DropReason): string {
  return `${field}[${position}]: ${reason}`
}

/** The parts of a note made by `droppedNote`. */
export function parseDroppedNote(note: string): { field: string; position: number; reason: string } | undefined {
  // Stryker disable next-line Regex: (.+) runs to the end of a note anyway, notes being one line
  const match = /^([a-z_]+)\[(\d+)\]: (.+)$/.exec(note)
  return match ? { field: match[1], position: Number(match[2]), reason: match[3] } : undefined
}

/** How the message of an event refused for its time begins (the rest says the window). */
export const OUTSIDE_TIME_WINDOW = "timestamp: outside TikTok's attribution window"
