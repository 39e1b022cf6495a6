import { Metadata, getCountries, getCountryCallingCode } from 'libphonenumber-js'
import type { NumberingPlan } from 'libphonenumber-js'

/**
 * A fast path for the most common phone number by far, one written with `+`,
 * its calling code and digits, and separated by spaces, dashes, dots or
 * parentheses only. Parsing it with libphonenumber-js costs about 8 µs, most of
 * the destination's own work per event; reading it here costs well under 1 µs.
 *
 * It answers only where libphonenumber-js would give the very same E.164 (a
 * differential test holds it to that): the calling code is a known one, the
 * national number does not start with what a national-prefix rule of a country
 * with that calling code could strip or rewrite, and its length is possible in
 * every such country. Anything else is left to libphonenumber-js.
 */

/** What libphonenumber-js's international parse looks at for one calling code. */
interface CallingCodePlan {
  /** National number lengths possible in every country with this calling code. */
  lengths: ReadonlySet<number>
  /** The countries' national prefixes for parsing, as one pattern: a national number it matches is left to libphonenumber-js. */
  nationalPrefix?: RegExp
}

/** A numbering plan as libphonenumber-js 1.x has it at run time; its types leave this method out. */
type ParsingNumberingPlan = NumberingPlan & { nationalPrefixForParsing(): string | undefined }

const PLUS = 0x2b
const ZERO = 0x30
const NINE = 0x39
/** Space, parentheses, dash and dot: the separators of a plain international number. */
const SEPARATORS = new Set([0x20, 0x28, 0x29, 0x2d, 0x2e])

/**
 * Every calling code's plan, built once when the module loads (a few
 * milliseconds): the national number lengths possible in all of its countries,
 * and all of their national prefixes.
 */
function callingCodePlans(): ReadonlyMap<string, CallingCodePlan> {
  const built = new Map<string, { lengths: number[]; nationalPrefixes: Set<string> }>()
  const metadata = new Metadata()
  for (const country of getCountries()) {
    metadata.selectNumberingPlan(country)
    // Every country getCountries() lists has a numbering plan.
    const plan = metadata.numberingPlan as ParsingNumberingPlan
    const lengths = plan.possibleLengths()
    const prefix = plan.nationalPrefixForParsing()
    const callingCode = getCountryCallingCode(country)
    const entry = built.get(callingCode) ?? { lengths, nationalPrefixes: new Set<string>() }
    entry.lengths = entry.lengths.filter((length) => lengths.includes(length))
    // Stryker disable next-line ConditionalExpression: an undefined prefix would become the pattern (?:undefined), which no digits match
    if (prefix) entry.nationalPrefixes.add(prefix)
    built.set(callingCode, entry)
  }
  return new Map(
    [...built].map(([code, { lengths, nationalPrefixes }]) => [
      code,
      {
        lengths: new Set(lengths),
        ...(nationalPrefixes.size > 0
          ? { nationalPrefix: new RegExp(`^(?:${[...nationalPrefixes].map((prefix) => `(?:${prefix})`).join('|')})`) }
          : {})
      }
    ])
  )
}

const PLANS = callingCodePlans()

/** `+` and digits, when libphonenumber-js would read `text` as exactly this possible number; else undefined. */
export function plainInternationalE164(text: string): string | undefined {
  const digits = digitsAfterPlus(text)
  if (digits === undefined) return undefined
  for (let length = 1; length <= 3; length++) {
    const plan = PLANS.get(digits.slice(0, length))
    if (!plan) continue
    // Calling codes are prefix-free: the first one found is the only one.
    const national = digits.slice(length)
    if (!plan.lengths.has(national.length) || plan.nationalPrefix?.test(national)) return undefined
    return `+${digits}`
  }
  return undefined
}

/** The digits of `+` followed by digits and separators only (one pass, no regular expression); else undefined. */
function digitsAfterPlus(text: string): string | undefined {
  if (text.charCodeAt(0) !== PLUS) return undefined
  let digits = ''
  for (let at = 1; at < text.length; at++) {
    const code = text.charCodeAt(at)
    if (code >= ZERO && code <= NINE) digits += text[at]
    else if (!SEPARATORS.has(code)) return undefined
  }
  return digits
}
