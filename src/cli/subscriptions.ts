/**
 * The subscriptions events are routed by: the destination's automatic presets,
 * as Segment creates them, or one custom action with the user's mapping and
 * FQL, checked before anything is read.
 */
import type { DestinationDefinition, JSONObject } from '@segment/actions-core'
import { generateFql, parseFql } from '@segment/destination-subscriptions'
import type { Settings } from '../destinations/tiktok-offline-conversions/generated-types'
import { UsageError } from './errors'

export interface RouteSubscription {
  /** The preset name, or "custom" for --action/--mapping. */
  name: string
  partnerAction: string
  subscribe: string
  mapping: JSONObject
}

/** The subscriptions Segment creates from the destination's automatic presets, batching on. */
export function presetSubscriptions(definition: DestinationDefinition<Settings>): RouteSubscription[] {
  const subscriptions: RouteSubscription[] = []
  for (const preset of definition.presets ?? []) {
    if (preset.type !== 'automatic') continue
    subscriptions.push({
      name: preset.name ?? preset.partnerAction,
      partnerAction: preset.partnerAction,
      subscribe: preset.subscribe,
      mapping: { ...(preset.mapping ?? {}), enable_batching: true }
    })
  }
  return subscriptions
}

/**
 * One subscription of `action` with the user's mapping, used as Segment uses a
 * saved mapping: as it is (the fields' defaults are not merged in), batching on.
 * `subscribe` defaults to the action's default subscription.
 */
export function customSubscription(
  definition: DestinationDefinition<Settings>,
  action: string,
  mapping: unknown,
  subscribe?: string
): RouteSubscription {
  const actionDefinition = Object.prototype.hasOwnProperty.call(definition.actions, action)
    ? definition.actions[action]
    : undefined
  if (!actionDefinition) {
    throw new UsageError(`unknown action "${action}"; actions: ${Object.keys(definition.actions).join(', ')}`)
  }
  if (typeof mapping !== 'object' || mapping === null || Array.isArray(mapping)) {
    throw new UsageError('the mapping must be a JSON object of field keys to values or mapping directives')
  }
  const unknownKeys = Object.keys(mapping).filter((key) => !(key in actionDefinition.fields))
  if (unknownKeys.length > 0) {
    throw new UsageError(
      `the mapping has keys that ${action} does not define: ${unknownKeys.join(', ')}; its fields: ${Object.keys(actionDefinition.fields).join(', ')}`
    )
  }
  const fql = subscribe ?? actionDefinition.defaultSubscription ?? 'type = "track"'
  const problem = fqlProblem(fql)
  if (problem) throw new UsageError(`invalid subscription (--subscribe): ${problem}`)
  return {
    name: 'custom',
    partnerAction: action,
    subscribe: fql,
    mapping: { ...(mapping as JSONObject), enable_batching: true }
  }
}

const FQL_EXAMPLE = 'type = "track" and event = "Order Completed"'

/**
 * Why `fql` is not a subscription Segment would run as written, or undefined.
 * Segment's parser is lenient: it reads `event = 'Order Completed'` as an
 * event named with the quotes, `type == "track"` as a type named "=", and
 * ignores a trailing `and`, so such a subscription silently matches nothing.
 * The text must therefore read back the same when Segment writes out what it
 * parsed (spaces aside).
 */
export function fqlProblem(fql: string): string | undefined {
  const parsed = parseFql(fql)
  if ('error' in parsed) {
    const reason = parsed.error instanceof Error ? parsed.error.message : String(parsed.error)
    return `\`${fql}\` is not FQL Segment can parse (the parser says: ${reason}); FQL reads like \`${FQL_EXAMPLE}\``
  }
  const canonical = generateFql(parsed)
  if (withoutSpaces(canonical) !== withoutSpaces(fql)) {
    return `Segment's parser reads \`${fql}\` as \`${canonical}\`, which is not what it says: FQL strings take double quotes, operators are = != < > <= >=, as in \`${FQL_EXAMPLE}\``
  }
  return undefined
}

/** The text without spaces outside double-quoted strings. */
function withoutSpaces(text: string): string {
  let result = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const char = text[i]
    if (char === '"' && text[i - 1] !== '\\') quoted = !quoted
    if (quoted || !/\s/.test(char)) result += char
  }
  return result
}
