/**
 * The one adapter between the destination and the runner's target, without
 * touching the environment: the destination always builds TikTok's URLs
 * (`TIKTOK_API_BASE_URL` + path), and the runner hands its actions and its
 * authentication test a request client that rewrites those URLs to the
 * target's base URL (the sandbox, the dry-run stub, an --api-url) and, when
 * asked, sets the request timeout; request hooks added to its own
 * `extendRequest` count the requests and read each answer's status and
 * Retry-After. The definition itself is not changed: a copy is returned, so
 * two runs in one process cannot point each other's requests anywhere.
 */
import type { DestinationDefinition, ModifiedResponse, RequestClient, RequestOptions } from '@segment/actions-core'
import { TIKTOK_API_BASE_URL } from '../destinations/tiktok-offline-conversions/tiktok/constants'

export interface Redirect {
  /** Where TikTok's URLs go instead, e.g. `http://127.0.0.1:50123` (no trailing slash needed). */
  baseUrl: string
  /** Replaces the destination's request timeout (milliseconds). */
  timeoutMs?: number
}

export interface RequestHooks {
  /** Every HTTP request the destination starts. */
  onRequest?: () => void
  /** Every HTTP answer it gets: its status and Retry-After header. */
  onResponse?: (status: number, retryAfter: string | null) => void
}

/** Where the requests go (no base URL: to TikTok) and who hears of them. */
export type TargetAdapter = Partial<Redirect> & RequestHooks

/** A copy of the definition that sends where `target` says and tells its hooks of every request and answer. */
export function pointAtTarget<Settings>(
  definition: DestinationDefinition<Settings>,
  target: TargetAdapter
): DestinationDefinition<Settings> {
  const redirected =
    target.baseUrl === undefined ? definition : redirectDefinition(definition, { ...target, baseUrl: target.baseUrl })
  return withRequestHooks(redirected, target)
}

/** `url` with TikTok's base replaced by the target's; URLs of other hosts are left alone. */
export function redirectUrl(url: string, baseUrl: string): string {
  const base = baseUrl.replace(/\/+$/, '')
  if (base === TIKTOK_API_BASE_URL || !url.startsWith(TIKTOK_API_BASE_URL)) return url
  const rest = url.slice(TIKTOK_API_BASE_URL.length)
  // `https://business-api.tiktok.com.evil.example/…` is another host, not TikTok's.
  if (rest !== '' && !/^[/?#]/.test(rest)) return url
  return base + rest
}

/** A request client that sends where `redirect` says, with its timeout. */
export function redirectRequest(request: RequestClient, redirect: Redirect): RequestClient {
  const redirected = <Data = unknown>(url: string, options: RequestOptions = {}) =>
    request<Data>(redirectUrl(url, redirect.baseUrl), {
      ...options,
      ...(redirect.timeoutMs !== undefined ? { timeout: redirect.timeoutMs } : {})
    })
  return redirected
}

/** A copy of the definition whose actions and authentication test send where `redirect` says. */
function redirectDefinition<Settings>(
  definition: DestinationDefinition<Settings>,
  redirect: Redirect
): DestinationDefinition<Settings> {
  const actions: DestinationDefinition<Settings>['actions'] = {}
  for (const [key, action] of Object.entries(definition.actions)) actions[key] = redirectAction(action, redirect)
  const authentication = definition.authentication
  const testAuthentication = authentication?.testAuthentication
  return {
    ...definition,
    actions,
    ...(authentication && testAuthentication
      ? {
          authentication: {
            ...authentication,
            testAuthentication: (request, input) => testAuthentication(redirectRequest(request, redirect), input)
          }
        }
      : {})
  }
}

/** An action as a definition holds it (actions-core leaves its payload type open there). */
type DefinitionAction<Settings> = DestinationDefinition<Settings>['actions'][string]

function redirectAction<Settings>(action: DefinitionAction<Settings>, redirect: Redirect): DefinitionAction<Settings> {
  const { perform, performBatch } = action
  return {
    ...action,
    perform: (request, data) => perform(redirectRequest(request, redirect), data),
    ...(performBatch ? { performBatch: (request, data) => performBatch(redirectRequest(request, redirect), data) } : {})
  }
}

interface HookResponse {
  status: number
  headers: { get(name: string): string | null }
}

/**
 * The definition with request hooks added to its own `extendRequest`: they
 * count requests and read Retry-After, and change nothing else.
 */
function withRequestHooks<Settings>(
  definition: DestinationDefinition<Settings>,
  hooks: RequestHooks
): DestinationDefinition<Settings> {
  if (!hooks.onRequest && !hooks.onResponse) return definition
  const extendRequest = definition.extendRequest
  return {
    ...definition,
    extendRequest: (data) => {
      const options: RequestOptions & {
        beforeRequest: Array<() => void>
        afterResponse: Array<(request: unknown, options: unknown, response: HookResponse) => void>
      } = {
        ...(extendRequest?.(data) ?? {}),
        beforeRequest: [() => hooks.onRequest?.()],
        afterResponse: [
          (_request, _options, response) => hooks.onResponse?.(response.status, response.headers.get('retry-after'))
        ]
      }
      return options
    }
  }
}

/** TikTok's answer to an accepted request, as the probe of answerLocally gives it. */
const LOCAL_ACCEPTANCE = JSON.stringify({ code: 0, message: 'OK (answered locally: not sent)', request_id: 'local' })

/**
 * A copy of the definition whose actions send nothing: every request is
 * answered here as TikTok accepting it, without a connection. The runner runs
 * events through it to learn the TikTok event the destination builds of each
 * (its event_id and name) before sending them: --resume skips by what the
 * destination itself derives, for every action and mapping.
 */
export function answerLocally<Settings>(definition: DestinationDefinition<Settings>): DestinationDefinition<Settings> {
  const actions: DestinationDefinition<Settings>['actions'] = {}
  for (const [key, action] of Object.entries(definition.actions)) {
    const { perform, performBatch } = action
    actions[key] = {
      ...action,
      perform: (_request, data) => perform(localRequest, data),
      ...(performBatch ? { performBatch: (_request, data) => performBatch(localRequest, data) } : {})
    }
  }
  return { ...definition, actions }
}

/**
 * The request client of answerLocally: a real fetch Response with the fields
 * actions-core's client adds (`content`, `data`), typed as its client's answer.
 */
const localRequest: RequestClient = <Data = unknown>() => {
  const response = Object.assign(
    new Response(LOCAL_ACCEPTANCE, { status: 200, headers: { 'content-type': 'application/json' } }),
    { content: LOCAL_ACCEPTANCE, data: JSON.parse(LOCAL_ACCEPTANCE) as unknown }
  )
  return Promise.resolve(response as unknown as ModifiedResponse<Data>)
}
