import { parsePhoneNumberFromString, isSupportedCountry } from 'libphonenumber-js'
import type { CountryCode } from 'libphonenumber-js'
import { isAlreadyHashed, processHashing } from '../../lib/hashing-utils'
import { plainInternationalE164 } from './plain-e164'
import { DROP_REASONS, droppedNote } from './reasons'
import type { DropReason } from './reasons'

/**
 * Normalization and SHA-256 hashing of the identifiers TikTok matches on. Pure
 * functions; raw values never leave this module except hashed, and what is
 * dropped is said by field, position and reason, never by value.
 */

/** The Default Phone Country setting as read: a country, or none (and whether a value was there but is not one). */
export interface PhoneCountry {
  country?: CountryCode
  /** The setting holds something that is not a country code: treated as unset, and said so where it matters. */
  invalidSetting?: true
}

/** The ISO 3166 alpha-2 code, uppercased, when libphonenumber knows it. */
export function toCountryCode(value: string): CountryCode | undefined {
  const code = value.trim().toUpperCase()
  return isSupportedCountry(code) ? code : undefined
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

function readEmail(text: string): Reading {
  if (EMAIL.test(text)) return { value: text }
  return isAlreadyHashed(text, 'sha256', 'hex') ? { value: text.toLowerCase() } : { dropped: DROP_REASONS.notAnEmail }
}

function readExternalId(text: string): Reading {
  return { value: isAlreadyHashed(text, 'sha256', 'hex') ? text.toLowerCase() : text }
}

/** `+` or `00` before the first digit, optionally inside a parenthesis: `+44 …`, `(+44) …`, `0044 …`. */
const INTERNATIONAL = /^[(\s]*(\+|00)/

/**
 * E.164 (`+`, country code, subscriber number), without guessing: a number
 * written with `+` or `00` (the international call prefix) is read as written;
 * any other is read in the Default Phone Country, and without one it is dropped,
 * since its digits could belong to several countries (`201-555-0123` is a US
 * number, and also `+20 15550123`, Egyptian).
 */
export function readPhone(text: string, phoneCountry: PhoneCountry): Reading {
  if (isAlreadyHashed(text, 'sha256', 'hex')) return { value: text.toLowerCase() }
  if (!/\d/.test(text)) return { dropped: DROP_REASONS.notAPhoneNumber }
  const international = INTERNATIONAL.exec(text)
  if (international) return possibleE164(`+${text.slice(international[0].length)}`)
  if (!phoneCountry.country) {
    return {
      dropped: phoneCountry.invalidSetting ? DROP_REASONS.phoneCountrySettingInvalid : DROP_REASONS.phoneWithoutCountry
    }
  }
  return possibleE164(text, phoneCountry.country)
}

function possibleE164(text: string, country?: CountryCode): Reading {
  // A number written with `+` (or `00`), the most common form: read without parsing when that gives the same.
  const plain = country ? undefined : plainInternationalE164(text)
  // Stryker disable next-line ConditionalExpression: the fast path answers only what libphonenumber-js answers (plain-e164.test.ts)
  if (plain) return { value: plain }
  const phone = parsePhoneNumberFromString(text, country)
  return phone && phone.isPossible() ? { value: phone.number } : { dropped: DROP_REASONS.notAPhoneNumber }
}

/** The hashes to send for one identifier field, and what was dropped from it. */
export interface HashedIdentifiers {
  hashes: string[]
  dropped: string[]
}

/**
 * Hashes each value the field holds. Values already hashed are kept (lowercased),
 * empty ones are not values, and duplicates after normalization are sent once.
 */
function hashIdentifiers(
  field: string,
  values: readonly unknown[] | undefined,
  read: (text: string) => Reading,
  normalize?: (value: string) => string
): HashedIdentifiers {
  // Made on the first hash, at its size: a list that grows from empty reserves 17 places, and the event keeps it.
  let hashes: string[] | undefined
  const dropped: string[] = []
  const list = values ?? []
  for (let position = 0; position < list.length; position++) {
    const value = list[position]
    if (typeof value !== 'string' && typeof value !== 'number') {
      if (value !== undefined && value !== null) dropped.push(droppedNote(field, position, DROP_REASONS.notText))
      continue
    }
    const text = String(value).trim()
    if (!text) continue
    const reading = read(text)
    if ('dropped' in reading) {
      dropped.push(droppedNote(field, position, reading.dropped))
      continue
    }
    const hash = processHashing(reading.value, 'sha256', 'hex', normalize)
    // Lists are short: a scan is cheaper than a Set.
    if (!hashes) hashes = [hash]
    else if (!hashes.includes(hash)) hashes.push(hash)
  }
  return { hashes: hashes ?? [], dropped }
}

export const hashEmails = (values: readonly unknown[] | undefined): HashedIdentifiers =>
  hashIdentifiers('email_addresses', values, readEmail, normalizeEmail)

export const hashExternalIds = (values: readonly unknown[] | undefined): HashedIdentifiers =>
  hashIdentifiers('external_ids', values, readExternalId, normalizeExternalId)

export const hashPhones = (
  values: readonly unknown[] | undefined,
  phoneCountry: PhoneCountry = {}
): HashedIdentifiers => hashIdentifiers('phone_numbers', values, (text) => readPhone(text, phoneCountry))
