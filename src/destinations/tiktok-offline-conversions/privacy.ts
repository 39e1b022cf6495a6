/**
 * Last line of defence for messages that leave the destination: TikTok's own
 * messages could echo what it was sent, and a transport error could quote
 * anything. The destination's own messages never include raw values.
 */
const EMAIL = /[^\s@"'<>(),;:]+@[^\s@"'<>(),;:]+\.[^\s@"'<>(),;:]+/g
/**
 * Seven or more digits, alone or split by spaces, dots, dashes or parentheses,
 * with or without `+`: a phone number in any written form. A run glued to
 * letters is left alone, and so is the ID after "request_id " (support needs
 * it), so messages can be redacted again without losing their request IDs.
 */
const PHONE = /(?<![\w+])(?<!request_id )\+?\d(?:[\s().-]*\d){6,}(?!\w)/g
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
