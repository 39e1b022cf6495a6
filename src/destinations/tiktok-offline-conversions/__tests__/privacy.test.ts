import { REDACTED, redactPersonalData, redactSecrets } from '../privacy'

/**
 * The last line of defence for messages that leave the destination: TikTok's
 * messages and transport errors, with anything shaped like an email address or
 * a phone number replaced, whatever surrounds it.
 */
describe('email addresses are redacted wherever they are quoted', () => {
  test.each([
    ['in JSON', '{"email":"jane.doe@example.com","cc":"bob@example.org"}', '{"email":"[redacted]","cc":"[redacted]"}'],
    ['in single quotes', "user 'jane.doe@example.com' unknown", "user '[redacted]' unknown"],
    ['with a display name', 'Jane Doe <jane.doe@example.com>', 'Jane Doe <[redacted]>'],
    ['in parentheses', 'customer (jane.doe@example.com) refused', 'customer ([redacted]) refused'],
    ['in lists', 'a@x.io,b@y.io;c@z.io', '[redacted],[redacted];[redacted]'],
    ['after a colon', 'mailto:jane.doe@example.com', 'mailto:[redacted]'],
    ['between tabs and newlines', 'user\tjane.doe@example.com\nnext', 'user\t[redacted]\nnext'],
    ['with plus and subdomains', 'jane+promo@mail.example.co.uk', '[redacted]'],
    ['several in one message', 'jane@a.io and jane@b.io', '[redacted] and [redacted]'],
    [
      'URL-encoded, as a query string echoes it',
      'bad value ?email=jane.doe%40example.com&x=1',
      'bad value ?email=[redacted]&x=1'
    ],
    [
      'URL-encoded in upper or lower case',
      'to JANE%40EXAMPLE.COM and jane%40example.com',
      'to [redacted] and [redacted]'
    ]
  ])('%s', (_, message, redacted) => {
    expect(redactPersonalData(message)).toBe(redacted)
  })
})

describe('phone numbers are redacted in any written form; other numbers are left alone', () => {
  test.each([
    ['with spaces', 'phone 415 555 0132 refused', 'phone [redacted] refused'],
    ['with dashes', 'phone 415-555-0132', 'phone [redacted]'],
    ['with dots', 'phone 415.555.0132', 'phone [redacted]'],
    ['with parentheses', 'phone (415)555-0132', 'phone ([redacted]'],
    ['with a closing parenthesis and space', 'phone (415) 555 0132', 'phone ([redacted]'],
    ['international', 'phone +1 415 555 0132', 'phone [redacted]'],
    ['bare digits', 'phone 4155550132', 'phone [redacted]'],
    ['seven digits', 'phone 555-0132', 'phone [redacted]'],
    ['at the start and end of the text', '4155550132', '[redacted]'],
    ['spaced around dashes', 'phone 415 - 555 - 0132.', 'phone [redacted].'],
    ['in JSON', '{"phone":"+14155550132"}', '{"phone":"[redacted]"}'],
    ['after a colon', 'tel:+14155550132', 'tel:[redacted]'],
    ['several', '4155550132,4155550133', '[redacted],[redacted]'],
    ['with slashes', 'phone +1/415/555/0132', 'phone [redacted]'],
    ['with en dashes', 'phone 415–555–0132', 'phone [redacted]'],
    ['with em dashes', 'phone 415—555—0132', 'phone [redacted]'],
    ['with a non-breaking space', 'phone 415\u00a0555\u00a00132', 'phone [redacted]']
  ])('%s', (_, message, redacted) => {
    expect(redactPersonalData(message)).toBe(redacted)
  })

  test.each([
    ['six digits', 'code 123456'],
    ['a count and a year', '1000 events in 2026'],
    ['digits glued to letters before', 'id abc1234567'],
    ['digits glued to letters after', 'id 1234567abc'],
    ['digits after an underscore', 'id x_1234567'],
    ['a request ID after "request_id "', 'request_id 2026112015040512345'],
    ['a decimal number', 'value 12.5'],
    ['a hash', '9e1919ad78a34fd67a84bfbcf2fea14074065517bea32e92924771c3f92e5462'],
    ['a size with its unit', 'body: must not exceed 20971520 bytes'],
    ['a duration with its unit', 'no answer in 30000000 ms'],
    ['counts with their units', '1000000 events in 2500000 requests']
  ])('%s', (_, message) => {
    expect(redactPersonalData(message)).toBe(message)
  })

  test('a phone number after "request_id" without the space is still redacted', () => {
    expect(redactPersonalData('request_id: 4155550132')).toBe('request_id: [redacted]')
  })

  test('a redacted message can be redacted again without losing anything', () => {
    const once = redactPersonalData('jane.doe@example.com 415 555 0132 (code 40002, request_id 20261120150405123)')
    expect(once).toBe('[redacted] [redacted] (code 40002, request_id 20261120150405123)')
    expect(redactPersonalData(once)).toBe(once)
  })
})

describe('secrets (the access token) are redacted wherever they appear', () => {
  test('every occurrence, glued to other text or not', () => {
    expect(redactSecrets('token abcd1234 in xabcd1234y and abcd1234', ['abcd1234'])).toBe(
      `token ${REDACTED} in x${REDACTED}y and ${REDACTED}`
    )
  })

  test('each of several secrets; missing ones are skipped', () => {
    expect(redactSecrets('first-token and second-token', [undefined, 'first-token', '', 'second-token'])).toBe(
      '[redacted] and [redacted]'
    )
  })

  test('a secret of 4 characters or more is redacted; a shorter one would redact ordinary text, and is not', () => {
    expect(redactSecrets('tok abcd', ['abcd'])).toBe('tok [redacted]')
    expect(redactSecrets('tok abc', ['abc'])).toBe('tok abc')
  })

  test('in any letter case and URL-encoded, as a target echoing a header or query string may write it', () => {
    const token = 'Ab+cd/EF=12'
    expect(redactSecrets(`got ab+cd/ef=12, AB+CD/EF=12 and ${encodeURIComponent(token)}`, [token])).toBe(
      'got [redacted], [redacted] and [redacted]'
    )
  })

  test('text without the secret is unchanged', () => {
    expect(redactSecrets('nothing to hide', ['secret-token'])).toBe('nothing to hide')
  })
})
