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
 * national number does not start with what the calling code's national-prefix
 * rule could strip or rewrite, and its length is possible in every country with
 * that calling code. Anything else is left to libphonenumber-js.
 *
 * The national-prefix rule is the one libphonenumber-js applies to a number
 * written with `+`: that of the numbering plan it selects by calling code, the
 * calling code's main country (US for +1, GB for +44; its `parse.js` selects the
 * plan by calling code, then strips that plan's prefix, and only then finds the
 * exact country). The other countries' rules never apply to such a number.
 */

/** What libphonenumber-js's international parse looks at for one calling code. */
interface CallingCodePlan {
  /** National number lengths possible in every country with this calling code. */
  lengths: ReadonlySet<number>
  /** The calling code's national prefix for parsing: a national number it matches is left to libphonenumber-js. */
  nationalPrefix?: RegExp
}

/** A numbering plan as libphonenumber-js 1.x has it at run time; its types leave this method out. */
type ParsingNumberingPlan = NumberingPlan & { nationalPrefixForParsing(): string | undefined }

/**
 * libphonenumber-js 1.x's metadata as it is at run time: its types leave out
 * that a plan can be selected by calling code too, as its parse does.
 */
interface ParsingMetadata {
  selectNumberingPlan(countryOrCallingCode: string): void
  numberingPlan?: NumberingPlan
}

const PLUS = 0x2b
const ZERO = 0x30
const NINE = 0x39
/** Space, parentheses, dash and dot: the separators of a plain international number. */
const SEPARATORS = new Set([0x20, 0x28, 0x29, 0x2d, 0x2e])

/**
 * Every calling code's plan, built once when the module loads (a few
 * milliseconds): the national number lengths possible in all of its countries,
 * and the national prefix of the plan libphonenumber-js selects for it.
 */
function callingCodePlans(): ReadonlyMap<string, CallingCodePlan> {
  const lengthsByCode = new Map<string, number[]>()
  const metadata: ParsingMetadata = new Metadata()
  for (const country of getCountries()) {
    metadata.selectNumberingPlan(country)
    // Every country getCountries() lists has a numbering plan.
    const lengths = (metadata.numberingPlan as ParsingNumberingPlan).possibleLengths()
    const callingCode = getCountryCallingCode(country)
    const common = lengthsByCode.get(callingCode) ?? lengths
    lengthsByCode.set(
      callingCode,
      common.filter((length) => lengths.includes(length))
    )
  }
  const plans = new Map<string, CallingCodePlan>()
  for (const [callingCode, lengths] of lengthsByCode) {
    metadata.selectNumberingPlan(callingCode)
    const prefix = (metadata.numberingPlan as ParsingNumberingPlan).nationalPrefixForParsing()
    plans.set(callingCode, {
      lengths: new Set(lengths),
      // Stryker disable next-line ConditionalExpression: an undefined prefix would become the pattern (?:undefined), which no digits match
      ...(prefix ? { nationalPrefix: new RegExp(`^(?:${prefix})`) } : {})
    })
  }
  return plans
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
