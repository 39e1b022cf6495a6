/**
 * What TikTok's body leaves out: it never carries null, "" or {}. The event's
 * objects are built key by key, each key only when its value `isPresent`
 * (conversion.ts).
 */

/** A value worth sending: not undefined, null, an empty or blank string, an empty array or an empty object. */
export function isPresent(value: unknown): boolean {
  if (value === undefined || value === null) return false
  if (typeof value === 'string') return value.trim() !== ''
  // An array is an object whose keys are its indexes.
  if (typeof value === 'object') return hasKeys(value)
  return true
}

/** An object with at least one key of its own. */
export function hasKeys(object: object): boolean {
  for (const key in object) if (Object.prototype.hasOwnProperty.call(object, key)) return true
  return false
}
