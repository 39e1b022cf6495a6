import { hashEmails, hashExternalIds, hashPhones, normalizePhone, toCountryCode } from '../identity'

// Expected hashes computed outside this code: printf '%s' '<value>' | sha256sum
const SHA = {
  janeEmail: '86e0b9e56c17cc4d12387e1949b85053fbe73bc3ce5a1188713a9d300cc6133d', // jane.doe@example.com
  us4155550132: '9e1919ad78a34fd67a84bfbcf2fea14074065517bea32e92924771c3f92e5462', // +14155550132
  gb2079460958: 'f0bf0228144d9fe2bdf1da2d8ca698f17bf1410ee688b075c27062e47b6f0b6d', // +442079460958
  gb7700900123: 'a8acc3a90a7b4e4dc65e93db9240ed26523050ef754d63b75b5161de76781436', // +447700900123
  us2125550143: 'c72f6a6f4d807dea504b0e3fd978b80befcf5026f427a2e16b9f0c80b37fcf32', // +12125550143
  fr142685300: 'd5ea703c4c3f131accc68351466f2bdfa55506ca1b6d3b58a0202b29b5d82b46', // +33142685300
  user123: 'fcdec6df4d44dbc637c7c5b58efface52a7f8a88535423430255be0bb89bedd8' // user-123
}

describe('email addresses are trimmed, lowercased and SHA-256 hashed', () => {
  test.each([
    ['jane.doe@example.com'],
    ['Jane.Doe@Example.com'],
    ['  JANE.DOE@EXAMPLE.COM  '],
    ['\tjane.doe@example.com\n']
  ])('%j', (written) => {
    expect(hashEmails([written])).toEqual([SHA.janeEmail])
  })

  test('the same address written differently is sent once', () => {
    expect(hashEmails(['jane.doe@example.com', ' Jane.Doe@example.COM', 'JANE.DOE@EXAMPLE.COM'])).toEqual([SHA.janeEmail])
  })

  test('empty and blank values are ignored', () => {
    expect(hashEmails(['', '   ', 'jane.doe@example.com'])).toEqual([SHA.janeEmail])
    expect(hashEmails(['', ' '])).toEqual([])
    expect(hashEmails(undefined)).toEqual([])
  })

  test('a value already hashed is sent as it is, lowercased, never hashed twice', () => {
    expect(hashEmails([SHA.janeEmail.toUpperCase()])).toEqual([SHA.janeEmail])
    expect(hashEmails([SHA.janeEmail, 'jane.doe@example.com'])).toEqual([SHA.janeEmail])
  })
})

describe('phone numbers are normalized to E.164, then hashed', () => {
  test.each([
    // written form, default country, E.164
    ['+1 (415) 555-0132', undefined, '+14155550132'],
    ['+1.415.555.0132', undefined, '+14155550132'],
    ['1-415-555-0132', undefined, '+14155550132'],
    ['14155550132', undefined, '+14155550132'],
    ['(415) 555-0132', 'US', '+14155550132'],
    ['415.555.0132', 'US', '+14155550132'],
    ['1 (415) 555-0132', 'US', '+14155550132'],
    ['0044 20 7946 0958', undefined, '+442079460958'],
    ['020 7946 0958', 'GB', '+442079460958'],
    ['+44 (0) 20 7946 0958', undefined, '+442079460958'],
    ['07700 900123', 'GB', '+447700900123'],
    ['+44 7700 900123', 'US', '+447700900123'],
    ['01 42 68 53 00', 'FR', '+33142685300'],
    ['33 1 42 68 53 00', undefined, '+33142685300']
  ] as const)('%j (default country %s) → %s', (written, country, e164) => {
    expect(normalizePhone(written, country)).toBe(e164)
  })

  test('numbers without a country code are read in the default country, else as starting with it', () => {
    expect(hashPhones(['(415) 555-0132'], 'US')).toEqual([SHA.us4155550132])
    // Without a default country the digits are read as +41 55 550 132, which is not a possible Swiss number: dropped.
    expect(normalizePhone('(415) 555-0132')).toBeUndefined()
    expect(normalizePhone('1 (415) 555-0132')).toBe('+14155550132')
  })

  test('the default country does not override a number that has its own country code', () => {
    expect(hashPhones(['+44 20 7946 0958'], 'US')).toEqual([SHA.gb2079460958])
  })

  test('the same number in several written forms is sent once', () => {
    expect(hashPhones(['+1 (415) 555-0132', '415.555.0132', '1-415-555-0132', ' 4155550132 '], 'US')).toEqual([
      SHA.us4155550132
    ])
  })

  test('several numbers keep their order', () => {
    expect(hashPhones(['+1 212 555 0143', '+44 7700 900123'])).toEqual([SHA.us2125550143, SHA.gb7700900123])
  })

  test('values that cannot be a phone number are dropped', () => {
    expect(hashPhones(['n/a', 'call me', '123', '+999 123', '', '   '], 'US')).toEqual([])
    expect(hashPhones(['unknown', '+33 1 42 68 53 00'])).toEqual([SHA.fr142685300])
  })

  test('a value already hashed is sent as it is, lowercased', () => {
    expect(hashPhones([SHA.us4155550132.toUpperCase()], 'US')).toEqual([SHA.us4155550132])
  })
})

describe('external IDs are trimmed, lowercased and hashed', () => {
  test.each([['user-123'], [' USER-123 '], ['User-123']])('%j', (written) => {
    expect(hashExternalIds([written])).toEqual([SHA.user123])
  })

  test('numbers are identifiers too; duplicates and empties are dropped', () => {
    expect(hashExternalIds([123, '123', ' ', ''])).toEqual([
      'a665a45920422f9d417e4867efdc4fb8a04a1f3fff1fa07e998e86f7f7a27ae3' // printf 123 | sha256sum
    ])
  })
})

describe('default phone country setting', () => {
  test('accepts ISO 3166 alpha-2 codes in any case', () => {
    expect(toCountryCode(' gb ')).toBe('GB')
    expect(toCountryCode('US')).toBe('US')
  })

  test('rejects anything else', () => {
    expect(toCountryCode('USA')).toBeUndefined()
    expect(toCountryCode('United Kingdom')).toBeUndefined()
    expect(toCountryCode('')).toBeUndefined()
  })
})
