/**
 * TikTok Events API 2.0 (offline events) request rules, written from TikTok's
 * documentation on their own. Nothing here may come from src/destinations: the
 * sandbox exists to catch the destination's mistakes, not to repeat them.
 *
 * Messages name the field path and the rule, never the value: a rejected value
 * may be a plain email address or phone number.
 */

/** TikTok's PARAM_ERROR: the request is malformed; the message names the field. */
export const PARAM_ERROR = 40002
export const MAX_EVENTS_PER_REQUEST = 1000
/** Clock skew TikTok tolerates for event times in the future. */
export const MAX_FUTURE_SKEW_SECONDS = 300
/** Offline events older than the 28-day click-through attribution window are neither matched nor reported. */
export const MAX_AGE_SECONDS = 28 * 86400
/** TikTok help, "supported events for offline event sets": offline sets accept only these standard events. */
export const OFFLINE_EVENTS: readonly string[] = [
  'CompletePayment',
  'PlaceAnOrder',
  'Contact',
  'Subscribe',
  'SubmitForm',
  'CompleteRegistration',
  'AddPaymentInfo',
  'InitiateCheckout',
  'AddToCart',
  'AddToWishlist',
  'ViewContent',
  'ClickButton',
  'Search',
  'Download'
]
/** Unix seconds stay below 10^10 until the year 2286; anything above is milliseconds. */
export const MAX_PLAUSIBLE_UNIX_SECONDS = 1e10

const SHA256_HEX = /^[0-9a-f]{64}$/
const ANY_CASE_SHA256_HEX = /^[0-9a-fA-F]{64}$/
const ISO_4217_CURRENCY = /^[A-Z]{3}$/
const CONTENT_TYPES: readonly string[] = ['product', 'product_group']
const HASHED_IDENTIFIERS = ['email', 'phone', 'external_id'] as const
/** TikTok matches offline events by email or phone only ("We only support email or phone based PII"). */
const OFFLINE_MATCH_KEYS: readonly string[] = ['email', 'phone']
const PLAIN_USER_FIELDS = ['ttclid', 'ttp', 'lead_id', 'ip', 'user_agent', 'locale'] as const
const STRING_PROPERTIES = ['order_id', 'shop_id', 'query', 'description'] as const
const STRING_CONTENT_FIELDS = ['content_id', 'content_name', 'content_category', 'brand'] as const
const NUMBER_CONTENT_FIELDS = ['price'] as const
const PAGE_FIELDS = ['url', 'referrer'] as const

// ---------------------------------------------------------------------------
// Wire shapes of an accepted request (what validateTrackRequest guarantees).

export interface TrackUser {
  email?: string[]
  phone?: string[]
  external_id?: string[]
  ttclid?: string
  ttp?: string
  lead_id?: string
  ip?: string
  user_agent?: string
  locale?: string
}

export interface TrackContent {
  price?: number
  quantity?: number
  content_id?: string
  content_name?: string
  content_category?: string
  brand?: string
}

export interface TrackProperties {
  value?: number
  currency?: string
  content_type?: 'product' | 'product_group'
  contents?: TrackContent[]
  order_id?: string
  shop_id?: string
  query?: string
  description?: string
  /** TikTok accepts custom properties next to the standard ones. */
  [custom: string]: unknown
}

export interface TrackPage {
  url?: string
  referrer?: string
}

export interface TrackEvent {
  event: string
  event_time: number
  event_id?: string
  user: TrackUser
  properties?: TrackProperties
  page?: TrackPage
  limited_data_use?: boolean
}

export interface TrackRequestBody {
  event_source: 'offline'
  event_source_id: string
  partner_name?: string
  test_event_code?: string
  data: TrackEvent[]
}

// ---------------------------------------------------------------------------
// Results

export interface Rejection {
  code: number
  message: string
}

export type RuleResult = { ok: true; request: TrackRequestBody } | ({ ok: false } & Rejection)

export interface RuleOptions {
  /** "Now" for the future-time rule; defaults to the system clock. */
  nowSeconds?: number
}

type JsonObject = Record<string, unknown>

/**
 * Checks a parsed `event/track` body against TikTok's rules. The first broken
 * rule rejects the whole request, as TikTok is assumed to do.
 */
export function validateTrackRequest(body: unknown, options: RuleOptions = {}): RuleResult {
  const nowSeconds = options.nowSeconds ?? Math.floor(Date.now() / 1000)
  const rejection = checkTrackRequest(body, nowSeconds)
  if (rejection) return { ok: false, ...rejection }
  // Every field the type promises was checked above.
  return { ok: true, request: body as TrackRequestBody }
}

function checkTrackRequest(body: unknown, nowSeconds: number): Rejection | undefined {
  if (!isJsonObject(body)) return paramError('body', `must be a JSON object, got ${describeType(body)}`)
  return (
    checkEventSource(body) ??
    checkEventSourceId(body) ??
    checkOptionalTopLevelString(body, 'partner_name') ??
    checkOptionalTopLevelString(body, 'test_event_code') ??
    checkData(body.data, nowSeconds)
  )
}

function checkEventSource(body: JsonObject): Rejection | undefined {
  if (body.event_source !== 'offline') return paramError('event_source', 'must be "offline"')
  return undefined
}

function checkEventSourceId(body: JsonObject): Rejection | undefined {
  const id = body.event_source_id
  if (typeof id !== 'string' || id === '') {
    return paramError('event_source_id', `must be a non-empty string, got ${describeType(id)}`)
  }
  return undefined
}

function checkOptionalTopLevelString(body: JsonObject, field: string): Rejection | undefined {
  if (!(field in body)) return undefined
  const value = body[field]
  if (isNullOrEmpty(value)) return mustBeOmitted(field)
  return checkString(value, field)
}

function checkData(data: unknown, nowSeconds: number): Rejection | undefined {
  if (!Array.isArray(data)) return paramError('data', `must be an array of events, got ${describeType(data)}`)
  if (data.length < 1 || data.length > MAX_EVENTS_PER_REQUEST) {
    return paramError('data', `must contain 1 to ${MAX_EVENTS_PER_REQUEST} events`)
  }
  for (let i = 0; i < data.length; i++) {
    const rejection = checkEvent(data[i], `data[${i}]`, nowSeconds)
    if (rejection) return rejection
  }
  return undefined
}

// ---------------------------------------------------------------------------
// One event

function checkEvent(event: unknown, path: string, nowSeconds: number): Rejection | undefined {
  if (!isJsonObject(event)) return paramError(path, `must be an object, got ${describeType(event)}`)
  const emptyPath = findNullOrEmpty(event, path)
  if (emptyPath !== undefined) return mustBeOmitted(emptyPath)
  return (
    checkEventName(event.event, `${path}.event`) ??
    checkEventTime(event.event_time, `${path}.event_time`, nowSeconds) ??
    checkOptional(event, 'event_id', path, checkString) ??
    checkUser(event.user, `${path}.user`) ??
    checkOptional(event, 'properties', path, checkProperties) ??
    checkOptional(event, 'page', path, checkPage) ??
    checkOptional(event, 'limited_data_use', path, checkBoolean)
  )
}

function checkEventName(name: unknown, path: string): Rejection | undefined {
  if (typeof name !== 'string') return paramError(path, `must be a non-empty string, got ${describeType(name)}`)
  if (!OFFLINE_EVENTS.includes(name))
    return paramError(path, 'must be a standard event supported by offline event sets')
  return undefined
}

function checkEventTime(time: unknown, path: string, nowSeconds: number): Rejection | undefined {
  if (typeof time !== 'number') {
    return paramError(path, `must be an integer number of Unix seconds, got ${describeType(time)}`)
  }
  if (!Number.isInteger(time)) return paramError(path, 'must be an integer number of Unix seconds, got a fraction')
  if (time <= 0) return paramError(path, 'must be a positive number of Unix seconds')
  if (time > MAX_PLAUSIBLE_UNIX_SECONDS) {
    return paramError(path, 'must be Unix seconds, got what looks like milliseconds')
  }
  if (time > nowSeconds + MAX_FUTURE_SKEW_SECONDS) {
    return paramError(path, 'must not be more than 5 minutes in the future')
  }
  if (time < nowSeconds - MAX_AGE_SECONDS) {
    return paramError(path, 'must be within the last 28 days (the attribution window of offline events)')
  }
  return undefined
}

function checkUser(user: unknown, path: string): Rejection | undefined {
  if (user === undefined) return paramError(path, 'is required: at least one of email, phone')
  if (!isJsonObject(user)) return paramError(path, `must be an object, got ${describeType(user)}`)
  for (const field of HASHED_IDENTIFIERS) {
    if (!(field in user)) continue
    const rejection = checkHashArray(user[field], `${path}.${field}`)
    if (rejection) return rejection
  }
  if (!OFFLINE_MATCH_KEYS.some((field) => field in user)) {
    return paramError(path, 'must contain email or phone: offline events are matched by email or phone only')
  }
  for (const field of PLAIN_USER_FIELDS) {
    const rejection = checkOptional(user, field, path, checkString)
    if (rejection) return rejection
  }
  return undefined
}

function checkHashArray(hashes: unknown, path: string): Rejection | undefined {
  if (!Array.isArray(hashes)) {
    return paramError(path, `must be an array of SHA-256 hashes, got ${describeType(hashes)}`)
  }
  for (let i = 0; i < hashes.length; i++) {
    const rejection = checkHash(hashes[i], `${path}[${i}]`)
    if (rejection) return rejection
  }
  return undefined
}

function checkHash(hash: unknown, path: string): Rejection | undefined {
  if (typeof hash === 'string' && SHA256_HEX.test(hash)) return undefined
  return paramError(path, `must be a SHA-256 hash (64 lowercase hex characters), got ${describeNonHash(hash)}`)
}

/** Says what kind of value it was without saying the value. */
function describeNonHash(value: unknown): string {
  if (typeof value !== 'string') return describeType(value)
  return ANY_CASE_SHA256_HEX.test(value) ? 'uppercase hex' : 'a plain value'
}

function checkProperties(properties: unknown, path: string): Rejection | undefined {
  if (!isJsonObject(properties)) return paramError(path, `must be an object, got ${describeType(properties)}`)
  const rejection =
    checkOptional(properties, 'value', path, checkFiniteNumber) ??
    checkOptional(properties, 'currency', path, checkCurrency) ??
    checkOptional(properties, 'content_type', path, checkContentType) ??
    checkOptional(properties, 'contents', path, checkContents)
  if (rejection) return rejection
  for (const field of STRING_PROPERTIES) {
    const fieldRejection = checkOptional(properties, field, path, checkString)
    if (fieldRejection) return fieldRejection
  }
  return undefined
}

function checkCurrency(currency: unknown, path: string): Rejection | undefined {
  if (typeof currency === 'string' && ISO_4217_CURRENCY.test(currency)) return undefined
  return paramError(path, 'must be an ISO 4217 currency code (3 uppercase letters)')
}

function checkContentType(contentType: unknown, path: string): Rejection | undefined {
  if (typeof contentType === 'string' && CONTENT_TYPES.includes(contentType)) return undefined
  return paramError(path, 'must be "product" or "product_group"')
}

function checkContents(contents: unknown, path: string): Rejection | undefined {
  if (!Array.isArray(contents)) return paramError(path, `must be an array of objects, got ${describeType(contents)}`)
  for (let i = 0; i < contents.length; i++) {
    const rejection = checkContent(contents[i], `${path}[${i}]`)
    if (rejection) return rejection
  }
  return undefined
}

function checkContent(content: unknown, path: string): Rejection | undefined {
  if (!isJsonObject(content)) return paramError(path, `must be an object, got ${describeType(content)}`)
  for (const field of NUMBER_CONTENT_FIELDS) {
    const rejection = checkOptional(content, field, path, checkFiniteNumber)
    if (rejection) return rejection
  }
  const quantityRejection = checkOptional(content, 'quantity', path, checkQuantity)
  if (quantityRejection) return quantityRejection
  for (const field of STRING_CONTENT_FIELDS) {
    const rejection = checkOptional(content, field, path, checkString)
    if (rejection) return rejection
  }
  return undefined
}

function checkQuantity(quantity: unknown, path: string): Rejection | undefined {
  if (typeof quantity === 'number' && Number.isFinite(quantity) && quantity >= 0) return undefined
  return paramError(path, `must be a number, 0 or more, got ${describeNumberish(quantity)}`)
}

function checkPage(page: unknown, path: string): Rejection | undefined {
  if (!isJsonObject(page)) return paramError(path, `must be an object, got ${describeType(page)}`)
  for (const field of PAGE_FIELDS) {
    const rejection = checkOptional(page, field, path, checkString)
    if (rejection) return rejection
  }
  return undefined
}

// ---------------------------------------------------------------------------
// Field-level helpers

type FieldCheck = (value: unknown, path: string) => Rejection | undefined

/** Runs `check` on `parent[field]` only when the field is present. */
function checkOptional(
  parent: JsonObject,
  field: string,
  parentPath: string,
  check: FieldCheck
): Rejection | undefined {
  if (!(field in parent)) return undefined
  return check(parent[field], `${parentPath}.${field}`)
}

function checkString(value: unknown, path: string): Rejection | undefined {
  if (typeof value === 'string') return undefined
  return paramError(path, `must be a string, got ${describeType(value)}`)
}

function checkFiniteNumber(value: unknown, path: string): Rejection | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return undefined
  return paramError(path, `must be a finite number, got ${describeNumberish(value)}`)
}

function checkBoolean(value: unknown, path: string): Rejection | undefined {
  if (typeof value === 'boolean') return undefined
  return paramError(path, `must be a boolean, got ${describeType(value)}`)
}

/**
 * The destination promises to leave absent values out, so a null, "", [] or {}
 * anywhere in an event is a bug on its side. Returns the first such path.
 */
function findNullOrEmpty(value: unknown, path: string): string | undefined {
  if (isNullOrEmpty(value)) return path
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findNullOrEmpty(value[i], `${path}[${i}]`)
      if (found !== undefined) return found
    }
  } else if (isJsonObject(value)) {
    for (const key in value) {
      const found = findNullOrEmpty(value[key], `${path}.${key}`)
      if (found !== undefined) return found
    }
  }
  return undefined
}

function isNullOrEmpty(value: unknown): boolean {
  if (value === null || value === '') return true
  if (Array.isArray(value)) return value.length === 0
  if (isJsonObject(value)) {
    for (const _key in value) return false
    return true
  }
  return false
}

function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function describeType(value: unknown): string {
  if (value === undefined) return 'nothing'
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'object') return 'an object'
  return `a ${typeof value}`
}

/** JSON turns 1e400 into Infinity: say so rather than "a number". */
function describeNumberish(value: unknown): string {
  if (typeof value !== 'number') return describeType(value)
  if (!Number.isFinite(value)) return 'a non-finite number'
  if (!Number.isInteger(value)) return 'a fraction'
  return 'a negative number'
}

function mustBeOmitted(path: string): Rejection {
  return paramError(path, 'must be omitted rather than null/empty')
}

function paramError(path: string, rule: string): Rejection {
  return { code: PARAM_ERROR, message: `${path}: ${rule}` }
}
