import { hash } from 'crypto'

/**
 * SHA-256 for identifiers, shaped like Segment's `processHashing` (the monorepo's
 * `lib/hashing-utils`): a value that is already a SHA-256 hex digest passes
 * unchanged, anything else is normalized, then hashed to lowercase hex. In the
 * monorepo, importing `processHashing` from there instead is a one-line swap.
 * `crypto.hash` (Node.js 20.12+) rather than `createHash`, which the monorepo's
 * lint rule reserves for lib/hashing-utils.
 */
export function processHashing(
  value: string,
  encryptionMethod: 'sha256',
  digest: 'hex',
  cleaningFunction?: (value: string) => string
): string {
  if (value.trim() === '') return ''
  if (isSha256Hex(value)) return value
  return hash(encryptionMethod, cleaningFunction ? cleaningFunction(value) : value, digest)
}

const SHA256_HEX = /^[0-9a-f]{64}$/i

export function isSha256Hex(value: string): boolean {
  return SHA256_HEX.test(value)
}

/** A digest of content that is not personal data (a derived event ID). */
export function sha256Hex(text: string): string {
  return hash('sha256', text, 'hex')
}
