/**
 * A loopback stand-in for TikTok's Events API 2.0 (offline events): answers
 * `event/track` like TikTok (HTTP 200 with a `code`), checks requests with
 * ./rules, counts what it accepted per event_id, and injects reproducible faults.
 *
 * It must not import from src/destinations or src/cli: it exists to catch their mistakes.
 */
import { createServer, IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http'
import { AddressInfo } from 'node:net'
import { PARAM_ERROR, Rejection, TrackEvent, TrackRequestBody, validateTrackRequest } from './rules'

export const TRACK_PATH = '/open_api/v1.3/event/track/'
export const STATS_PATH = '/sandbox/stats'
export const EVENTS_PATH = '/sandbox/events'
export const EVENT_IDS_PATH = '/sandbox/event-ids'
export const RESET_PATH = '/sandbox/reset'

export const DEFAULT_ACCESS_TOKEN = 'sandbox-access-token'
export const DEFAULT_EVENT_SET_ID = 'sandbox-event-set'
export const DEFAULT_KEEP_EVENTS = 10_000
/**
 * TikTok documents no body limit for event/track; the sandbox refuses bodies over 10 MiB (HTTP 413,
 * code 40002), the limit API gateways commonly default to, so a client that never checks the size
 * of what it sends (1,000 events of Segment's 32 KB maximum are 32 MB) finds out here, not at TikTok.
 */
export const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024

/** TikTok Business API codes the sandbox answers with. */
export const TikTokCode = {
  OK: 0,
  PERMISSION_ERROR: 40001,
  PARAM_ERROR,
  REQUEST_TOO_FREQUENT: 40100,
  EMPTY_ACCESS_TOKEN: 40104,
  INVALID_ACCESS_TOKEN: 40105,
  SYS_ERROR: 50000,
  SYS_TIMEOUT: 50002
} as const

export interface SandboxOptions {
  host?: string
  /** 0 (the default) picks a free port. */
  port?: number
  accessToken?: string
  eventSetId?: string
  /** More track requests than this in the current 1-second window are answered 40100. */
  rateLimitPerSecond?: number
  /** Share (0..1) of track requests answered HTTP 200 with code 50000 or 50002. */
  serverErrorRate?: number
  /** Share (0..1) of track requests answered HTTP 503 with a JSON body. */
  http5xxRate?: number
  /** Share (0..1) of track requests answered HTTP 429 with `Retry-After: 1`. */
  http429Rate?: number
  /** Delay before every track answer. */
  latencyMs?: number
  /** Share (0..1) of track requests whose connection is destroyed without an answer. */
  dropConnectionRate?: number
  /** Share (0..1) of track requests answered HTTP 200 with a body that is not JSON. */
  malformedBodyRate?: number
  /** Seed of the fault PRNG, so a run's faults can be reproduced. */
  seed?: number
  /** How many accepted events to keep in full; beyond it only counts are kept. */
  keepEvents?: number
  /** Bodies larger than this are refused (HTTP 413, code 40002). */
  maxBodyBytes?: number
  /** Clock in epoch milliseconds (rate-limit windows, future event times); for tests. */
  now?: () => number
}

/** The JSON body of every sandbox answer on the track route, like TikTok's. */
export interface TikTokResponse {
  code: number
  message: string
  request_id: string
  data: Record<string, never>
}

export type FaultKind = 'drop' | 'http5xx' | 'http429' | 'malformed' | 'rateLimit' | 'serverError'

export interface SandboxStats {
  /** Track requests received, faulted ones included. */
  requests: number
  /** Track requests answered code 0. */
  accepted: number
  /** Track requests refused by the checks (auth, body, rules), by code. */
  rejected: Record<string, number>
  /** Track requests answered with an injected fault, by kind. */
  faults: Partial<Record<FaultKind, number>>
  /** Events in accepted requests (each re-send counted again). */
  acceptedEvents: number
  /** Accepted events that had no event_id. */
  acceptedEventsWithoutId: number
  uniqueEventIds: number
  /** event_ids accepted more than once. */
  duplicateEventIds: number
}

export interface KeptEvent {
  request_id: string
  test_event_code?: string
  event: TrackEvent
}

export interface Sandbox {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:50123`. */
  url: string
  port: number
  /** The fault PRNG's seed in effect (given, or drawn at random): rerun with it to reproduce faults. */
  seed: number
  stats(): SandboxStats
  events(): KeptEvent[]
  acceptedCount(eventId: string): number
  eventIdCounts(): ReadonlyMap<string, number>
  reset(): void
  close(): Promise<void>
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const config = resolveConfig(options)
  const ledger = new Ledger(config.keepEvents)
  const faults = new FaultPlan(config)
  const pendingDelays = new Set<NodeJS.Timeout>()
  const delay = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(() => {
        pendingDelays.delete(timer)
        resolve()
      }, ms)
      pendingDelays.add(timer)
    })
  const reset = (): void => {
    ledger.reset()
    faults.reset()
  }

  const server = createServer((req, res) => {
    routeRequest(req, res, { config, ledger, faults, delay, reset }).catch((error: unknown) => {
      // Mostly a client that went away mid-body (then `res` is destroyed and nothing is sent).
      if (!res.headersSent) sendJson(res, 500, { error: String(error) })
      else res.destroy()
    })
  })
  let closing: Promise<void> | undefined
  const port = await listen(server, config.host, config.port)
  const url = `http://${formatHost(config.host)}:${port}`

  return {
    url,
    port,
    seed: config.seed,
    stats: () => ledger.stats(),
    events: () => ledger.keptEvents(),
    acceptedCount: (eventId) => ledger.acceptedCount(eventId),
    eventIdCounts: () => new Map(ledger.eventIdCounts),
    reset,
    close: () => (closing ??= closeServer(server, pendingDelays))
  }
}

// ---------------------------------------------------------------------------
// Configuration

interface SandboxConfig {
  host: string
  port: number
  accessToken: string
  eventSetId: string
  rateLimitPerSecond?: number
  serverErrorRate: number
  http5xxRate: number
  http429Rate: number
  latencyMs: number
  dropConnectionRate: number
  malformedBodyRate: number
  seed: number
  keepEvents: number
  maxBodyBytes: number
  now: () => number
}

function resolveConfig(options: SandboxOptions): SandboxConfig {
  return {
    host: options.host ?? '127.0.0.1',
    port: nonNegativeInteger('port', options.port ?? 0),
    accessToken: options.accessToken ?? DEFAULT_ACCESS_TOKEN,
    eventSetId: options.eventSetId ?? DEFAULT_EVENT_SET_ID,
    rateLimitPerSecond:
      options.rateLimitPerSecond === undefined
        ? undefined
        : nonNegativeInteger('rateLimitPerSecond', options.rateLimitPerSecond),
    serverErrorRate: rate('serverErrorRate', options.serverErrorRate),
    http5xxRate: rate('http5xxRate', options.http5xxRate),
    http429Rate: rate('http429Rate', options.http429Rate),
    latencyMs: nonNegativeInteger('latencyMs', options.latencyMs ?? 0),
    dropConnectionRate: rate('dropConnectionRate', options.dropConnectionRate),
    malformedBodyRate: rate('malformedBodyRate', options.malformedBodyRate),
    seed: options.seed ?? Math.floor(Math.random() * 2 ** 32),
    keepEvents: nonNegativeInteger('keepEvents', options.keepEvents ?? DEFAULT_KEEP_EVENTS),
    maxBodyBytes: nonNegativeInteger('maxBodyBytes', options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES),
    now: options.now ?? Date.now
  }
}

function rate(name: string, value: number | undefined): number {
  const share = value ?? 0
  if (!(share >= 0 && share <= 1)) throw new RangeError(`${name} must be between 0 and 1`)
  return share
}

function nonNegativeInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0) throw new RangeError(`${name} must be a non-negative integer`)
  return value
}

// ---------------------------------------------------------------------------
// What was accepted

/** Counts of everything the sandbox answered, and the accepted events themselves. */
class Ledger {
  eventIdCounts = new Map<string, number>()
  private kept: KeptEvent[] = []
  private counters = emptyStats()

  constructor(private readonly keepEvents: number) {}

  countRequest(): void {
    this.counters.requests++
  }

  countRejection(code: number): void {
    const key = String(code)
    this.counters.rejected[key] = (this.counters.rejected[key] ?? 0) + 1
  }

  countFault(kind: FaultKind): void {
    this.counters.faults[kind] = (this.counters.faults[kind] ?? 0) + 1
  }

  accept(request: TrackRequestBody, requestId: string): void {
    this.counters.accepted++
    for (const event of request.data) {
      this.counters.acceptedEvents++
      this.countEventId(event.event_id)
      if (this.kept.length < this.keepEvents) {
        this.kept.push({ request_id: requestId, ...optionalTestEventCode(request), event })
      }
    }
  }

  acceptedCount(eventId: string): number {
    return this.eventIdCounts.get(eventId) ?? 0
  }

  keptEvents(): KeptEvent[] {
    return [...this.kept]
  }

  stats(): SandboxStats {
    return {
      ...this.counters,
      rejected: { ...this.counters.rejected },
      faults: { ...this.counters.faults },
      uniqueEventIds: this.eventIdCounts.size
    }
  }

  reset(): void {
    this.eventIdCounts = new Map()
    this.kept = []
    this.counters = emptyStats()
  }

  private countEventId(eventId: string | undefined): void {
    if (eventId === undefined) {
      this.counters.acceptedEventsWithoutId++
      return
    }
    const count = (this.eventIdCounts.get(eventId) ?? 0) + 1
    this.eventIdCounts.set(eventId, count)
    if (count === 2) this.counters.duplicateEventIds++
  }
}

function emptyStats(): SandboxStats {
  return {
    requests: 0,
    accepted: 0,
    rejected: {},
    faults: {},
    acceptedEvents: 0,
    acceptedEventsWithoutId: 0,
    uniqueEventIds: 0,
    duplicateEventIds: 0
  }
}

function optionalTestEventCode(request: TrackRequestBody): { test_event_code?: string } {
  return request.test_event_code === undefined ? {} : { test_event_code: request.test_event_code }
}

// ---------------------------------------------------------------------------
// Faults

type Fault = { kind: Exclude<FaultKind, 'serverError'> } | { kind: 'serverError'; code: number }

/** Decides, per track request and in a fixed order, which fault (if any) it gets. */
class FaultPlan {
  private random: () => number
  private windowSecond = -1
  private requestsInWindow = 0

  constructor(private readonly config: SandboxConfig) {
    this.random = mulberry32(config.seed)
  }

  decide(): Fault | undefined {
    const overRateLimit = this.countInWindow()
    if (this.roll(this.config.dropConnectionRate)) return { kind: 'drop' }
    if (this.roll(this.config.http5xxRate)) return { kind: 'http5xx' }
    if (this.roll(this.config.http429Rate)) return { kind: 'http429' }
    if (this.roll(this.config.malformedBodyRate)) return { kind: 'malformed' }
    if (overRateLimit) return { kind: 'rateLimit' }
    if (this.roll(this.config.serverErrorRate)) {
      return { kind: 'serverError', code: this.random() < 0.5 ? TikTokCode.SYS_ERROR : TikTokCode.SYS_TIMEOUT }
    }
    return undefined
  }

  reset(): void {
    this.random = mulberry32(this.config.seed)
    this.windowSecond = -1
    this.requestsInWindow = 0
  }

  /** Every arriving request counts toward the limit, faulted or not, as at TikTok. */
  private countInWindow(): boolean {
    const second = Math.floor(this.config.now() / 1000)
    if (second !== this.windowSecond) {
      this.windowSecond = second
      this.requestsInWindow = 0
    }
    this.requestsInWindow++
    const limit = this.config.rateLimitPerSecond
    return limit !== undefined && this.requestsInWindow > limit
  }

  /** Rates of 0 draw nothing, so enabling one fault does not reshuffle the others' sequence more than needed. */
  private roll(share: number): boolean {
    return share > 0 && this.random() < share
  }
}

/** Small seeded PRNG (mulberry32): reproducible faults for a given seed. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

// ---------------------------------------------------------------------------
// Routing

interface RequestContext {
  config: SandboxConfig
  ledger: Ledger
  faults: FaultPlan
  delay: (ms: number) => Promise<void>
  reset: () => void
}

async function routeRequest(req: IncomingMessage, res: ServerResponse, context: RequestContext): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://sandbox').pathname
  if (path === TRACK_PATH || path === TRACK_PATH.slice(0, -1)) {
    if (req.method !== 'POST') return sendJson(res, 405, { error: `${req.method ?? ''} not allowed; use POST` })
    return handleTrack(req, res, context)
  }
  if (req.method === 'GET' && path === STATS_PATH) return sendJson(res, 200, context.ledger.stats())
  if (req.method === 'GET' && path === EVENTS_PATH) return sendJson(res, 200, context.ledger.keptEvents())
  if (req.method === 'GET' && path === EVENT_IDS_PATH) {
    return sendJson(res, 200, Object.fromEntries(context.ledger.eventIdCounts))
  }
  if (req.method === 'POST' && path === RESET_PATH) {
    await readBody(req, 0)
    context.reset()
    return sendJson(res, 200, { reset: true })
  }
  sendJson(res, 404, { error: `no route ${req.method ?? ''} ${path}` })
}

// ---------------------------------------------------------------------------
// The track route

let requestCounter = 0
const serverTag = Math.floor(Math.random() * 0xffff)
  .toString(16)
  .toUpperCase()
  .padStart(4, '0')

/** TikTok-like request id: UTC timestamp, then a per-process tag and counter so it is unique. */
function nextRequestId(nowMs: number): string {
  requestCounter++
  const timestamp = new Date(nowMs).toISOString().replace(/\D/g, '').slice(0, 14)
  return `${timestamp}${serverTag}${requestCounter.toString(16).toUpperCase().padStart(8, '0')}`
}

async function handleTrack(req: IncomingMessage, res: ServerResponse, context: RequestContext): Promise<void> {
  const { config, ledger } = context
  ledger.countRequest()
  const requestId = nextRequestId(config.now())
  const fault = context.faults.decide()
  const body = await readBody(req, config.maxBodyBytes)
  if (config.latencyMs > 0) await context.delay(config.latencyMs)

  if (fault) {
    ledger.countFault(fault.kind)
    return answerFault(res, fault, requestId)
  }
  const outcome = checkTrackRequest(req.headers, body, config)
  if ('rejection' in outcome) {
    ledger.countRejection(outcome.rejection.code)
    return sendTikTok(res, outcome.httpStatus ?? 200, outcome.rejection.code, outcome.rejection.message, requestId)
  }
  ledger.accept(outcome.request, requestId)
  sendTikTok(res, 200, TikTokCode.OK, 'OK', requestId)
}

type TrackOutcome = { request: TrackRequestBody } | { rejection: Rejection; httpStatus?: number }

/** TikTok's order: token, then content type and body, then permission on the event set, then the rules. */
function checkTrackRequest(headers: IncomingHttpHeaders, body: RequestBody, config: SandboxConfig): TrackOutcome {
  const token = headerValue(headers, 'access-token')
  if (!token) return reject(TikTokCode.EMPTY_ACCESS_TOKEN, 'Access-Token header is missing')
  if (token !== config.accessToken) return reject(TikTokCode.INVALID_ACCESS_TOKEN, 'Invalid access token')
  if (!isJsonContentType(headerValue(headers, 'content-type'))) {
    return reject(PARAM_ERROR, 'Content-Type: must be application/json')
  }
  if (body.tooLarge) {
    return { ...reject(PARAM_ERROR, `body: must not exceed ${config.maxBodyBytes} bytes`), httpStatus: 413 }
  }
  const parsed = parseJson(body.bytes)
  if (!parsed.ok) return reject(PARAM_ERROR, 'body: must be valid JSON')
  const eventSetId = requestedEventSetId(parsed.value)
  if (eventSetId !== undefined && eventSetId !== config.eventSetId) {
    return reject(TikTokCode.PERMISSION_ERROR, `No permission to operate event set ${eventSetId}`)
  }
  const result = validateTrackRequest(parsed.value, { nowSeconds: Math.floor(config.now() / 1000) })
  if (!result.ok) return reject(result.code, result.message)
  return { request: result.request }
}

function reject(code: number, message: string): { rejection: Rejection } {
  return { rejection: { code, message } }
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name]
  return Array.isArray(value) ? value[0] : value
}

function isJsonContentType(contentType: string | undefined): boolean {
  return contentType?.split(';')[0].trim().toLowerCase() === 'application/json'
}

type ParsedJson = { ok: true; value: unknown } | { ok: false }

function parseJson(bytes: Buffer): ParsedJson {
  try {
    return { ok: true, value: JSON.parse(bytes.toString('utf8')) as unknown }
  } catch {
    // The caller answers 40002: a body that is not JSON is the client's error, not ours.
    return { ok: false }
  }
}

/** The event set the request names, if it names one (a missing one is a rule error, not a permission error). */
function requestedEventSetId(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined
  const id = (body as Record<string, unknown>).event_source_id
  return typeof id === 'string' && id !== '' ? id : undefined
}

function answerFault(res: ServerResponse, fault: Fault, requestId: string): void {
  switch (fault.kind) {
    case 'drop':
      res.socket?.destroy()
      return
    case 'http5xx':
      return sendTikTok(res, 503, TikTokCode.SYS_ERROR, 'Service Unavailable', requestId)
    case 'http429':
      return sendTikTok(res, 429, TikTokCode.REQUEST_TOO_FREQUENT, 'Too Many Requests', requestId, {
        'retry-after': '1'
      })
    case 'malformed':
      // Cut-off JSON that still contains `"code":0`: catches clients that sniff instead of parsing.
      return sendRaw(res, 200, 'application/json', '{"code":0,"message":"OK","request_id":"')
    case 'rateLimit':
      return sendTikTok(res, 200, TikTokCode.REQUEST_TOO_FREQUENT, 'Request too frequent', requestId)
    case 'serverError':
      return sendTikTok(
        res,
        200,
        fault.code,
        fault.code === TikTokCode.SYS_ERROR ? 'System error' : 'System timeout',
        requestId
      )
  }
}

// ---------------------------------------------------------------------------
// HTTP plumbing

interface RequestBody {
  bytes: Buffer
  tooLarge: boolean
}

/** Reads the whole body; past `maxBytes` it keeps draining but stops keeping bytes. */
async function readBody(req: IncomingMessage, maxBytes: number): Promise<RequestBody> {
  const chunks: Buffer[] = []
  let length = 0
  let tooLarge = false
  for await (const chunk of req) {
    const buffer = chunk as Buffer
    length += buffer.length
    if (length > maxBytes) tooLarge = true
    if (!tooLarge) chunks.push(buffer)
  }
  return { bytes: tooLarge ? Buffer.alloc(0) : Buffer.concat(chunks, length), tooLarge }
}

function sendTikTok(
  res: ServerResponse,
  httpStatus: number,
  code: number,
  message: string,
  requestId: string,
  headers: Record<string, string> = {}
): void {
  const body: TikTokResponse = { code, message, request_id: requestId, data: {} }
  sendRaw(res, httpStatus, 'application/json', JSON.stringify(body), headers)
}

function sendJson(res: ServerResponse, httpStatus: number, body: unknown): void {
  sendRaw(res, httpStatus, 'application/json', JSON.stringify(body))
}

function sendRaw(
  res: ServerResponse,
  httpStatus: number,
  contentType: string,
  text: string,
  headers: Record<string, string> = {}
): void {
  if (res.destroyed) return
  res.writeHead(httpStatus, { ...headers, 'content-type': contentType, 'content-length': Buffer.byteLength(text) })
  res.end(text)
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve((server.address() as AddressInfo).port)
    })
  })
}

function formatHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host
}

/** Closes the listener and every connection, keep-alive ones included, and drops pending latency timers. */
function closeServer(server: Server, pendingDelays: Set<NodeJS.Timeout>): Promise<void> {
  for (const timer of pendingDelays) clearTimeout(timer)
  pendingDelays.clear()
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()))
    server.closeAllConnections()
  })
}
