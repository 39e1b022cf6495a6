import { DROP_REASONS, EventRefusal, droppedValue } from '../reasons'

describe('a dropped value: field, position, a stable code and the rule in words, never the value', () => {
  test.each(Object.keys(DROP_REASONS) as (keyof typeof DROP_REASONS)[])('%s', (reason) => {
    expect(droppedValue('phone_numbers', 12, reason)).toEqual({
      field: 'phone_numbers',
      index: 12,
      reason,
      message: `phone_numbers[12]: ${DROP_REASONS[reason]}`
    })
  })

  test('the codes and their rules', () => {
    expect(DROP_REASONS).toEqual({
      no_country_code: 'no country code and no Default Phone Country',
      invalid_phone_country_setting:
        'no country code, and the Default Phone Country setting is not a country code this destination knows',
      not_a_phone_number: 'not a possible phone number',
      not_an_email: 'not an email address',
      not_text: 'not text or a number',
      empty_product: 'no product field has a value'
    })
  })
})

describe('a refused event: its message names the field and the rule, its body carries the code', () => {
  test('without dropped values', () => {
    const refusal = new EventRefusal('currency', 'invalid_currency', 'must be a 3-letter ISO 4217 code, such as USD')
    expect(refusal.message).toBe('currency: must be a 3-letter ISO 4217 code, such as USD')
    expect(refusal.body).toEqual({ reason: 'invalid_currency', field: 'currency' })
    expect(refusal.status).toBe(400)
  })

  test('with the values dropped before it was refused', () => {
    const dropped = [droppedValue('phone_numbers', 0, 'no_country_code')]
    const refusal = new EventRefusal('email_addresses, phone_numbers', 'no_email_or_phone', 'no usable email', dropped)
    expect(refusal.body).toEqual({ reason: 'no_email_or_phone', field: 'email_addresses, phone_numbers', dropped })
  })
})
