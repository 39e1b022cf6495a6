import { PhoneNumberUtil } from 'google-libphonenumber'
import * as identity from '../identity'
import type { HashedIdentifiers } from '../identity'
import { PHONE_COUNTRIES } from '../phone-countries'

const { normalizeEmail, normalizeExternalId, readPhone, readPhoneCountrySetting, toCountryCode } = identity

/** What most tests here read: the hashes, and each dropped value as its message (`field[position]: rule`). */
const messages = ({ hashes, dropped }: HashedIdentifiers) => ({
  hashes,
  dropped: dropped.map(({ message }) => message)
})
const hashEmails = (values: unknown[] | undefined) => messages(identity.hashEmails(values))
const hashExternalIds = (values: unknown[]) => messages(identity.hashExternalIds(values))
const hashPhones = (values: unknown[], phoneCountry?: identity.PhoneCountry) =>
  messages(identity.hashPhones(values, phoneCountry))

// Expected hashes computed outside this code: printf '%s' '<value>' | sha256sum
const SHA = {
  janeEmail: '86e0b9e56c17cc4d12387e1949b85053fbe73bc3ce5a1188713a9d300cc6133d', // jane.doe@example.com
  us4155550132: '9e1919ad78a34fd67a84bfbcf2fea14074065517bea32e92924771c3f92e5462', // +14155550132
  us2015550123: 'e7e096141fe6290f8c04e20b51a686070a9c40f7f304667849b430645aaaf07d', // +12015550123
  gb2079460958: 'f0bf0228144d9fe2bdf1da2d8ca698f17bf1410ee688b075c27062e47b6f0b6d', // +442079460958
  gb7700900123: 'a8acc3a90a7b4e4dc65e93db9240ed26523050ef754d63b75b5161de76781436', // +447700900123
  us2125550143: 'c72f6a6f4d807dea504b0e3fd978b80befcf5026f427a2e16b9f0c80b37fcf32', // +12125550143
  fr142685300: 'd5ea703c4c3f131accc68351466f2bdfa55506ca1b6d3b58a0202b29b5d82b46', // +33142685300
  user123: 'fcdec6df4d44dbc637c7c5b58efface52a7f8a88535423430255be0bb89bedd8', // user-123
  number42: '73475cb40a568e8da8a045ced110137e159f890ac4da883b6b17dc651b3a8049', // 42
  // user-9e1919ad78a34fd67a84bfbcf2fea14074065517bea32e92924771c3f92e5462 (64 hex characters after a prefix)
  almostHash: '8bd3ada4f38ec54012e80fbc676aa59f51fadbe03fe6ad74d079ce4b7df48c91'
}

const US = { country: 'US' as const }
const NO_COUNTRY = 'no country code and no Default Phone Country'

describe('email addresses are trimmed, lowercased and SHA-256 hashed', () => {
  test.each([
    ['jane.doe@example.com'],
    ['Jane.Doe@Example.com'],
    ['  JANE.DOE@EXAMPLE.COM  '],
    ['\tjane.doe@example.com\n']
  ])('%j', (written) => {
    expect(hashEmails([written])).toEqual({
      hashes: [SHA.janeEmail],
      dropped: []
    })
  })

  test('the same address written differently is sent once', () => {
    expect(hashEmails(['jane.doe@example.com', ' Jane.Doe@example.COM', 'JANE.DOE@EXAMPLE.COM']).hashes).toEqual([
      SHA.janeEmail
    ])
  })

  test('empty and blank values are not values: ignored, not reported', () => {
    expect(hashEmails(['', '   ', 'jane.doe@example.com'])).toEqual({
      hashes: [SHA.janeEmail],
      dropped: []
    })
    expect(hashEmails(['', ' '])).toEqual({ hashes: [], dropped: [] })
    expect(hashEmails(undefined)).toEqual({ hashes: [], dropped: [] })
  })

  test('a value that is not an email address is dropped, by position, without the value', () => {
    expect(hashEmails(['n/a', 'jane.doe@example.com', 'jane doe@example.com', 'jane@localhost'])).toEqual({
      hashes: [SHA.janeEmail],
      dropped: [
        'email_addresses[0]: not an email address',
        'email_addresses[2]: not an email address',
        'email_addresses[3]: not an email address'
      ]
    })
  })

  test('a value already hashed is sent as it is, lowercased, never hashed twice', () => {
    expect(hashEmails([SHA.janeEmail.toUpperCase()]).hashes).toEqual([SHA.janeEmail])
    expect(hashEmails([SHA.janeEmail, 'jane.doe@example.com']).hashes).toEqual([SHA.janeEmail])
  })
})

describe('phone numbers are normalized to E.164 without guessing, then hashed', () => {
  test.each([
    // written form, Default Phone Country, E.164
    ['+1 (415) 555-0132', undefined, '+14155550132'],
    ['+1.415.555.0132', undefined, '+14155550132'],
    ['(+1) 415 555 0132', undefined, '+14155550132'],
    ['(415) 555-0132', 'US', '+14155550132'],
    ['415.555.0132', 'US', '+14155550132'],
    ['1 (415) 555-0132', 'US', '+14155550132'],
    ['1-415-555-0132', 'US', '+14155550132'],
    ['201-555-0123', 'US', '+12015550123'],
    ['0044 20 7946 0958', undefined, '+442079460958'],
    ['0044 20 7946 0958', 'US', '+442079460958'],
    ['020 7946 0958', 'GB', '+442079460958'],
    ['+44 (0) 20 7946 0958', undefined, '+442079460958'],
    ['07700 900123', 'GB', '+447700900123'],
    ['+44 7700 900123', 'US', '+447700900123'],
    ['01 42 68 53 00', 'FR', '+33142685300']
  ] as const)('%j (Default Phone Country %s) → %s', (written, country, e164) => {
    expect(readPhone(written, { country })).toEqual({ value: e164 })
  })

  test.each([
    // Read as if the digits began with a country code, these were valid numbers elsewhere: +20 (Egypt), +32 (Belgium).
    ['201-555-0123'],
    ['(321) 555-0123'],
    ['14155550132'],
    ['33 1 42 68 53 00']
  ])('%j without a country code or Default Phone Country is dropped, not guessed', (written) => {
    expect(readPhone(written, {})).toEqual({ dropped: 'no_country_code' })
  })

  test('a Default Phone Country setting that is not a country counts as unset, and the reason says so', () => {
    expect(readPhoneCountrySetting('Narnia')).toEqual({ invalidSetting: true })
    expect(hashPhones(['201-555-0123', '+1 415 555 0132'], readPhoneCountrySetting('Narnia'))).toEqual({
      hashes: [SHA.us4155550132],
      dropped: [
        'phone_numbers[0]: no country code, and the Default Phone Country setting is not a country code this destination knows'
      ]
    })
  })

  test('the Default Phone Country setting: a known ISO 3166 alpha-2 code in any case, or nothing', () => {
    expect(readPhoneCountrySetting(' gb ')).toEqual({ country: 'GB' })
    expect(readPhoneCountrySetting(undefined)).toEqual({})
    expect(readPhoneCountrySetting('  ')).toEqual({})
    expect(toCountryCode('USA')).toBeUndefined()
  })

  test('numbers without a country code are read in the Default Phone Country', () => {
    expect(hashPhones(['(415) 555-0132', '201-555-0123'], US)).toEqual({
      hashes: [SHA.us4155550132, SHA.us2015550123],
      dropped: []
    })
  })

  test('without it, they are dropped and said so by position; numbers with a country code still go', () => {
    expect(hashPhones(['201-555-0123', '+1 212 555 0143', '(321) 555-0123'])).toEqual({
      hashes: [SHA.us2125550143],
      dropped: [`phone_numbers[0]: ${NO_COUNTRY}`, `phone_numbers[2]: ${NO_COUNTRY}`]
    })
  })

  test('the Default Phone Country does not override a number that has its own country code', () => {
    expect(hashPhones(['+44 20 7946 0958'], US).hashes).toEqual([SHA.gb2079460958])
  })

  test('the same number in several written forms is sent once', () => {
    expect(hashPhones(['+1 (415) 555-0132', '415.555.0132', '1-415-555-0132', ' 4155550132 '], US).hashes).toEqual([
      SHA.us4155550132
    ])
  })

  test('several numbers keep their order', () => {
    expect(hashPhones(['+1 212 555 0143', '+44 7700 900123']).hashes).toEqual([SHA.us2125550143, SHA.gb7700900123])
  })

  test('values that cannot be a phone number are dropped, by position', () => {
    expect(hashPhones(['n/a', 'call me', '123', '+999 123', '', '   '], US)).toEqual({
      hashes: [],
      dropped: [0, 1, 2, 3].map((position) => `phone_numbers[${position}]: not a possible phone number`)
    })
    expect(hashPhones(['unknown', '+33 1 42 68 53 00'])).toEqual({
      hashes: [SHA.fr142685300],
      dropped: ['phone_numbers[0]: not a possible phone number']
    })
  })

  test('a value already hashed is sent as it is, lowercased, with or without a Default Phone Country', () => {
    expect(hashPhones([SHA.us4155550132.toUpperCase()], US).hashes).toEqual([SHA.us4155550132])
    expect(hashPhones([SHA.us4155550132]).hashes).toEqual([SHA.us4155550132])
  })
})

describe('external IDs are trimmed, lowercased and hashed', () => {
  test.each([['user-123'], [' USER-123 '], ['User-123']])('%j', (written) => {
    expect(hashExternalIds([written])).toEqual({
      hashes: [SHA.user123],
      dropped: []
    })
  })

  test('numbers are identifiers too; duplicates and empties are dropped', () => {
    expect(hashExternalIds([42, '42', ' ', '']).hashes).toEqual([SHA.number42])
  })

  test('a value already hashed is sent as it is, lowercased', () => {
    expect(hashExternalIds([SHA.user123.toUpperCase()])).toEqual({ hashes: [SHA.user123], dropped: [] })
  })

  test('a value that is not text or a number is dropped and said so', () => {
    expect(hashExternalIds([{ id: 1 }, 'user-123', null])).toEqual({
      hashes: [SHA.user123],
      dropped: ['external_ids[0]: not text or a number']
    })
  })
})

describe('already hashed means exactly 64 hex characters', () => {
  test('a value that merely contains 64 hex characters is hashed like any other', () => {
    const almost = `user-${SHA.us4155550132}`
    expect(hashExternalIds([almost]).hashes).toEqual([SHA.almostHash])
    expect(hashExternalIds([`${SHA.us4155550132}0`]).hashes).not.toEqual([`${SHA.us4155550132}0`])
    expect(hashExternalIds([SHA.us4155550132.slice(1)]).hashes).not.toEqual([SHA.us4155550132.slice(1)])
  })
})

describe("the Default Phone Country setting's choices", () => {
  test('are exactly the regions the phone library supports, each once', () => {
    const codes = PHONE_COUNTRIES.map(([code]) => code)
    expect([...codes].sort()).toEqual([...PhoneNumberUtil.getInstance().getSupportedRegions()].sort())
    expect(new Set(codes).size).toBe(codes.length)
  })
})

describe('what counts as an email address: local@domain.tld, nothing around it', () => {
  test.each([
    ['text after the address', 'jane.doe@example.com (work)'],
    ['text before the address', 'work: jane.doe@example.com'],
    ['no local part', '@example.com'],
    ['no domain', 'jane.doe@.com'],
    ['no top-level domain', 'jane.doe@example.'],
    ['no dot in the domain', 'jane.doe@example'],
    ['two @', 'jane@doe@example.com'],
    ['an @ in the top-level domain', 'jane.doe@example.com@x'],
    ['a space in the domain', 'jane.doe@exa mple.com'],
    ['a space in the top-level domain', 'jane.doe@example.c om'],
    ['a tab in the local part', 'jane\tdoe@example.com']
  ])('not an address: %s (%j)', (_, written) => {
    expect(hashEmails([written])).toEqual({ hashes: [], dropped: ['email_addresses[0]: not an email address'] })
  })

  test.each([
    // printf '%s' '<address>' | sha256sum
    ['a plus tag', 'jane+promo@example.com', 'e00f92d5ee84e35ed97f6313a0dc86f7d2c7f737aa11593517e68bf4b77f9a58'],
    ['subdomains', 'jane@mail.example.co.uk', 'c640a59013c3306a5b4eb47539179808cf91e2e2ac755adadfb5107237b8191e'],
    ['one-letter parts', 'j@e.c', '103623a97d83f9e7a289cb213161e34116b33881a0cb04d127f3e14049b8cda7']
  ])('an address: %s', (_, written, hash) => {
    expect(hashEmails([written])).toEqual({ hashes: [hash], dropped: [] })
  })
})

describe('values that are not text', () => {
  test('a number alone is an identifier: its decimal form is hashed', () => {
    expect(hashExternalIds([42])).toEqual({ hashes: [SHA.number42], dropped: [] })
    // printf '%s' 1.5 | sha256sum
    expect(hashExternalIds([1.5])).toEqual({
      hashes: ['9f29a130438b81170b92a42650f9a94291ecad60bd47af2a3886e75f7f728725'],
      dropped: []
    })
  })

  test('a phone number given as a number is read like its digits', () => {
    expect(hashPhones([4155550132], US)).toEqual({ hashes: [SHA.us4155550132], dropped: [] })
    expect(hashPhones([4155550132])).toEqual({ hashes: [], dropped: [`phone_numbers[0]: ${NO_COUNTRY}`] })
  })

  test('a number is not an email address', () => {
    expect(hashEmails([42])).toEqual({ hashes: [], dropped: ['email_addresses[0]: not an email address'] })
  })

  test('undefined and null are no value (not reported); booleans, objects and lists are reported by position', () => {
    const values = [undefined, null, true, false, { id: 'user-123' }, ['user-123'], 'user-123']
    expect(hashExternalIds(values)).toEqual({
      hashes: [SHA.user123],
      dropped: [2, 3, 4, 5].map((position) => `external_ids[${position}]: not text or a number`)
    })
    expect(hashEmails(values).dropped).toEqual([
      ...[2, 3, 4, 5].map((position) => `email_addresses[${position}]: not text or a number`),
      'email_addresses[6]: not an email address'
    ])
    expect(hashPhones(values, US).dropped).toEqual([
      ...[2, 3, 4, 5].map((position) => `phone_numbers[${position}]: not text or a number`),
      'phone_numbers[6]: not a possible phone number'
    ])
  })

  test('positions count every value, empty ones included', () => {
    expect(hashEmails(['', 'n/a', '  ', 'jane.doe@example.com', 'x'])).toEqual({
      hashes: [SHA.janeEmail],
      dropped: ['email_addresses[1]: not an email address', 'email_addresses[4]: not an email address']
    })
  })
})

describe('phone numbers: where the country code is read from', () => {
  test.each([
    ['(+44) 20 7946 0958', SHA.gb2079460958],
    ['( +44 ) 20 7946 0958', SHA.gb2079460958],
    ['(0044) 20 7946 0958', SHA.gb2079460958],
    ['+44 (0) 20 7946 0958', SHA.gb2079460958],
    ['+4402079460958', SHA.gb2079460958],
    ['+1 415 555 0132', SHA.us4155550132],
    ['001 415 555 0132', SHA.us4155550132]
  ])('%j is read as written, with no Default Phone Country', (written, hash) => {
    expect(hashPhones([written])).toEqual({ hashes: [hash], dropped: [] })
  })

  test.each([
    // A national number of the Default Phone Country that holds "00" or "+" later on is not international.
    ['07700 900123', 'GB', SHA.gb7700900123],
    ['(212) 555-0143', 'US', SHA.us2125550143],
    ['212 555 0143 +', 'US', SHA.us2125550143]
  ])('%j in %s', (written, country, hash) => {
    expect(hashPhones([written], { country: country as 'GB' | 'US' })).toEqual({ hashes: [hash], dropped: [] })
  })

  test.each([
    ['a letter among the digits', '+1 415 555 013O'],
    ['a digit too many', '+1 415 555 01322'],
    ['a digit too few', '+1 415 555 013'],
    ['an unknown calling code', '+999 123 4567'],
    ['too short for its country', '+441234'],
    ['letters only after +', '+ABC']
  ])('%s is not a possible number: %j', (_, written) => {
    expect(hashPhones([written])).toEqual({ hashes: [], dropped: ['phone_numbers[0]: not a possible phone number'] })
  })

  test.each([
    // printf '%s' <E.164> | sha256sum
    ['+44 20 7946 095x', '+44207946095', '3a06a2ff30e10da3919847ddc162a529f809f66612d5f9032d9c3efd1353375b'],
    ['+61 04 1234 5678', '+61412345678', 'bc65da54a3ddbacfdc93a0400f0a2d78e41c2180c8255015e9616facfe56f58a'],
    ['+7 8 912 345 67 89', '+79123456789', '694e8de862e4f3198b67f7a4aa9f4dfb123c5b78b0a72460ce882c405b111e63'],
    ['+1/415/555/0132', '+14155550132', SHA.us4155550132],
    ['+1 415 555 0132 ext 5', '+14155550132', SHA.us4155550132],
    // A vanity number: its letters are the keypad's digits (libphonenumber-js dropped it as not a number).
    ['+1 800 FLOWERS', '+18003569377', 'b7092830a46827b527d318de83143f775c6e79c3705294510f12c964302ceffd'],
    // A repeated plus is ignored (libphonenumber-js dropped it).
    ['++1 415 555 0132', '+14155550132', SHA.us4155550132],
    // A length google's metadata lists as possible on the Isle of Man (libphonenumber-js's did not).
    ['+44 1624 75678', '+44162475678', 'f85a4ee49076decd08e33726c2783bc52c657bbcafb75511d99470ff56e4f77d']
  ])('%j is read as google-libphonenumber reads it: %s', (written, _e164, hash) => {
    expect(hashPhones([written])).toEqual({ hashes: [hash], dropped: [] })
  })
})

describe('each dropped value: its field, position, a reason code and the rule in words, never the value', () => {
  test.each([
    [
      'phone_numbers',
      () => identity.hashPhones(['201-555-0123']),
      'no_country_code',
      'no country code and no Default Phone Country'
    ],
    [
      'phone_numbers',
      () => identity.hashPhones(['201-555-0123'], readPhoneCountrySetting('Narnia')),
      'invalid_phone_country_setting',
      'no country code, and the Default Phone Country setting is not a country code this destination knows'
    ],
    [
      'phone_numbers',
      () => identity.hashPhones(['+1 415 555 013'], US),
      'not_a_phone_number',
      'not a possible phone number'
    ],
    ['email_addresses', () => identity.hashEmails(['jane.doe@example']), 'not_an_email', 'not an email address'],
    ['external_ids', () => identity.hashExternalIds([true]), 'not_text', 'not text or a number']
  ])('%s: %s', (field, hash, reason, rule) => {
    expect(hash().dropped).toEqual([{ field, index: 0, reason, message: `${field}[0]: ${rule}` }])
  })

  test("the position is the value's place in the list, empty values counted", () => {
    expect(identity.hashEmails(['', 'jane.doe@example.com', 'x']).dropped).toEqual([
      {
        field: 'email_addresses',
        index: 2,
        reason: 'not_an_email',
        message: 'email_addresses[2]: not an email address'
      }
    ])
  })
})

describe('the normalizations, as processHashing is given them', () => {
  test('email: trim, lowercase', () => {
    expect(normalizeEmail(' Jane.Doe@Example.COM\n')).toBe('jane.doe@example.com')
  })

  test('external ID: trim, lowercase', () => {
    expect(normalizeExternalId('\tUser-123 ')).toBe('user-123')
  })
})
