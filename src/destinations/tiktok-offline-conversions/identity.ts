import { createHash } from 'node:crypto'
import { parsePhoneNumberFromString, isSupportedCountry, type CountryCode } from 'libphonenumber-js'

/**
 * Normalization and SHA-256 hashing of the identifiers TikTok matches on.
 * Every function is pure; raw values never leave this module except hashed.
 */

const SHA256_HEX = /^[0-9a-f]{64}$/i

export function isSha256Hex(value: string): boolean {
  return SHA256_HEX.test(value)
}

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex')
}

/** An identifier normalizer: the value TikTok expects before hashing, or undefined when there is none. */
type Normalize = (raw: string) => string | undefined

export const normalizeEmail: Normalize = (raw) => raw.trim().toLowerCase() || undefined

/** TikTok's rule is "trim"; the existing destination also lowercases, which keeps hashes stable for migrating workspaces. */
export const normalizeExternalId: Normalize = (raw) => raw.trim().toLowerCase() || undefined

/**
 * E.164 (`+` country code subscriber number). A number without `+` is read in the
 * default country when one is set; otherwise (or when that reading is not a
 * possible number) its digits are taken to include the country code, as the
 * existing destination does. Anything that cannot be a phone number is undefined.
 */
export function normalizePhone(raw: string, defaultCountry?: CountryCode): string | undefined {
  const written = raw.trim()
  if (!/\d/.test(written)) return undefined
  if (written.startsWith('+')) return possibleE164(written)
  if (defaultCountry) {
    const national = possibleE164(written, defaultCountry)
    if (national) return national
  }
  // "00" is the international call prefix in most countries: 0044… is +44…
  const digits = written.replace(/\D/g, '').replace(/^00/, '')
  return possibleE164(`+${digits}`)
}

function possibleE164(text: string, country?: CountryCode): string | undefined {
  const phone = parsePhoneNumberFromString(text, country ? { defaultCountry: country } : undefined)
  return phone && phone.isPossible() ? phone.number : undefined
}

/** The ISO 3166 alpha-2 code, uppercased, when libphonenumber knows it. */
export function toCountryCode(value: string): CountryCode | undefined {
  const code = value.trim().toUpperCase()
  return isSupportedCountry(code) ? code : undefined
}

/** The Default Phone Country setting: no country when empty, or why it is not one. */
export function readPhoneCountrySetting(setting: string | undefined): { country?: CountryCode } | { error: string } {
  if (!setting?.trim()) return {}
  const country = toCountryCode(setting)
  return country
    ? { country }
    : { error: 'defaultPhoneCountry setting: must be an ISO 3166 alpha-2 country code, such as US' }
}

/**
 * Hashes each value after normalizing it. Values already hashed are kept
 * (lowercased), empty ones and ones that normalize to nothing are dropped, and
 * duplicates after normalization are sent once.
 */
export function hashIdentifiers(values: readonly unknown[] | undefined, normalize: Normalize): string[] {
  const hashes = new Set<string>()
  for (const value of values ?? []) {
    if (typeof value !== 'string' && typeof value !== 'number') continue
    const text = String(value).trim()
    if (!text) continue
    if (isSha256Hex(text)) {
      hashes.add(text.toLowerCase())
      continue
    }
    const normalized = normalize(text)
    if (normalized) hashes.add(sha256Hex(normalized))
  }
  return [...hashes]
}

export const hashEmails = (values: readonly unknown[] | undefined): string[] => hashIdentifiers(values, normalizeEmail)

export const hashExternalIds = (values: readonly unknown[] | undefined): string[] =>
  hashIdentifiers(values, normalizeExternalId)

export const hashPhones = (values: readonly unknown[] | undefined, defaultCountry?: CountryCode): string[] =>
  hashIdentifiers(values, (raw) => normalizePhone(raw, defaultCountry))
