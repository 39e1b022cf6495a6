/**
 * Writes the destination's metadata.json the way Segment's own generator does
 * (actions-cli `generate:metadata-payload`, packages/cli/src/commands/generate/
 * metadata-payload.ts): the same keys in the same order, the same null/false
 * defaults, then `JSON.stringify(payload, null, 2)` plus a newline, formatted by
 * prettier with the monorepo's options. Segment's CI regenerates the file and
 * fails when the committed one differs, so every byte counts.
 *
 *   npm run metadata          write the file
 *   npm run metadata:check    fail when the file is stale
 *   … -- --definition <path/to/index.ts> [--out <file>]
 *                             another definition (an older commit's, say); the
 *                             file goes beside it unless --out says otherwise
 */
import path from 'node:path'
import type { InputField, Preset, SyncModeDefinition } from '@segment/actions-core'
import { hookTypeStrings, type ActionHookType } from '@segment/actions-core/destination-kit'
import { format } from 'prettier/standalone'
import * as babelPlugin from 'prettier/plugins/babel'
import * as estreePlugin from 'prettier/plugins/estree'
import { writeOrCheck, type GeneratedFile } from './generated-files'

export const DEFAULT_DEFINITION = path.join(
  __dirname,
  '..',
  'src',
  'destinations',
  'tiktok-offline-conversions',
  'index.ts'
)

// ---------------------------------------------------------------------------
// What the generator reads: any destination definition (cloud, audience,
// browser with `settings`, warehouse), typed only as far as it is read.
// ---------------------------------------------------------------------------

type Conditions = NonNullable<InputField['depends_on']>
/** `dynamic` is a boolean on action fields and a function on settings and hook inputs. */
type DynamicFlag = boolean | ((...args: never[]) => unknown)

export interface SourceField {
  label?: string
  description?: string
  type: string
  required?: boolean | Conditions
  multiple?: boolean
  allowNull?: boolean
  dynamic?: DynamicFlag
  default?: unknown
  choices?: ReadonlyArray<unknown>
  placeholder?: string
  properties?: Record<string, SourceField>
  category?: string
  depends_on?: Conditions
  readOnly?: boolean
  unsafe_hidden?: boolean
  minimum?: number
  maximum?: number
  defaultObjectUI?: string
  disabledInputMethods?: ReadonlyArray<string>
  displayMode?: string
  format?: string
  additionalProperties?: boolean
}

interface SourceHook {
  label?: string
  description?: string
  inputFields?: Record<string, SourceField>
  outputTypes?: Record<string, SourceField>
  outputFields?: Record<string, SourceField>
}

export interface SourceAction {
  title?: string
  description?: string
  platform?: string
  defaultSubscription?: string
  hidden?: boolean
  fields?: Record<string, SourceField>
  performBatch?: unknown
  syncMode?: Partial<SyncModeDefinition>
  hooks?: { [K in ActionHookType]?: SourceHook }
  dynamicFields?: Record<string, unknown>
}

export interface SourceDefinition {
  name: string
  slug?: string
  mode?: string
  description?: string
  authentication?: { scheme?: string; fields?: Record<string, SourceField> }
  /** Browser and warehouse destinations keep their settings here. */
  settings?: Record<string, SourceField>
  audienceConfig?: {
    mode: { type: string; full_audience_sync?: boolean }
    createAudience?: unknown
    getAudience?: unknown
  }
  audienceFields?: Record<string, SourceField>
  actions: Record<string, SourceAction>
  presets?: ReadonlyArray<Preset>
}

// ---------------------------------------------------------------------------
// What it writes. Key order in these object literals is the file's key order.
// ---------------------------------------------------------------------------

type Choices = Array<{ label: string; value: unknown }> | null

export interface SettingMetadata {
  label: string | undefined
  description: string | undefined
  type: string
  required: boolean | Conditions
  multiple: boolean
  choices: Choices
  default: unknown
  depends_on: Conditions | null
}

export interface FieldMetadata {
  label: string | undefined
  description: string | undefined
  type: string
  required: boolean | Conditions
  multiple: boolean
  allowNull: boolean
  dynamic: boolean
  default: unknown
  choices: Choices
  placeholder: string | null
  properties: Record<string, FieldMetadata> | null
  category: string | null
  depends_on: Conditions | null
  readOnly: boolean | null
  hidden: boolean | null
  minimum: number | null
  maximum: number | null
  defaultObjectUI: string | null
  disabledInputMethods: ReadonlyArray<string> | null
  displayMode: string | null
  format: string | null
  additionalProperties: boolean
}

interface HookMetadata {
  label: string
  description: string
  inputFields: Record<string, FieldMetadata>
  outputFields: Record<string, FieldMetadata>
}

export interface ActionMetadata {
  title: string
  description: string
  platform: 'cloud' | 'web'
  defaultSubscription: string | null
  hidden: boolean
  hasPerformBatch: boolean
  syncMode: {
    default: unknown
    label: string
    description: string
    choices: Array<{ value: unknown; label: unknown }>
  } | null
  hooks: Record<string, HookMetadata> | null
  dynamicFields: Record<string, string[]> | null
  fields: Record<string, FieldMetadata>
}

export interface PresetMetadata {
  name: string | undefined
  type: string | undefined
  partnerAction: string
  subscribe: string | undefined
  mapping: Record<string, unknown>
  eventSlug: string | null
}

export interface DestinationMetadata {
  slug: string
  name: string
  mode: string
  /** Left undefined when the definition has none, so JSON.stringify omits the key. */
  description: string | undefined
  authentication: { scheme: string; fields: Record<string, SettingMetadata> } | null
  audienceConfig: {
    mode: { type: 'synced'; full_audience_sync: boolean } | { type: 'realtime' }
    audienceFields: Record<string, SettingMetadata>
    supportsAudienceFunctions: boolean
  } | null
  actions: Record<string, ActionMetadata>
  presets: PresetMetadata[]
}

// ---------------------------------------------------------------------------
// Segment's rules
// ---------------------------------------------------------------------------

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null
}

/**
 * A `{ label, value }` choice is passed through as the very object the definition
 * holds (its key order and any extra keys included); a bare value becomes
 * `{ label: String(value), value }`. No choices, or an empty list, is null.
 */
function normalizeChoices(choices: ReadonlyArray<unknown> | undefined): Choices {
  if (!Array.isArray(choices) || choices.length === 0) return null
  return choices.map((choice: unknown) =>
    isRecord(choice) && 'label' in choice && 'value' in choice
      ? (choice as { label: string; value: unknown })
      : { label: String(choice), value: choice }
  )
}

/** A conditions object is kept as written; anything else is "required only when `true`". */
function required(value: SourceField['required']): boolean | Conditions {
  return typeof value === 'object' && value !== null ? value : value === true
}

function mapValues<T, U>(record: Record<string, T>, fn: (value: T) => U): Record<string, U> {
  const result: Record<string, U> = {}
  for (const [key, value] of Object.entries(record)) result[key] = fn(value)
  return result
}

export function settingMetadata(field: SourceField): SettingMetadata {
  return {
    label: field.label,
    description: field.description,
    type: field.type,
    required: required(field.required),
    multiple: field.multiple ?? false,
    choices: normalizeChoices(field.choices),
    default: field.default ?? null,
    depends_on: field.depends_on ?? null
  }
}

export function fieldMetadata(field: SourceField): FieldMetadata {
  const properties =
    field.type === 'object' && isRecord(field.properties) ? mapValues(field.properties, fieldMetadata) : null
  return {
    label: field.label,
    description: field.description,
    type: field.type,
    required: required(field.required),
    multiple: field.multiple ?? false,
    allowNull: field.allowNull ?? false,
    dynamic: typeof field.dynamic === 'function' ? true : (field.dynamic ?? false),
    default: field.default ?? null,
    choices: normalizeChoices(field.choices),
    placeholder: field.placeholder ?? null,
    properties,
    category: field.category ?? null,
    depends_on: field.depends_on ?? null,
    readOnly: field.readOnly ?? null,
    hidden: field.unsafe_hidden ?? null,
    minimum: field.minimum ?? null,
    maximum: field.maximum ?? null,
    defaultObjectUI: field.defaultObjectUI ?? null,
    disabledInputMethods: field.disabledInputMethods ?? null,
    displayMode: field.displayMode ?? null,
    format: field.format ?? null,
    additionalProperties: field.additionalProperties ?? false
  }
}

function syncModeMetadata(syncMode: SourceAction['syncMode']): ActionMetadata['syncMode'] {
  if (!syncMode) return null
  return {
    default: syncMode.default,
    label: syncMode.label ?? 'Sync Mode',
    description: syncMode.description ?? '',
    // Segment writes value before label here (the opposite of field choices).
    choices: (syncMode.choices ?? []).map((choice) => ({ value: choice.value, label: choice.label }))
  }
}

/** Hooks of a known type only; none is null. */
function hooksMetadata(hooks: SourceAction['hooks']): ActionMetadata['hooks'] {
  const result: Record<string, HookMetadata> = {}
  for (const [key, hook] of Object.entries(hooks ?? {})) {
    if (!hook || !(hookTypeStrings as ReadonlyArray<string>).includes(key)) continue
    result[key] = {
      label: hook.label ?? key,
      description: hook.description ?? '',
      inputFields: mapValues(hook.inputFields ?? {}, fieldMetadata),
      outputFields: mapValues(hook.outputTypes ?? hook.outputFields ?? {}, fieldMetadata)
    }
  }
  return Object.keys(result).length > 0 ? result : null
}

/**
 * For object fields whose keys or values come from the partner (`__keys__`,
 * `__values__`), which of the two; a plain dynamic field (a function) is not
 * listed, it shows as `dynamic: true` on the field. None is null.
 */
function dynamicFieldsMetadata(dynamicFields: SourceAction['dynamicFields']): ActionMetadata['dynamicFields'] {
  if (!isRecord(dynamicFields)) return null
  const result: Record<string, string[]> = {}
  for (const [key, dynamic] of Object.entries(dynamicFields)) {
    if (typeof dynamic === 'function' || !isRecord(dynamic)) continue
    const keys = Object.keys(dynamic).filter((name) => name === '__keys__' || name === '__values__')
    if (keys.length > 0) result[key] = keys
  }
  return Object.keys(result).length > 0 ? result : null
}

export function actionMetadata(key: string, action: SourceAction): ActionMetadata {
  return {
    title: action.title ?? key,
    description: action.description ?? '',
    platform: action.platform === 'web' ? 'web' : 'cloud',
    defaultSubscription: action.defaultSubscription ?? null,
    hidden: action.hidden ?? false,
    hasPerformBatch: typeof action.performBatch === 'function',
    syncMode: syncModeMetadata(action.syncMode),
    hooks: hooksMetadata(action.hooks),
    dynamicFields: dynamicFieldsMetadata(action.dynamicFields),
    fields: mapValues(action.fields ?? {}, fieldMetadata)
  }
}

function presetMetadata(preset: Preset): PresetMetadata {
  return {
    name: preset.name,
    type: preset.type,
    partnerAction: preset.partnerAction,
    // A 'specificEvent' preset has no subscription: the key is then omitted.
    subscribe: 'subscribe' in preset ? preset.subscribe : undefined,
    mapping: preset.mapping ?? {},
    eventSlug: ('eventSlug' in preset ? preset.eventSlug : undefined) ?? null
  }
}

/**
 * The metadata payload of a definition. `slug` is the definition's own, else
 * (as Segment falls back to the destination's directory name) `fallbackSlug`.
 */
export function metadataPayload(definition: SourceDefinition, fallbackSlug?: string): DestinationMetadata {
  const slug = definition.slug ?? fallbackSlug
  if (!slug) throw new Error(`metadata.json generation requires a slug but received: "${slug}"`)

  // Cloud destinations declare settings under authentication; browser and warehouse ones under settings.
  const settings = definition.authentication?.fields ?? definition.settings
  const authentication =
    definition.authentication || (settings && Object.keys(settings).length > 0)
      ? { scheme: definition.authentication?.scheme ?? 'custom', fields: mapValues(settings ?? {}, settingMetadata) }
      : null

  let audienceConfig: DestinationMetadata['audienceConfig'] = null
  if (definition.audienceConfig) {
    const { mode, createAudience, getAudience } = definition.audienceConfig
    audienceConfig = {
      mode:
        mode.type === 'synced'
          ? { type: 'synced', full_audience_sync: mode.full_audience_sync ?? false }
          : { type: 'realtime' },
      audienceFields: mapValues(definition.audienceFields ?? {}, settingMetadata),
      supportsAudienceFunctions: typeof createAudience === 'function' && typeof getAudience === 'function'
    }
  }

  return {
    slug,
    name: definition.name,
    mode: definition.mode ?? 'cloud',
    description: definition.description,
    authentication,
    audienceConfig,
    actions: Object.fromEntries(
      Object.entries(definition.actions).map(([key, action]) => [key, actionMetadata(key, action)])
    ),
    presets: (definition.presets ?? []).map(presetMetadata)
  }
}

/** Segment's prettier options (the monorepo's package.json `prettier` key). */
const PRETTIER_OPTIONS = { semi: false, singleQuote: true, trailingComma: 'none', printWidth: 120 } as const

/**
 * The file's text: what Segment writes, then what `prettier --write` makes of
 * it (parser `json`, inferred from the `.json` name). The standalone build is
 * used because prettier's main entry loads its parsers with a dynamic import()
 * that jest's module sandbox refuses. prettier 2.4.1 (the monorepo's) and 3 give
 * the same JSON. Prettier only changes JSON.stringify's text where an array of
 * scalars fits on one line (e.g. `disabledInputMethods`); if the monorepo's
 * `.prettierignore` (one stored version lists metadata.json) keeps its prettier
 * step from running, such arrays stay one item per line there. The definition
 * has none yet.
 */
export async function renderMetadata(payload: DestinationMetadata): Promise<string> {
  return format(JSON.stringify(payload, null, 2) + '\n', {
    ...PRETTIER_OPTIONS,
    parser: 'json',
    plugins: [babelPlugin, estreePlugin]
  })
}

function isSourceDefinition(value: unknown): value is SourceDefinition {
  return isRecord(value) && typeof value.name === 'string' && isRecord(value.actions)
}

/** The default export of a definition module (a .ts file loads through ts-node or jest). */
export function loadDefinition(file: string): SourceDefinition {
  const loaded: unknown = require(path.resolve(file))
  const definition = isRecord(loaded) && 'default' in loaded ? loaded.default : loaded
  if (!isSourceDefinition(definition)) throw new Error(`${file} does not export a destination definition`)
  return definition
}

/** metadata.json for the definition module `definitionFile`, beside it unless `out` is given. */
export async function generatedMetadata(
  definitionFile: string = DEFAULT_DEFINITION,
  out?: string
): Promise<GeneratedFile> {
  const directory = path.dirname(path.resolve(definitionFile))
  const payload = metadataPayload(loadDefinition(definitionFile), path.basename(directory))
  return {
    file: out ? path.resolve(out) : path.join(directory, 'metadata.json'),
    content: await renderMetadata(payload)
  }
}

function option(args: string[], name: string): string | undefined {
  const index = args.indexOf(name)
  if (index === -1) return undefined
  const value = args[index + 1]
  if (value === undefined || value.startsWith('--')) throw new Error(`${name} needs a value`)
  return value
}

async function main(): Promise<void> {
  const args = process.argv.slice(2)
  const file = await generatedMetadata(option(args, '--definition'), option(args, '--out'))
  // The fix to suggest when stale: the same run, without --check.
  const rerun = args.filter((arg) => arg !== '--check')
  const command = rerun.length > 0 ? `npm run metadata -- ${rerun.join(' ')}` : 'npm run metadata'
  writeOrCheck([file], { check: args.includes('--check'), command })
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error)
    process.exit(1)
  })
}
