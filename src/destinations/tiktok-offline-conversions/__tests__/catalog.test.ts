import { readFileSync } from 'fs'
import { join } from 'path'
import destination from '../index'

/**
 * What customers see of the destination in Segment's catalog and mapping UI
 * (names, descriptions, labels, types, defaults, choices, presets) is what the
 * committed metadata.json says, field by field. metadata.json is the reviewed
 * record of it: Segment's CI regenerates it from the definition and fails when
 * it differs, so a change to anything shown must come with the file. The
 * expectations are read from the JSON file, not from the code.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }
type JsonObject = { [key: string]: Json }

const metadata = JSON.parse(readFileSync(join(__dirname, '..', 'metadata.json'), 'utf8')) as JsonObject

/** A declared field or setting, as far as what the UI shows of it. */
interface ShownField {
  label?: string
  description?: string
  type: string
  required?: unknown
  multiple?: boolean
  default?: unknown
  choices?: unknown
  category?: string
  readOnly?: boolean
  unsafe_hidden?: boolean
  minimum?: number
  maximum?: number
  defaultObjectUI?: string
  properties?: Record<string, ShownField>
}

const SHOWN_FIELD_KEYS = [
  'label',
  'description',
  'type',
  'required',
  'multiple',
  'default',
  'choices',
  'category',
  'readOnly',
  'hidden',
  'minimum',
  'maximum',
  'defaultObjectUI',
  'properties'
] as const

/** Round-trips through JSON, as the file was written, so `undefined` keys disappear. */
const asJson = (value: unknown): Json => JSON.parse(JSON.stringify(value ?? null)) as Json

function shownField(field: ShownField): JsonObject {
  return asJson({
    label: field.label,
    description: field.description,
    type: field.type,
    required: field.required === true,
    multiple: field.multiple ?? false,
    default: field.default ?? null,
    choices: field.choices ?? null,
    category: field.category ?? null,
    readOnly: field.readOnly ?? null,
    hidden: field.unsafe_hidden ?? null,
    minimum: field.minimum ?? null,
    maximum: field.maximum ?? null,
    defaultObjectUI: field.defaultObjectUI ?? null,
    properties: field.properties
      ? Object.fromEntries(Object.entries(field.properties).map(([key, property]) => [key, shownField(property)]))
      : null
  }) as JsonObject
}

/** The same keys of a metadata.json field (its properties the same way). */
function recordedField(field: JsonObject): JsonObject {
  const properties = field.properties as Record<string, JsonObject> | null
  return Object.fromEntries(
    SHOWN_FIELD_KEYS.map((key) => [
      key,
      key === 'properties' && properties
        ? Object.fromEntries(Object.entries(properties).map(([name, property]) => [name, recordedField(property)]))
        : key === 'required' || key === 'multiple'
        ? field[key] ?? false
        : field[key] ?? null
    ])
  )
}

const recordedActions = metadata.actions as Record<string, JsonObject>

describe("the destination as Segment's catalog shows it is the committed metadata.json", () => {
  test('name, slug, mode, description and authentication scheme', () => {
    expect({
      slug: destination.slug,
      name: destination.name,
      mode: destination.mode,
      description: destination.description,
      scheme: destination.authentication?.scheme
    }).toEqual({
      slug: metadata.slug,
      name: metadata.name,
      mode: metadata.mode,
      description: metadata.description,
      scheme: (metadata.authentication as JsonObject).scheme
    })
  })

  test('settings: labels, descriptions, types, requirements and choices', () => {
    const settings = (destination.authentication?.fields ?? {}) as Record<string, ShownField>
    const recorded = (metadata.authentication as JsonObject).fields as Record<string, JsonObject>
    expect(Object.keys(settings)).toEqual(Object.keys(recorded))
    for (const [key, setting] of Object.entries(settings)) {
      const shown = shownField(setting)
      expect({ key, ...shown }).toEqual({
        key,
        ...Object.fromEntries(Object.keys(shown).map((name) => [name, recordedField(recorded[key])[name]]))
      })
    }
  })

  test('actions: titles, descriptions, default subscriptions, batching', () => {
    expect(Object.keys(destination.actions)).toEqual(Object.keys(recordedActions))
    for (const [key, action] of Object.entries(destination.actions)) {
      const recorded = recordedActions[key]
      expect({
        key,
        title: action.title,
        description: action.description,
        defaultSubscription: action.defaultSubscription ?? null,
        hasPerformBatch: typeof action.performBatch === 'function'
      }).toEqual({
        key,
        title: recorded.title,
        description: recorded.description,
        defaultSubscription: recorded.defaultSubscription,
        hasPerformBatch: recorded.hasPerformBatch
      })
    }
  })

  describe.each(Object.keys(recordedActions))('%s', (actionKey) => {
    const fields = (): Record<string, ShownField> =>
      (destination.actions[actionKey]?.fields ?? {}) as Record<string, ShownField>
    const recorded = recordedActions[actionKey].fields as Record<string, JsonObject>

    test('has the recorded fields, in order', () => {
      expect(Object.keys(fields())).toEqual(Object.keys(recorded))
    })

    test.each(Object.keys(recorded))('field %s is shown as recorded', (key) => {
      expect(shownField(fields()[key] ?? { type: 'missing' })).toEqual(recordedField(recorded[key]))
    })
  })

  test('presets: names, subscriptions, actions and mappings', () => {
    const presets = (destination.presets ?? []).map((preset) =>
      asJson({
        name: preset.name,
        type: preset.type,
        partnerAction: preset.partnerAction,
        subscribe: 'subscribe' in preset ? preset.subscribe : undefined,
        mapping: preset.mapping
      })
    )
    const recorded = (metadata.presets as JsonObject[]).map(({ name, type, partnerAction, subscribe, mapping }) => ({
      name,
      type,
      partnerAction,
      subscribe,
      mapping
    }))
    expect(presets).toEqual(recorded)
  })
})
