/**
 * Last line of defence for messages that leave the destination: TikTok's own
 * messages could echo what it was sent, and a transport error could quote
 * anything. The destination's own messages never include raw values.
 */
/**
 * An email address, its `@` written as is or URL-encoded (`%40`), as a target
 * echoing a query string would; the `=`, `&` and `?` around it in a query
 * string are not part of it.
 */
const EMAIL = /[^\s@"'<>(),;:=&?]+(?:@|%40)[^\s@"'<>(),;:=&?%#/]+\.[^\s@"'<>(),;:=&?%#/]+/gi
/**
 * Seven or more digits, alone or split by spaces, dots, slashes, dashes (en and
 * em dashes too) or parentheses, with or without `+`: a phone number in any
 * written form. A run glued to letters is left alone, and so is the ID after
 * "request_id " (support needs it), so messages can be redacted again without
 * losing their request IDs; so is a quantity with its unit ("20971520 bytes"),
 * which no phone number is written with.
 */
const PHONE =
  /(?<![\w+])(?<!request_id )\+?\d(?:[\s()./\u2013\u2014-]*\d){6,}(?!\w)(?!\s*(?:bytes|characters|ms|milliseconds|seconds|events|requests)\b)/g
export const REDACTED = '[redacted]'

/** Replaces anything shaped like an email address or a phone number. */
export function redactPersonalData(text: string): string {
  return text.replace(EMAIL, REDACTED).replace(PHONE, REDACTED)
}

/** Replaces every occurrence of the given secrets (the access token), in any letter case and URL-encoded too. */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  let result = text
  for (const secret of secrets) {
    if (!secret || secret.length < 4) continue
    const forms = [...new Set([secret, encodeURIComponent(secret)])].map(escapeRegExp)
    result = result.replace(new RegExp(forms.join('|'), 'gi'), REDACTED)
  }
  return result
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
