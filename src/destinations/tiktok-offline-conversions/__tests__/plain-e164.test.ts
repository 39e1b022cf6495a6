import { getCountries, getCountryCallingCode, parsePhoneNumberFromString } from 'libphonenumber-js'
import { plainInternationalE164 } from '../plain-e164'

/**
 * The fast path for numbers written `+<calling code> <digits>`: it answers the
 * common written forms itself (its reason to exist: a fraction of the cost of
 * parsing), and never answers anything libphonenumber-js would read otherwise.
 * Example-based counterparts of the property tests in properties.test.ts (e).
 */

/** What libphonenumber-js makes of an international number: its E.164 when possible, else nothing. */
function libphonenumber(text: string): string | undefined {
  const phone = parsePhoneNumberFromString(text)
  return phone && phone.isPossible() ? phone.number : undefined
}

describe('answers the common written forms itself, as libphonenumber-js would', () => {
  test.each([
    ['+1 415 555 0132', '+14155550132'],
    ['+14155550132', '+14155550132'],
    ['+1.415.555.0132', '+14155550132'],
    ['+1-415-555-0132', '+14155550132'],
    ['+1 (415) 555-0132', '+14155550132'],
    ['+ 1 415 555 0132', '+14155550132'],
    ['+44 7700 900123', '+447700900123'],
    ['+44 20 7946 0958', '+442079460958'],
    ['+33 1 42 68 53 00', '+33142685300'],
    ['+49 30 123456', '+4930123456'],
    ['+39 06 1234 5678', '+390612345678'],
    ['+61 4 1234 5678', '+61412345678'],
    ['+7 912 345 67 89', '+79123456789'],
    ['+352 123 456', '+352123456'],
    ['+262 262 12 34 56', '+262262123456'],
    ['+971 50 123 4567', '+971501234567'],
    // The national-prefix rule is the calling code's main country's, as libphonenumber-js reads a `+` number:
    // Christmas Island and the Cocos Islands (+61) would prepend to 8 digits starting 5 or 9, Australia does not;
    ['+61 9123 4567', '+6191234567'],
    ['+61 5550 1234', '+6155501234'],
    // the Bahamas' own rule (a 7-digit number gets 242) never applies to a 10-digit one.
    ['+1 242 555 0123', '+12425550123']
  ])('%j → %s', (written, e164) => {
    expect(plainInternationalE164(written)).toBe(e164)
    expect(libphonenumber(written)).toBe(e164)
  })
})

describe('leaves to libphonenumber-js what it could get wrong', () => {
  test.each([
    ['a national prefix after the calling code', '+44 (0) 20 7946 0958'],
    ['a national prefix, no spaces', '+4402079460958'],
    ['a national prefix in Australia', '+61 04 1234 5678'],
    ['a national prefix in Russia', '+7 8 912 345 67 89'],
    ['a letter among the digits', '+1 415 555 013O'],
    ['a letter at the end', '+44 20 7946 095x'],
    ['a digit too many', '+1 415 555 01322'],
    ['a digit too few', '+1 415 555 013'],
    ['too short for its country', '+441234'],
    ['an unknown calling code', '+999 123 4567'],
    ['a separator it does not know', '+1/415/555/0132'],
    ['an extension', '+1 415 555 0132 ext 5'],
    ['two plus signs', '++1 415 555 0132'],
    ['no plus sign', '1 415 555 0132'],
    ['text before the plus sign', 'tel +1 415 555 0132'],
    ['only a plus sign', '+'],
    ['nothing', '']
  ])('%s: %j', (_, written) => {
    // No answer, or exactly libphonenumber-js's (for most of these it has none, or another).
    const answer = plainInternationalE164(written)
    expect([undefined, libphonenumber(written)]).toContain(answer)
  })
})

describe('every calling code, every national length from 2 to 15 digits, every two leading digits', () => {
  // 206 calling codes × 14 lengths × 100 leading pairs: 288,400 written numbers, under a second.
  const callingCodes = [...new Set(getCountries().map((country) => getCountryCallingCode(country)))]
  const answered = new Map<string, number>()
  const disagreements: string[] = []
  for (const code of callingCodes) {
    answered.set(code, 0)
    for (let length = 2; length <= 15; length++) {
      for (let lead = 0; lead < 100; lead++) {
        const written = `+${code} ${String(lead).padStart(2, '0')}${'5'.repeat(length - 2)}`
        const answer = plainInternationalE164(written)
        if (answer === undefined) continue
        answered.set(code, (answered.get(code) ?? 0) + 1)
        if (answer !== libphonenumber(written)) disagreements.push(written)
      }
    }
  }

  test('the fast path never answers other than libphonenumber-js', () => {
    expect(disagreements).toEqual([])
  })

  test("and answers some numbers of every calling code but Argentina's", () => {
    // Argentina's national-prefix pattern (0?(…)?15?) matches every national number: all go to libphonenumber-js.
    expect([...answered].filter(([, count]) => count === 0)).toEqual([['54', 0]])
  })
})
