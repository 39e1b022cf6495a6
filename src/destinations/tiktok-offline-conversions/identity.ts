import { PhoneNumberFormat, PhoneNumberUtil } from 'google-libphonenumber'
import type { PhoneNumber } from 'google-libphonenumber'
import { isAlreadyHashed, processHashing } from '../../lib/hashing-utils'
import { droppedValue } from './reasons'
import type { DropReason, DroppableField, DroppedValue } from './reasons'

/**
 * Normalization and SHA-256 hashing of the identifiers TikTok matches on. Pure
 * functions; raw values never leave this module except hashed, and what is
 * dropped is said by field, position and reason, never by value.
 */

const phoneUtil = PhoneNumberUtil.getInstance()
const SUPPORTED_REGIONS: ReadonlySet<string> = new Set(phoneUtil.getSupportedRegions())

/** The Default Phone Country setting as read: a country, or none (and whether a value was there but is not one). */
export interface PhoneCountry {
  country?: string
  /** The setting holds something that is not a country code: treated as unset, and said so where it matters. */
  invalidSetting?: true
}

/** The ISO 3166 alpha-2 code, uppercased, when the phone library knows the country. */
export function toCountryCode(value: string): string | undefined {
  const code = value.trim().toUpperCase()
  return SUPPORTED_REGIONS.has(code) ? code : undefined
}

/** A value outside the setting's choices (settings saved through an API) counts as unset: it never fails an event. */
export function readPhoneCountrySetting(setting: string | undefined): PhoneCountry {
  if (!setting?.trim()) return {}
  const country = toCountryCode(setting)
  return country ? { country } : { invalidSetting: true }
}

/** What one written value becomes: the text to hash, or why it is dropped. */
type Reading = { value: string } | { dropped: DropReason }

/** `local@domain.tld`, no spaces: anything else cannot match a TikTok account. */
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

export const normalizeEmail = (email: string): string => email.trim().toLowerCase()

/** TikTok's rule is "trim"; the existing destination also lowercases, which keeps hashes stable for migrating workspaces. */
export const normalizeExternalId = (id: string): string => id.trim().toLowerCase()

const isSha256 = (text: string): boolean => isAlreadyHashed(text, 'sha256', 'hex')

function readEmail(text: string): Reading {
  if (EMAIL.test(text)) return { value: text }
  return isSha256(text) ? { value: text.toLowerCase() } : { dropped: 'not_an_email' }
}

function readExternalId(text: string): Reading {
  return { value: isSha256(text) ? text.toLowerCase() : text }
}

/** `+` or `00` before the first digit, optionally inside a parenthesis: `+44 …`, `(+44) …`, `0044 …`. */
const INTERNATIONAL = /^[(\s]*(\+|00)/
/** The region google-libphonenumber takes for a number that carries its own country code. */
const UNKNOWN_REGION = 'ZZ'

/**
 * E.164 (`+`, country code, subscriber number), without guessing: a number
 * written with `+` or `00` (the international call prefix) is read as written;
 * any other is read in the Default Phone Country, and without one it is dropped,
 * since its digits could belong to several countries (`201-555-0123` is a US
 * number, and also `+20 15550123`, Egyptian).
 */
export function readPhone(text: string, phoneCountry: PhoneCountry): Reading {
  if (isSha256(text)) return { value: text.toLowerCase() }
  if (!/\d/.test(text)) return { dropped: 'not_a_phone_number' }
  const international = INTERNATIONAL.exec(text)
  if (international) return possibleE164(`+${text.slice(international[0].length)}`, UNKNOWN_REGION)
  if (!phoneCountry.country) {
    return { dropped: phoneCountry.invalidSetting ? 'invalid_phone_country_setting' : 'no_country_code' }
  }
  return possibleE164(text, phoneCountry.country)
}

/**
 * The number's E.164 when google-libphonenumber reads a complete number of a
 * possible length for its country. A number possible only locally (without its
 * area code) has no E.164 TikTok could match.
 */
function possibleE164(text: string, region: string): Reading {
  const number = parsePhone(text, region)
  return number && phoneUtil.isPossibleNumberWithReason(number) === PhoneNumberUtil.ValidationResult.IS_POSSIBLE
    ? { value: phoneUtil.format(number, PhoneNumberFormat.E164) }
    : { dropped: 'not_a_phone_number' }
}

/** The library throws for text it cannot read as a number at all (no digits in place, an unknown country code). */
function parsePhone(text: string, region: string): PhoneNumber | undefined {
  try {
    return phoneUtil.parse(text, region)
  } catch {
    return undefined
  }
}

/** The hashes to send for one identifier field, and what was dropped from it. */
export interface HashedIdentifiers {
  hashes: string[]
  dropped: DroppedValue[]
}

/**
 * Hashes each value the field holds. Values already hashed are kept (lowercased),
 * empty ones are not values, and duplicates after normalization are sent once.
 */
function hashIdentifiers(
  field: DroppableField,
  values: readonly unknown[] | undefined,
  read: (text: string) => Reading,
  normalize?: (value: string) => string
): HashedIdentifiers {
  const hashes: string[] = []
  const dropped: DroppedValue[] = []
  ;(values ?? []).forEach((value, index) => {
    if (typeof value !== 'string' && typeof value !== 'number') {
      if (value !== undefined && value !== null) dropped.push(droppedValue(field, index, 'not_text'))
      return
    }
    const text = String(value).trim()
    if (!text) return
    const reading = read(text)
    if ('dropped' in reading) {
      dropped.push(droppedValue(field, index, reading.dropped))
      return
    }
    const hash = processHashing(reading.value, 'sha256', 'hex', normalize)
    if (!hashes.includes(hash)) hashes.push(hash)
  })
  return { hashes, dropped }
}

export const hashEmails = (values: readonly unknown[] | undefined): HashedIdentifiers =>
  hashIdentifiers('email_addresses', values, readEmail, normalizeEmail)

export const hashExternalIds = (values: readonly unknown[] | undefined): HashedIdentifiers =>
  hashIdentifiers('external_ids', values, readExternalId, normalizeExternalId)

export const hashPhones = (
  values: readonly unknown[] | undefined,
  phoneCountry: PhoneCountry = {}
): HashedIdentifiers => hashIdentifiers('phone_numbers', values, (text) => readPhone(text, phoneCountry))
