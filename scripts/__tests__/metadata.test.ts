import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmdirSync, rmSync } from 'node:fs'
import path from 'node:path'
import type {
  ActionDefinition,
  AudienceDestinationDefinition,
  DestinationDefinition,
  InputField
} from '@segment/actions-core'
import { readIfExists } from '../generated-files'
import {
  fieldMetadata,
  generatedMetadata,
  metadataPayload,
  renderMetadata,
  settingMetadata
} from '../generate-metadata'

// Commit 025c136's definition imports libphonenumber-js, which the project no longer installs (its phone
// library is google-libphonenumber now). Generating metadata never calls it: a stand-in lets that definition load.
jest.mock(
  'libphonenumber-js',
  () => ({ parsePhoneNumberFromString: () => undefined, isSupportedCountry: () => false }),
  {
    virtual: true
  }
)

const ROOT = path.join(__dirname, '..', '..')
const DESTINATION_FOLDER = 'src/destinations/tiktok-offline-conversions'

describe('metadata.json is up to date with the definition', () => {
  it('the committed metadata.json equals what `npm run metadata` writes (run `npm run metadata` if this fails)', async () => {
    const { file, content } = await generatedMetadata()
    expect(path.relative(ROOT, file)).toBe(`${DESTINATION_FOLDER}/metadata.json`)
    const stale = readIfExists(file) === content ? [] : [path.relative(ROOT, file)]
    expect({ stale, fix: stale.length > 0 ? 'run `npm run metadata` and commit the result' : 'none' }).toEqual({
      stale: [],
      fix: 'none'
    })
  })
})

/**
 * The proof that the generator writes what Segment's `generate:metadata-payload`
 * writes: on commit 025c136's definition, Segment's generator wrote the reference
 * file; ours must give the same bytes.
 */
describe('reproduces Segment’s generator byte for byte on commit 025c136', () => {
  const COMMIT = '025c136'
  const REFERENCE = path.join(ROOT, '..', 'shared', 'reference', 'metadata-generated-for-025c136.json')

  function unavailable(): string | undefined {
    if (!existsSync(REFERENCE)) return `the reference file ${REFERENCE} does not exist`
    try {
      execFileSync('git', ['cat-file', '-e', `${COMMIT}^{commit}`], { cwd: ROOT, stdio: 'ignore' })
    } catch {
      return `commit ${COMMIT} is not in this clone (a shallow clone?)`
    }
    return undefined
  }

  const missing = unavailable()
  if (missing) console.warn(`SKIPPED the ${COMMIT} byte-for-byte metadata test: ${missing}`)
  const itWhenAvailable = missing ? it.skip : it

  // Inside the project root (gitignored), so the old definition's imports resolve to our node_modules.
  let extracted: string | undefined
  afterAll(() => {
    if (!extracted) return
    rmSync(extracted, { recursive: true, force: true })
    if (readdirSync(path.dirname(extracted)).length === 0) rmdirSync(path.dirname(extracted))
  })

  itWhenAvailable(
    missing ? `SKIPPED: ${missing}` : `metadata.json for ${COMMIT}'s definition equals the reference file`,
    async () => {
      mkdirSync(path.join(ROOT, '.tmp'), { recursive: true })
      extracted = mkdtempSync(path.join(ROOT, '.tmp', `metadata-${COMMIT}-`))
      const archive = execFileSync('git', ['archive', '--format=tar', COMMIT, DESTINATION_FOLDER], {
        cwd: ROOT,
        maxBuffer: 64 * 1024 * 1024
      })
      execFileSync('tar', ['-x', '-C', extracted], { input: archive })

      const { content } = await generatedMetadata(path.join(extracted, DESTINATION_FOLDER, 'index.ts'))

      const reference = readFileSync(REFERENCE)
      expect(content).toBe(reference.toString('utf8'))
      expect(Buffer.from(content, 'utf8').equals(reference)).toBe(true)
    }
  )
})

/** Keys in the order Segment's generator writes them (metadata-payload.ts, `serializeActionField`). */
const FIELD_KEYS = [
  'label',
  'description',
  'type',
  'required',
  'multiple',
  'allowNull',
  'dynamic',
  'default',
  'choices',
  'placeholder',
  'properties',
  'category',
  'depends_on',
  'readOnly',
  'hidden',
  'minimum',
  'maximum',
  'defaultObjectUI',
  'disabledInputMethods',
  'displayMode',
  'format',
  'additionalProperties'
]

describe('Segment’s rules, on definitions this project may grow into', () => {
  const dependsOn = { match: 'all' as const, conditions: [{ fieldKey: 'mode', operator: 'is' as const, value: 'b' }] }

  it('settings: choices as {label, value}, depends_on and conditional `required` kept, defaults null/false', () => {
    expect(
      settingMetadata({
        label: 'Region',
        description: 'Where',
        type: 'string',
        choices: [
          { label: 'United States', value: 'US' },
          { label: 'Europe', value: 'EU' }
        ],
        default: 'US'
      })
    ).toEqual({
      label: 'Region',
      description: 'Where',
      type: 'string',
      required: false,
      multiple: false,
      choices: [
        { label: 'United States', value: 'US' },
        { label: 'Europe', value: 'EU' }
      ],
      default: 'US',
      depends_on: null
    })
    const conditional = settingMetadata({
      label: 'B',
      description: 'b',
      type: 'string',
      required: dependsOn,
      depends_on: dependsOn
    })
    expect(conditional.required).toEqual(dependsOn)
    expect(conditional.depends_on).toEqual(dependsOn)
    expect(settingMetadata({ label: 'N', description: 'n', type: 'number', default: 0 }).default).toBe(0)
  })

  it('action fields: every key in Segment’s order, `unsafe_hidden` as `hidden`, bare choices labelled by their value', () => {
    const field: InputField = {
      label: 'Kind',
      description: 'The kind',
      type: 'string',
      required: true,
      choices: ['a', 'b'],
      unsafe_hidden: true,
      readOnly: true,
      category: 'identifier',
      minimum: 1,
      maximum: 5,
      depends_on: dependsOn,
      disabledInputMethods: ['literal', 'freeform']
    }
    const metadata = fieldMetadata(field)
    expect(Object.keys(metadata)).toEqual(FIELD_KEYS)
    expect(metadata).toMatchObject({
      required: true,
      choices: [
        { label: 'a', value: 'a' },
        { label: 'b', value: 'b' }
      ],
      hidden: true,
      readOnly: true,
      category: 'identifier',
      minimum: 1,
      maximum: 5,
      depends_on: dependsOn,
      disabledInputMethods: ['literal', 'freeform'],
      default: null,
      placeholder: null,
      format: null,
      additionalProperties: false
    })
    const plain = fieldMetadata({ label: 'P', description: 'p', type: 'string', choices: [] })
    expect([plain.hidden, plain.readOnly, plain.choices, plain.category]).toEqual([null, null, null, null])
  })

  it('object fields: `properties` in the same shape (only for objects), `multiple` and `defaultObjectUI` kept', () => {
    const metadata = fieldMetadata({
      label: 'Items',
      description: 'Items',
      type: 'object',
      multiple: true,
      defaultObjectUI: 'keyvalue',
      additionalProperties: true,
      properties: { sku: { label: 'SKU', type: 'string', required: true } }
    })
    expect(metadata.multiple).toBe(true)
    expect(metadata.defaultObjectUI).toBe('keyvalue')
    expect(metadata.additionalProperties).toBe(true)
    expect(Object.keys(metadata.properties ?? {})).toEqual(['sku'])
    // A property without a description has no description key at all (JSON.stringify drops undefined).
    expect(JSON.parse(JSON.stringify(metadata.properties?.sku))).toEqual({
      ...Object.fromEntries(FIELD_KEYS.map((key) => [key, null])),
      label: 'SKU',
      description: undefined,
      type: 'string',
      required: true,
      multiple: false,
      allowNull: false,
      dynamic: false,
      additionalProperties: false
    })
    expect(fieldMetadata({ label: 'S', description: 's', type: 'string', properties: {} }).properties).toBeNull()
  })

  it('a destination: description omitted when undefined, hasPerformBatch, dynamicFields, syncMode, both preset types', async () => {
    // Typed as a real action is (with its Payload), so dynamicFields type-check as in a destination.
    const send: ActionDefinition<{ apiKey: string }, { traits?: Record<string, unknown>; list?: string }> = {
      title: 'Send',
      description: 'Sends',
      fields: {
        traits: { label: 'Traits', description: 't', type: 'object', dynamic: true },
        list: { label: 'List', description: 'l', type: 'string', dynamic: true }
      },
      dynamicFields: {
        traits: { __keys__: async () => ({ choices: [] }) },
        list: async () => ({ choices: [] })
      },
      syncMode: {
        default: 'upsert',
        label: 'How to sync',
        description: 'Sync',
        choices: [{ label: 'Upsert', value: 'upsert' }]
      },
      perform: () => undefined,
      performBatch: () => undefined
    }
    const definition: DestinationDefinition<{ apiKey: string }> = {
      name: 'Example',
      slug: 'actions-example',
      mode: 'cloud',
      authentication: {
        scheme: 'custom',
        fields: { apiKey: { label: 'API Key', description: 'Key', type: 'password', required: true } }
      },
      presets: [
        { name: 'Auto', subscribe: 'type = "track"', partnerAction: 'send', mapping: { a: 1 }, type: 'automatic' },
        {
          name: 'Journey',
          partnerAction: 'send',
          mapping: {},
          type: 'specificEvent',
          eventSlug: 'journeys_step_entered_track'
        }
      ],
      actions: { send }
    }
    const payload = metadataPayload(definition)
    expect(Object.keys(payload)).toEqual([
      'slug',
      'name',
      'mode',
      'description',
      'authentication',
      'audienceConfig',
      'actions',
      'presets'
    ])
    const text = await renderMetadata(payload)
    const written: Record<string, unknown> = JSON.parse(text)
    expect('description' in written).toBe(false)
    expect(payload.actions.send).toMatchObject({
      platform: 'cloud',
      defaultSubscription: null,
      hidden: false,
      hasPerformBatch: true,
      hooks: null,
      dynamicFields: { traits: ['__keys__'] },
      syncMode: {
        default: 'upsert',
        label: 'How to sync',
        description: 'Sync',
        choices: [{ value: 'upsert', label: 'Upsert' }]
      }
    })
    expect(Object.keys(payload.actions.send.syncMode?.choices[0] ?? {})).toEqual(['value', 'label'])
    expect(JSON.parse(JSON.stringify(payload.presets))).toEqual([
      {
        name: 'Auto',
        type: 'automatic',
        partnerAction: 'send',
        subscribe: 'type = "track"',
        mapping: { a: 1 },
        eventSlug: null
      },
      {
        name: 'Journey',
        type: 'specificEvent',
        partnerAction: 'send',
        mapping: {},
        eventSlug: 'journeys_step_entered_track'
      }
    ])
    // prettier's JSON style: arrays of scalars on one line when they fit.
    expect(text).toContain('"traits": ["__keys__"]')
    expect(text.endsWith('}\n')).toBe(true)
  })

  it('an audience destination: audienceConfig with its fields and whether it can create/get audiences', () => {
    const definition: AudienceDestinationDefinition<{ apiKey: string }, { listName: string }> = {
      name: 'Audiences',
      slug: 'actions-audiences',
      mode: 'cloud',
      audienceFields: { listName: { label: 'List', description: 'List name', type: 'string' } },
      audienceConfig: {
        mode: { type: 'synced', full_audience_sync: true },
        createAudience: async () => ({ externalId: '1' }),
        getAudience: async () => ({ externalId: '1' })
      },
      actions: {}
    }
    expect(metadataPayload(definition)).toMatchObject({
      authentication: null,
      audienceConfig: {
        mode: { type: 'synced', full_audience_sync: true },
        audienceFields: { listName: { label: 'List', required: false, choices: null, default: null } },
        supportsAudienceFunctions: true
      },
      actions: {},
      presets: []
    })
  })

  it('the slug falls back to the destination folder’s name, as Segment’s does', () => {
    expect(metadataPayload({ name: 'No slug', actions: {} }, 'no-slug').slug).toBe('no-slug')
    expect(() => metadataPayload({ name: 'No slug', actions: {} })).toThrow('requires a slug')
  })
})
