import fc from 'fast-check'
import type { SegmentEvent } from '@segment/actions-core'
import { PRESET_EVENTS } from '../../destinations/tiktok-offline-conversions/presets'

/**
 * fast-check arbitraries for the property tests: Segment-like events as they
 * really arrive (and as they should not, but might), and emails and phone
 * numbers as people write them.
 *
 * Expected values (normalized email, E.164 phone) are computed from how the
 * value was built, never with the destination's own code.
 */

export type Json = fc.JsonValue
export type JsonObject = { [key: string]: Json }

// ---------------------------------------------------------------------------
// Objects whose keys are each sometimes missing

const ABSENT: unique symbol = Symbol('absent')
type Maybe<T> = T | typeof ABSENT

/** `arbitrary`, or the key left out of the object (`present` in 1: how often it is there). */
function sometimes<T>(arbitrary: fc.Arbitrary<T>, present = 0.6): fc.Arbitrary<Maybe<T>> {
  const weight = Math.round(present * 100)
  return fc.oneof({ weight: 100 - weight, arbitrary: fc.constant(ABSENT) }, { weight, arbitrary })
}

/** An object built key by key; a key whose arbitrary gave ABSENT is not in it at all. */
function objectOf(spec: Record<string, fc.Arbitrary<Maybe<Json>>>): fc.Arbitrary<JsonObject> {
  return fc.record(spec).map((values) => {
    const object: JsonObject = {}
    for (const [key, value] of Object.entries(values)) if (value !== ABSENT) object[key] = value
    return object
  })
}

// ---------------------------------------------------------------------------
// Junk: every value a field should not hold

/** Any Unicode: composed graphemes, any code point, and a few known troublemakers. */
export const unicodeString = (): fc.Arbitrary<string> =>
  fc.oneof(
    fc.string({ unit: 'grapheme', maxLength: 12 }),
    fc.string({ unit: 'binary', maxLength: 12 }),
    fc.constantFrom(
      'Zoë',
      'خالد',
      '李雷',
      '😀👍🏽',
      'e\u0301',
      '\u0000',
      '\u200b',
      '\ufeff',
      '\ud800',
      'İı',
      'ß',
      '\u2028'
    )
  )

/** Strings of 1,000 to 10,000 characters (exactly 10,000 often), made of a repeated unit. */
export const longString = (): fc.Arbitrary<string> =>
  fc
    .tuple(
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 6 }),
      fc.oneof(fc.constant(10_000), fc.integer({ min: 1000, max: 10_000 }))
    )
    .map(([unit, length]) => unit.repeat(Math.ceil(length / unit.length)).slice(0, length))

/** Numbers as people and spreadsheets write them in strings, and look-alikes. */
export const numberAsString = (): fc.Arbitrary<string> =>
  fc.oneof(
    fc.integer().map(String),
    fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
    fc.constantFrom(' 12 ', '12.50', '1e3', '0x10', '12,50', '-0', '12.5.3', 'NaN', 'Infinity', '', ' ', '007', '1_000')
  )

/** A JSON number: what JSON can carry (no NaN, no Infinity). */
const jsonNumber = (): fc.Arbitrary<number> =>
  fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }))

const scalarJunk = (): fc.Arbitrary<Json> =>
  fc.oneof(
    fc.constant(null),
    fc.boolean(),
    jsonNumber(),
    fc.string({ maxLength: 8 }),
    unicodeString(),
    numberAsString(),
    longString()
  )

/** Anything JSON can hold in the place of a field: null, a wrong type, an array, nested objects. */
export const junk = (): fc.Arbitrary<Json> =>
  fc.oneof(
    { weight: 4, arbitrary: scalarJunk() },
    { weight: 1, arbitrary: fc.array(scalarJunk(), { maxLength: 4 }) },
    {
      weight: 1,
      arbitrary: fc.dictionary(fc.string({ maxLength: 6 }), scalarJunk(), {
        maxKeys: 4
      })
    },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) }
  )

const HEX = '0123456789abcdef'.split('')
/** A SHA-256 hex digest (random, not of anything), in lower, upper or mixed case. */
export const sha256Hex = (): fc.Arbitrary<string> =>
  fc.mixedCase(fc.string({ unit: fc.constantFrom(...HEX), minLength: 64, maxLength: 64 }))

// ---------------------------------------------------------------------------
// Emails

export interface WrittenEmail {
  /** As the customer or a CRM wrote it: any case, surrounding whitespace. */
  written: string
  /** Trimmed and lowercased: what TikTok wants hashed. */
  normalized: string
}

const LOCAL_PART = /^[a-z0-9](?:[a-z0-9._+-]{0,14}[a-z0-9])?$/
const DOMAIN_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,10}[a-z0-9])?$/
const TLDS = ['com', 'net', 'org', 'io', 'co.uk', 'fr', 'de', 'in', 'com.br', 'example']
const PADDING = ['', '', '', ' ', '  ', '\t', '\n', ' \t ', '\u00a0', '\r\n']

/** The lowercase address itself: local part, one or two domain labels, a TLD. */
export const emailAddress = (): fc.Arbitrary<string> =>
  fc
    .tuple(
      fc.stringMatching(LOCAL_PART),
      fc.array(fc.stringMatching(DOMAIN_LABEL), { minLength: 1, maxLength: 2 }),
      fc.constantFrom(...TLDS)
    )
    .map(([local, labels, tld]) => `${local}@${labels.join('.')}.${tld}`)

/** The same address in another case and padding. */
export const writtenFormOfEmail = (normalized: string): fc.Arbitrary<WrittenEmail> =>
  fc
    .tuple(fc.mixedCase(fc.constant(normalized)), fc.constantFrom(...PADDING), fc.constantFrom(...PADDING))
    .map(([cased, before, after]) => ({
      written: `${before}${cased}${after}`,
      normalized
    }))

export const writtenEmail = (): fc.Arbitrary<WrittenEmail> => emailAddress().chain(writtenFormOfEmail)

// ---------------------------------------------------------------------------
// Phone numbers

/** Countries whose numbers the arbitraries write (ISO 3166 alpha-2). */
export type PhoneCountry = 'US' | 'GB' | 'FR' | 'DE' | 'IN' | 'BR'
export const PHONE_COUNTRIES: readonly PhoneCountry[] = ['US', 'GB', 'FR', 'DE', 'IN', 'BR']

export interface PhoneNumber {
  country: PhoneCountry
  /** Country calling code, digits only. */
  callingCode: string
  /** The national significant number in the groups people write it in. */
  groups: string[]
  /** Trunk prefix dialled before the national number at home ('0'; '1' in the US). */
  trunk: string
  /** `+` calling code national significant number: built, not computed by the code under test. */
  e164: string
}

export interface WrittenPhone {
  number: PhoneNumber
  /** As written, with surrounding whitespace sometimes. */
  written: string
  /** Which way of writing it (for reading counterexamples). */
  form: string
  /**
   * Default Phone Country settings under which `written` means `number.e164`
   * (`undefined` = no setting). A national form only has a meaning with its
   * own country; a form with `+` or `00` means the same whatever the setting;
   * digits that merely begin with the country code mean nothing certain.
   */
  meaningfulDefaults: ReadonlyArray<PhoneCountry | undefined>
}

const digits = (pattern: RegExp): fc.Arbitrary<string> => fc.stringMatching(pattern)

/** National significant numbers of each country, grouped as written there. */
const NATIONAL: Record<PhoneCountry, { callingCode: string; trunk: string; groups: fc.Arbitrary<string[]> }> = {
  // NANP: area code and exchange never start with 0 or 1.
  US: {
    callingCode: '1',
    trunk: '1',
    groups: fc.tuple(digits(/^[2-9][0-8]\d$/), digits(/^[2-9]\d\d$/), digits(/^\d{4}$/))
  },
  GB: {
    callingCode: '44',
    trunk: '0',
    groups: fc.oneof(
      fc.tuple(digits(/^7[1-57-9]\d\d$/), digits(/^\d{6}$/)), // mobile 07xxx xxxxxx
      fc.tuple(fc.constant('20'), digits(/^[378]\d{3}$/), digits(/^\d{4}$/)) // London 020 xxxx xxxx
    )
  },
  FR: {
    callingCode: '33',
    trunk: '0',
    groups: fc.tuple(digits(/^[1-7]$/), digits(/^\d\d$/), digits(/^\d\d$/), digits(/^\d\d$/), digits(/^\d\d$/))
  },
  DE: {
    callingCode: '49',
    trunk: '0',
    groups: fc.oneof(
      fc.tuple(digits(/^15[1-9]\d$/), digits(/^\d{7}$/)), // mobile 015x xxxxxxx
      fc.tuple(fc.constantFrom('30', '89', '40'), digits(/^[1-9]\d{7}$/)) // Berlin, Munich, Hamburg
    )
  },
  IN: {
    callingCode: '91',
    trunk: '0',
    groups: fc.tuple(digits(/^[6-9]\d{4}$/), digits(/^\d{5}$/))
  },
  BR: {
    callingCode: '55',
    trunk: '0',
    groups: fc.oneof(
      fc.tuple(digits(/^[1-9][1-9]$/), digits(/^9\d{4}$/), digits(/^\d{4}$/)), // mobile (11) 9xxxx-xxxx
      fc.tuple(digits(/^[1-9][1-9]$/), digits(/^[2-5]\d{3}$/), digits(/^\d{4}$/)) // landline (11) 3xxx-xxxx
    )
  }
}

export const phoneNumber = (): fc.Arbitrary<PhoneNumber> =>
  fc.constantFrom(...PHONE_COUNTRIES).chain((country) => {
    const { callingCode, trunk, groups } = NATIONAL[country]
    return groups.map((g) => ({
      country,
      callingCode,
      trunk,
      groups: g,
      e164: `+${callingCode}${g.join('')}`
    }))
  })

const SEPARATORS = [' ', '-', '.', '', ' - ']
const ALL_DEFAULTS: ReadonlyArray<PhoneCountry | undefined> = [undefined, ...PHONE_COUNTRIES]

/** Ways of writing `n`; each says under which default countries it means `n.e164`. */
function writtenForms(n: PhoneNumber): fc.Arbitrary<Omit<WrittenPhone, 'number'>> {
  const { callingCode: cc, groups, trunk, country } = n
  const nsn = groups.join('')
  const [first, ...rest] = groups
  const sep = fc.constantFrom(...SEPARATORS)
  const forms: fc.Arbitrary<Omit<WrittenPhone, 'number'>>[] = [
    sep.map((s) => ({
      written: `+${cc}${s === '' ? '' : ' '}${groups.join(s)}`,
      form: 'international',
      meaningfulDefaults: ALL_DEFAULTS
    })),
    sep.map((s) => ({
      written: `+${cc}-${groups.join(s)}`,
      form: 'international, dash after code',
      meaningfulDefaults: ALL_DEFAULTS
    })),
    fc.constant({
      written: `+${cc} (${first}) ${rest.join('-')}`,
      form: 'international, parentheses',
      meaningfulDefaults: ALL_DEFAULTS
    }),
    fc.constant({
      written: `+${cc}${nsn}`,
      form: 'E.164',
      meaningfulDefaults: ALL_DEFAULTS
    }),
    sep.map((s) => ({
      written: `00${cc} ${groups.join(s)}`,
      form: '00 international prefix',
      meaningfulDefaults: ALL_DEFAULTS
    })),
    fc.constant({
      written: `00${cc}${nsn}`,
      form: '00 international prefix, digits only',
      meaningfulDefaults: ALL_DEFAULTS
    }),
    fc.constant({
      written: `011 ${cc} ${groups.join(' ')}`,
      form: 'US international prefix 011',
      meaningfulDefaults: ['US']
    }),
    sep.map((s) => ({
      written: `${cc}${s === '' ? '' : ' '}${groups.join(s)}`,
      form: 'country code without +',
      // Without + or 00 the digits are a national number: the destination does not guess that they start with a country code.
      meaningfulDefaults: country === 'US' ? ['US'] : []
    })),
    sep.map((s) => ({
      // "07700 900123", "01 42 68 53 00", "098765 43210"; in the US "1-415-555-0132"
      written: country === 'US' ? `${trunk}${s}${groups.join(s)}` : `${trunk}${groups.join(s)}`,
      form: 'national with trunk prefix',
      meaningfulDefaults: [country]
    }))
  ]
  if (country !== 'US' && country !== 'BR') {
    // "+44 (0)20 7946 0958": the trunk prefix in parentheses after the country code.
    forms.push(
      fc.constant({
        written: `+${cc} (0)${groups.join(' ')}`,
        form: 'international, (0) trunk',
        meaningfulDefaults: ALL_DEFAULTS
      })
    )
  }
  switch (country) {
    case 'US':
      forms.push(
        fc.constant({
          written: `(${first}) ${rest.join('-')}`,
          form: 'US national (AAA) EEE-LLLL',
          meaningfulDefaults: ['US']
        }),
        sep.map((s) => ({
          written: groups.join(s),
          form: 'US national without trunk',
          meaningfulDefaults: ['US']
        })),
        fc.constant({
          written: `1 (${first}) ${rest.join('-')}`,
          form: 'US national 1 (AAA) EEE-LLLL',
          meaningfulDefaults: ['US']
        })
      )
      break
    case 'GB':
      forms.push(
        fc.constant({
          written: `(0${first}) ${rest.join(' ')}`,
          form: 'GB national (0xx) ',
          meaningfulDefaults: ['GB']
        })
      )
      break
    case 'IN':
      forms.push(
        sep.map((s) => ({
          written: groups.join(s),
          form: 'IN national without trunk',
          meaningfulDefaults: ['IN']
        }))
      )
      break
    case 'BR':
      forms.push(
        fc.constant({
          written: `(${first}) ${rest.join('-')}`,
          form: 'BR national (AA) XXXXX-XXXX',
          meaningfulDefaults: ['BR']
        }),
        sep.map((s) => ({
          written: groups.join(s),
          form: 'BR national',
          meaningfulDefaults: ['BR']
        }))
      )
      break
    default:
      break
  }
  return fc.oneof(...forms)
}

/** `n` written one way, with surrounding whitespace sometimes. */
export const writtenFormOfPhone = (n: PhoneNumber): fc.Arbitrary<WrittenPhone> =>
  fc
    .tuple(writtenForms(n), fc.constantFrom('', '', '', ' ', '\t', ' \n'), fc.constantFrom('', '', '', ' ', '\n'))
    .map(([form, before, after]) => ({
      number: n,
      ...form,
      written: `${before}${form.written}${after}`
    }))

export const writtenPhone = (): fc.Arbitrary<WrittenPhone> => phoneNumber().chain(writtenFormOfPhone)

/**
 * Every string that would show a phone number in plain text: the written form,
 * E.164, its digits, the national number with and without trunk prefix.
 */
export function plainPhoneForms(phone: WrittenPhone): string[] {
  const nsn = phone.number.groups.join('')
  const forms = [
    phone.written.trim(),
    phone.number.e164,
    phone.number.e164.slice(1),
    nsn,
    `${phone.number.trunk}${nsn}`
  ]
  return [...new Set(forms.filter((f) => f.replace(/\D/g, '').length >= 7))]
}

// ---------------------------------------------------------------------------
// Segment events

const DAY = 86_400
/** Dates from 1971 to a week ahead of now (a few of them in the future). */
const date = (): fc.Arbitrary<Date> =>
  fc.date({
    min: new Date('1971-01-01T00:00:00Z'),
    max: new Date(Date.now() + 7 * DAY * 1000),
    noInvalidDate: true
  })
/** Mostly the recent past: what a POS or CRM sends. */
const recentDate = (): fc.Arbitrary<Date> =>
  fc.integer({ min: -60 * DAY, max: 120 }).map((offset) => new Date(Date.now() + offset * 1000))

const pad2 = (n: number) => String(n).padStart(2, '0')
function isoWithOffset(d: Date, offsetMinutes: number): string {
  const local = new Date(d.getTime() + offsetMinutes * 60_000)
  const sign = offsetMinutes < 0 ? '-' : '+'
  const abs = Math.abs(offsetMinutes)
  return `${local.toISOString().slice(0, 19)}${sign}${pad2(Math.floor(abs / 60))}:${pad2(abs % 60)}`
}

/**
 * Timestamps in every shape: ISO (Z, offsets, date only, space instead of T),
 * Unix seconds and milliseconds as numbers and as strings, fractional seconds,
 * RFC 1123, garbage, the future, before 1970, null (and, with junk, any type).
 */
export const timestampValue = (): fc.Arbitrary<Json> => {
  const anyDate = fc.oneof(recentDate(), date())
  const seconds = anyDate.map((d) => Math.floor(d.getTime() / 1000))
  const ahead = fc.integer({ min: 301, max: 10 * 365 * DAY })
  return fc.oneof(
    anyDate.map((d) => d.toISOString()),
    fc.tuple(anyDate, fc.integer({ min: -12 * 60, max: 14 * 60 })).map(([d, offset]) => isoWithOffset(d, offset)),
    anyDate.map((d) => d.toISOString().slice(0, 10)),
    anyDate.map((d) => d.toISOString().replace('T', ' ').slice(0, 19)),
    seconds,
    anyDate.map((d) => d.getTime()),
    seconds.map(String),
    anyDate.map((d) => String(d.getTime())),
    anyDate.map((d) => d.getTime() / 1000),
    anyDate.map((d) => d.toUTCString()),
    ahead.map((s) => Math.floor(Date.now() / 1000) + s),
    ahead.map((s) => new Date(Date.now() + s * 1000).toISOString()),
    fc.constantFrom(
      'yesterday',
      '13/45/2024',
      '2024-02-30',
      '2024-13-01',
      '2026-11-20T25:00:00Z',
      '-5',
      '0',
      '-1',
      '0.5',
      '1e9',
      'NaN',
      '',
      ' ',
      '9999999999999999999999',
      '2026-11-20T15:04:05.000+25:00'
    ),
    fc.constant(null),
    fc.constant(0),
    fc.integer({ min: -1e9, max: -1 }),
    junk()
  )
}

/**
 * The field arbitraries of an event. A tidy event has values of the right
 * type (some still invalid: "dollars" as a currency, a future timestamp); a
 * messy one also has junk in any field.
 */
function eventParts(messy: boolean) {
  /** A plausible value; in a messy event, sometimes junk instead. */
  const usually = (good: fc.Arbitrary<Json>, junkWeight = 1): fc.Arbitrary<Json> =>
    messy ? fc.oneof({ weight: 40, arbitrary: good }, { weight: Math.round(junkWeight * 5), arbitrary: junk() }) : good

  /** Plausible free text: short, Unicode, long, a number written as text. */
  const text = (): fc.Arbitrary<Json> =>
    fc.oneof(
      { weight: 4, arbitrary: fc.string({ minLength: 1, maxLength: 20 }) },
      { weight: 2, arbitrary: unicodeString() },
      { weight: 1, arbitrary: longString() },
      { weight: 1, arbitrary: numberAsString() },
      { weight: 1, arbitrary: fc.integer() }
    )

  const emailValue = (): fc.Arbitrary<Json> =>
    usually(
      fc.oneof(
        { weight: 6, arbitrary: writtenEmail().map((e) => e.written) },
        {
          weight: 1,
          arbitrary: fc.array(
            writtenEmail().map((e) => e.written),
            { minLength: 1, maxLength: 3 }
          )
        },
        { weight: 1, arbitrary: sha256Hex() },
        {
          weight: 1,
          arbitrary: fc.constantFrom('', '   ', 'not an email', 'jöhn@exämple.com', '@', 'a@b')
        }
      ),
      2
    )

  const phoneValue = (): fc.Arbitrary<Json> =>
    usually(
      fc.oneof(
        { weight: 6, arbitrary: writtenPhone().map((p) => p.written) },
        {
          weight: 1,
          arbitrary: fc.array(
            writtenPhone().map((p) => p.written),
            { minLength: 1, maxLength: 3 }
          )
        },
        {
          weight: 1,
          arbitrary: phoneNumber().map((p) => Number(p.e164.slice(1)))
        },
        { weight: 1, arbitrary: sha256Hex() },
        {
          weight: 1,
          arbitrary: fc.constantFrom('', 'n/a', '+', '000', '12', '+1 (555)', 'call me', '+999 123 456 789 012 345')
        }
      ),
      2
    )

  const currencyValue = (): fc.Arbitrary<Json> =>
    usually(
      fc.oneof(
        {
          weight: 6,
          arbitrary: fc.constantFrom('USD', 'usd', ' eur ', 'GbP', 'JPY', 'BRL', 'INR')
        },
        {
          weight: 1,
          arbitrary: fc.constantFrom('dollars', '', '  ', 'US', 'EURO', '€', 'ßa', '123', 'U S')
        }
      ),
      2
    )

  const amount = (): fc.Arbitrary<Json> =>
    usually(
      fc.oneof(
        { weight: 4, arbitrary: fc.double({ min: 0, max: 1e6, noNaN: true }) },
        { weight: 2, arbitrary: fc.integer({ min: 0, max: 10_000 }) },
        { weight: 1, arbitrary: jsonNumber() },
        { weight: 2, arbitrary: numberAsString() }
      )
    )

  const quantityValue = (): fc.Arbitrary<Json> =>
    usually(
      fc.oneof(
        { weight: 6, arbitrary: fc.integer({ min: -5, max: 100 }) },
        { weight: 1, arbitrary: fc.integer().map(String) },
        {
          weight: 1,
          arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true })
        }
      )
    )

  const booleanish = (): fc.Arbitrary<Json> =>
    usually(
      fc.oneof(
        { weight: 3, arbitrary: fc.boolean() },
        {
          weight: 1,
          arbitrary: fc.constantFrom('true', 'false', 'yes', 1, 0, 'TRUE')
        }
      )
    )

  const product = (): fc.Arbitrary<Json> =>
    usually(
      objectOf({
        product_id: sometimes(usually(text())),
        sku: sometimes(text(), 0.3),
        name: sometimes(usually(text())),
        category: sometimes(usually(text())),
        brand: sometimes(usually(text())),
        price: sometimes(amount()),
        quantity: sometimes(quantityValue()),
        url: sometimes(fc.webUrl(), 0.2)
      })
    )

  const products = (): fc.Arbitrary<Json> => usually(fc.array(product(), { maxLength: 5 }))

  /** A page URL, sometimes with a ttclid query parameter. */
  const pageUrl = (): fc.Arbitrary<Json> =>
    usually(
      fc.oneof(
        fc.webUrl(),
        fc
          .tuple(fc.webUrl(), fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 20 }))
          .map(([u, t]) => `${u.split('#')[0]}${u.includes('?') ? '&' : '?'}ttclid=${encodeURIComponent(t)}`),
        fc.constantFrom(
          'not a url',
          'https://',
          'https://shop.example/?ttclid=',
          '?ttclid=abc',
          'https://x.example/?ttclid=%E0%A4%A'
        )
      )
    )

  const identifier = (): fc.Arbitrary<Json> =>
    usually(
      fc.oneof(
        { weight: 4, arbitrary: fc.stringMatching(/^[A-Za-z0-9_-]{1,24}$/) },
        { weight: 1, arbitrary: writtenEmail().map((e) => e.written) },
        { weight: 1, arbitrary: sha256Hex() },
        { weight: 1, arbitrary: fc.constantFrom(null, '', '   ') }
      ),
      2
    )

  /** `context.traits` and `traits`: where the customer usually is. */
  const customerTraits = (): fc.Arbitrary<Json> =>
    usually(
      objectOf({
        email: sometimes(emailValue(), 0.7),
        phone: sometimes(phoneValue(), 0.6),
        firstName: sometimes(text(), 0.3),
        address: sometimes(messy ? junk() : text(), 0.2),
        currency: sometimes(currencyValue(), 0.1)
      })
    )

  const properties = objectOf({
    email: sometimes(emailValue(), 0.3),
    phone: sometimes(phoneValue(), 0.3),
    currency: sometimes(currencyValue(), 0.85),
    value: sometimes(amount(), 0.6),
    revenue: sometimes(amount(), 0.4),
    total: sometimes(amount(), 0.4),
    products: sometimes(products(), 0.5),
    order_id: sometimes(usually(text()), 0.6),
    shop_id: sometimes(usually(text()), 0.3),
    ttclid: sometimes(usually(text()), 0.2),
    ttp: sometimes(usually(text()), 0.2),
    lead_id: sometimes(usually(text()), 0.2),
    query: sometimes(usually(text()), 0.2),
    description: sometimes(usually(text()), 0.2),
    limited_data_use: sometimes(booleanish(), 0.2),
    // single-product events put the product at the top of properties
    product_id: sometimes(usually(text()), 0.2),
    name: sometimes(usually(text()), 0.2),
    category: sometimes(usually(text()), 0.2),
    brand: sometimes(usually(text()), 0.2),
    price: sometimes(amount(), 0.2),
    quantity: sometimes(quantityValue(), 0.2)
  })
  /** Keys the mappings do not read, holding anything. */
  const extraKeys = fc.dictionary(fc.string({ maxLength: 10 }), junk(), {
    maxKeys: messy ? 3 : 1
  })

  const context = objectOf({
    traits: sometimes(customerTraits(), 0.6),
    ip: sometimes(usually(fc.oneof(fc.ipV4(), fc.ipV6())), 0.5),
    userAgent: sometimes(usually(text()), 0.4),
    locale: sometimes(usually(fc.constantFrom('en-US', 'fr-FR', 'pt_BR', 'de', '')), 0.5),
    page: sometimes(
      usually(
        objectOf({
          url: sometimes(pageUrl(), 0.8),
          referrer: sometimes(usually(text()), 0.4)
        })
      ),
      0.4
    ),
    library: sometimes(fc.constant({ name: 'analytics-node', version: '6.2.0' }), 0.5),
    extra: sometimes(junk(), 0.2)
  })

  const timestamp = messy
    ? fc.oneof(
        { weight: 3, arbitrary: recentDate().map((d) => d.toISOString()) },
        { weight: 4, arbitrary: timestampValue() }
      )
    : fc.oneof(
        { weight: 6, arbitrary: recentDate().map((d) => d.toISOString()) },
        { weight: 1, arbitrary: timestampValue() }
      )

  return {
    usually,
    text,
    identifier,
    customerTraits,
    properties,
    extraKeys,
    context,
    timestamp
  }
}

export interface SegmentEventOptions {
  /** Segment event names to draw from besides random ones (defaults: every preset's). */
  eventNames?: readonly string[]
}

/**
 * A Segment track event, the way a POS, a CRM export or a careless script might
 * send it: every field sometimes missing, null, of the wrong type, an array, a
 * nested object, Unicode, 10,000 characters long, a number in a string. Half
 * of the events are tidy (values of the right type), half messy (junk anywhere).
 *
 * Never generated: `context: null` or `context.personas: null`. actions-core
 * itself destructures those before any action code runs and throws a TypeError
 * (see segment-actions.md, "Traps"); Segment never sends such events.
 */
export function segmentEvent(options: SegmentEventOptions = {}): fc.Arbitrary<SegmentEvent> {
  const names = options.eventNames ?? PRESET_EVENTS.map((p) => p.segmentEvent)
  const build = (messy: boolean): fc.Arbitrary<JsonObject> => {
    const parts = eventParts(messy)
    return objectOf({
      type: parts.usually(fc.constant('track'), 0.2),
      event: fc.oneof(
        { weight: 6, arbitrary: fc.constantFrom(...names) },
        { weight: 1, arbitrary: parts.usually(parts.text()) }
      ),
      messageId: sometimes(
        fc.oneof({ weight: 6, arbitrary: fc.uuid() }, { weight: 1, arbitrary: parts.usually(parts.text()) }),
        0.9
      ),
      userId: sometimes(parts.identifier(), 0.7),
      anonymousId: sometimes(parts.identifier(), 0.4),
      timestamp: sometimes(parts.timestamp, 0.9),
      properties: sometimes(
        parts.usually(
          fc.tuple(parts.properties, parts.extraKeys).map(([p, extra]) => ({ ...extra, ...p })),
          0.1
        ),
        0.95
      ),
      context: sometimes(parts.context, 0.9),
      traits: sometimes(parts.customerTraits(), 0.3)
    })
  }
  return fc.oneof(build(false), build(true)).map((event) => event as unknown as SegmentEvent) // deliberately not a valid SegmentEvent
}
