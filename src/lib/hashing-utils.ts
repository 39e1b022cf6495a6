/**
 * Hashing of identifiers with the API of Segment's own module, segmentio/action-destinations
 * `packages/destination-actions/src/lib/hashing-utils.ts`: the same exported names, types,
 * signatures and behaviour, written here. The destination folder imports `../../lib/hashing-utils`:
 * in this project that is this file, in the monorepo it is Segment's. `npm run check:monorepo`
 * runs the folder's tests against Segment's published module and holds this file equal to it
 * (its `hashing` step).
 *
 * The destination's code reaches `createHash` only through this file. (The monorepo's lint rule
 * against importing `createHash` points destinations here; Segment's own file is not caught by it,
 * as it calls `crypto.createHash` through a namespace import.)
 */
import { createHash } from 'crypto'

export const EncryptionMethods = ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512'] as const
export type EncryptionMethod = typeof EncryptionMethods[number]

export const DigestTypes = ['hex', 'base64'] as const
export type DigestType = typeof DigestTypes[number]

type CleaningFunction = (value: string) => string

/** Thrown when the cleaning function leaves nothing to hash. */
export class EmptyValueError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'EmptyValueError'
  }
}

/** A digest of `bytes` bytes written out: two hex characters a byte; padded base64, four characters per 3 bytes. */
const writtenLengths = (bytes: number): { lengthHex: number; lengthBase64: number } => ({
  lengthHex: bytes * 2,
  lengthBase64: Math.ceil(bytes / 3) * 4
})

/** The length of each method's digest, written in hex and in base64. */
export const hashConfigs: {
  [key in EncryptionMethod]: { lengthHex: number; lengthBase64: number }
} = {
  md5: writtenLengths(16),
  sha1: writtenLengths(20),
  sha224: writtenLengths(28),
  sha256: writtenLengths(32),
  sha384: writtenLengths(48),
  sha512: writtenLengths(64)
}

const HEX = /^[0-9a-f]*$/i
/**
 * Base64 characters, then at most two `=`. Every base64 length above is a multiple of four, so at
 * that length this is: whole groups of four, the last one possibly `xx==` or `xxx=`.
 */
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/

function lengthsOf(encryptionMethod: EncryptionMethod): { lengthHex: number; lengthBase64: number } {
  const lengths = hashConfigs[encryptionMethod]
  if (!lengths) throw new Error(`Unsupported encryption method: ${encryptionMethod}`)
  return lengths
}

/** Whether a value that is not blank is written as a digest of that method and digest type. */
function looksHashed(value: string, encryptionMethod: EncryptionMethod, digest: DigestType): boolean {
  const { lengthHex, lengthBase64 } = lengthsOf(encryptionMethod)
  if (digest === 'hex') return value.length === lengthHex && HEX.test(value)
  if (digest === 'base64') return value.length === lengthBase64 && BASE64.test(value)
  throw new Error(`Unsupported digest type: ${digest}`)
}

/**
 * The digest of `value`: '' for a blank value; the value itself when it already is a digest of
 * that method and type (hex in either case; it is returned as it is, not lowercased); otherwise
 * the value, cleaned by `cleaningFunction` when one is given, hashed. Throws EmptyValueError
 * when the cleaning leaves a blank string.
 */
export function processHashing(
  value: string,
  encryptionMethod: EncryptionMethod,
  digest: DigestType,
  cleaningFunction?: CleaningFunction
): string {
  if (value.trim() === '') return ''
  if (looksHashed(value, encryptionMethod, digest)) return value
  const cleaned = cleaningFunction ? cleaningFunction(value) : value
  if (cleaned.trim() === '') throw new EmptyValueError('Cannot hash an empty string')
  return createHash(encryptionMethod).update(cleaned).digest(digest)
}

/** Whether `value` is already a digest of that method and digest type; a blank value is not. */
export function isAlreadyHashed(value: string, encryptionMethod: EncryptionMethod, digest: DigestType): boolean {
  if (value.trim() === '') return false
  return looksHashed(value, encryptionMethod, digest)
}
