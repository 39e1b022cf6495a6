import { DROP_REASONS, droppedNote, parseDroppedNote } from '../reasons'

describe('dropped-value notes: field, position and reason, never the value', () => {
  test.each(Object.values(DROP_REASONS))('a note with the reason %j reads back as its parts', (reason) => {
    const note = droppedNote('phone_numbers', 12, reason)
    expect(note).toBe(`phone_numbers[12]: ${reason}`)
    expect(parseDroppedNote(note)).toEqual({ field: 'phone_numbers', position: 12, reason })
  })

  test.each([['email_addresses'], ['external_ids'], ['contents']])('field %s', (field) => {
    expect(parseDroppedNote(droppedNote(field, 0, DROP_REASONS.notText))).toEqual({
      field,
      position: 0,
      reason: 'not text or a number'
    })
  })

  test.each([
    ['no position', 'phone_numbers: not a possible phone number'],
    ['no reason', 'phone_numbers[0]: '],
    ['no space after the colon', 'phone_numbers[0]:not a possible phone number'],
    ['a position that is not a number', 'phone_numbers[x]: not a possible phone number'],
    ['an empty position', 'phone_numbers[]: not a possible phone number'],
    ['a field that is not a key', 'Phone Numbers[0]: not a possible phone number'],
    ['text before the field', 'note phone_numbers[0]: not a possible phone number'],
    ['a time-window refusal', "timestamp: outside TikTok's attribution window"]
  ])('anything else is not a note: %s', (_, text) => {
    expect(parseDroppedNote(text)).toBeUndefined()
  })
})
