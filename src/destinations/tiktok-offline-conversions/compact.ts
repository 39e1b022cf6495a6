/** A value worth sending: not undefined, null, an empty or blank string, an empty array or an empty object. */
function isPresent(value: unknown): boolean {
  if (value === undefined || value === null) return false
  if (typeof value === 'string') return value.trim() !== ''
  // Stryker disable next-line ConditionalExpression: the same answer as the object rule below, without listing keys
  if (Array.isArray(value)) return value.length > 0
  if (typeof value === 'object') return Object.keys(value).length > 0
  return true
}

/**
 * The object without its absent values, or undefined when nothing is left:
 * TikTok's body never carries null, "" or {}.
 */
export function compact<T extends object>(object: T): T | undefined {
  const kept: Partial<T> = {}
  let any = false
  for (const key in object) {
    if (isPresent(object[key])) {
      kept[key] = object[key]
      any = true
    }
  }
  return any ? (kept as T) : undefined
}
