/**
 * Last line of defence for messages that leave the destination: TikTok's own
 * messages could echo what it was sent, and a transport error could quote
 * anything. The destination's own messages never include raw values.
 */
const EMAIL = /[^\s@"'<>(),;:]+@[^\s@"'<>(),;:]+\.[^\s@"'<>(),;:]+/g
/**
 * A phone number as people write it: `+` and seven or more digits, or groups of
 * digits split by spaces, dots, dashes or parentheses. A bare run of digits is
 * left alone: TikTok's event set and request IDs are such runs, and support needs them.
 */
const PHONE = /\+\d(?:[\s().-]*\d){6,}|\(?\d{2,4}\)?[\s.-]{1,2}\d{2,4}(?:[\s.-]\d{2,5}){1,3}/g
export const REDACTED = '[redacted]'

/** Replaces anything shaped like an email address or a phone number. */
export function redactPersonalData(text: string): string {
  return text.replace(EMAIL, REDACTED).replace(PHONE, REDACTED)
}

/** Replaces every occurrence of the given secrets (the access token). */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  let result = text
  for (const secret of secrets) {
    if (secret && secret.length >= 4) result = result.split(secret).join(REDACTED)
  }
  return result
}
