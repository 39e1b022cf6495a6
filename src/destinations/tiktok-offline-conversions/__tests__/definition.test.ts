/**
 * The contract with Segment's platform: the checks Segment's own `validate`
 * command, its mapping UI and its type generator rely on, and the ones a careful
 * reviewer of the definition would make. Each check reads the definition itself,
 * so a field, preset or subscription added later is checked too.
 */
import {
  PayloadValidationError,
  createTestEvent,
  defaultValues,
  fieldsToJsonSchema,
  transform,
  validateSchema
} from '@segment/actions-core'
import type { InputField, JSONObject, Preset, SegmentEvent } from '@segment/actions-core'
import { generateFql, parseFql, validate as matchesSubscription } from '@segment/destination-subscriptions'
import destination from '../index'
import { PRESET_EVENTS } from '../presets'
import { toTikTokEvent } from '../conversion'
import type { ConversionPayload } from '../conversion'
import { MAX_EVENTS_PER_REQUEST } from '../tiktok/constants'
import { OFFLINE_STANDARD_EVENTS } from '../offline-rules'

// ---------------------------------------------------------------------------
// What the checks walk
// ---------------------------------------------------------------------------

/** A field as declared: top-level fields, object properties (description optional in the type) and settings. */
type DeclaredField = Pick<
  InputField,
  'label' | 'type' | 'multiple' | 'required' | 'default' | 'choices' | 'category' | 'properties' | 'minimum' | 'maximum'
> & { description?: string }

const ACTION_KEYS = ['trackPaymentOfflineConversion', 'trackNonPaymentOfflineConversion', 'reportOfflineEvent']
const actions = Object.entries(destination.actions)
const settings: Record<string, DeclaredField> = destination.authentication?.fields ?? {}
const automaticPresets = (destination.presets ?? []).filter(
  (preset): preset is Extract<Preset, { type: 'automatic' }> => preset.type === 'automatic'
)

/** Every field of every action, with object properties as `contents.price`, and every setting. */
function everyField(): Array<[string, DeclaredField]> {
  const all: Array<[string, DeclaredField]> = Object.entries(settings).map(([key, field]) => [`settings.${key}`, field])
  for (const [actionKey, action] of actions) {
    for (const [key, field] of Object.entries(action.fields)) {
      all.push([`${actionKey}.${key}`, field])
      for (const [propertyKey, property] of Object.entries(field.properties ?? {})) {
        all.push([`${actionKey}.${key}.${propertyKey}`, property])
      }
    }
  }
  return all
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function isDirective(value: unknown): value is Record<string, unknown> {
  return isRecord(value) && Object.keys(value).some((key) => key.startsWith('@'))
}

/** Every mapping Segment could run: each action's defaults, and each preset's mapping. */
function everyMapping(): Array<[string, Record<string, unknown>]> {
  return [
    ...actions.map(([key, action]): [string, Record<string, unknown>] => [
      `${key} defaults`,
      defaultValues(action.fields)
    ]),
    ...(destination.presets ?? []).map((preset): [string, Record<string, unknown>] => [
      `preset ${preset.name ?? preset.partnerAction}`,
      preset.mapping ?? {}
    ])
  ]
}

// ---------------------------------------------------------------------------
// Realistic Segment spec events, one per preset
// ---------------------------------------------------------------------------

// Relative to now: a fixed date would age out of TikTok's 28-day window.
const NOW_SECONDS = Math.floor(Date.now() / 1000)
const EVENT_TIME = NOW_SECONDS - 3600
const TIMESTAMP = new Date(EVENT_TIME * 1000).toISOString()
const CONTEXT = { phoneCountry: {}, nowSeconds: NOW_SECONDS }

/** `printf '%s' <value> | sha256sum`, computed outside the code. */
const HASHED = {
  /** jane.doe@example.com */
  email: '86e0b9e56c17cc4d12387e1949b85053fbe73bc3ce5a1188713a9d300cc6133d',
  /** +14155550132 */
  phone: '9e1919ad78a34fd67a84bfbcf2fea14074065517bea32e92924771c3f92e5462',
  /** crm-0042 */
  externalId: 'b05272debe6661653cbc1bf7c001761609eddf6efc3d9bbaa6b4b08684610cb1'
}

const CUSTOMER_TRAITS: JSONObject = {
  email: ' Jane.Doe@Example.com ',
  phone: '+1 (415) 555-0132'
}

/** A track call as a POS, CRM or call-centre source sends it: the customer in context.traits. */
function specEvent(
  event: string,
  properties: JSONObject,
  { userId = 'CRM-0042', traits = CUSTOMER_TRAITS }: { userId?: string | null; traits?: JSONObject } = {}
): SegmentEvent {
  const base = createTestEvent()
  return createTestEvent({
    type: 'track',
    event,
    messageId: `msg-${event.toLowerCase().replace(/\s+/g, '-')}`,
    timestamp: TIMESTAMP,
    userId,
    properties,
    context: { ...base.context, traits }
  })
}

function without(object: JSONObject, keys: string[]): JSONObject {
  return Object.fromEntries(Object.entries(object).filter(([key]) => !keys.includes(key)))
}

const ORDER_PRODUCTS: JSONObject[] = [
  {
    product_id: '507f1f77bcf86cd799439011',
    sku: '45790-32',
    category: 'Games',
    name: 'Monopoly: 3rd Edition',
    brand: 'Hasbro',
    variant: '200 pieces',
    price: 19,
    quantity: 1
  },
  {
    product_id: '505bd76785ebb509fc183733',
    sku: '46493-32',
    category: 'Games',
    name: 'Uno Card Game',
    brand: 'Mattel',
    price: 3,
    quantity: 2
  }
]

const ORDER_CONTENTS = [
  {
    price: 19,
    quantity: 1,
    content_id: '507f1f77bcf86cd799439011',
    content_category: 'Games',
    content_name: 'Monopoly: 3rd Edition',
    brand: 'Hasbro'
  },
  {
    price: 3,
    quantity: 2,
    content_id: '505bd76785ebb509fc183733',
    content_category: 'Games',
    content_name: 'Uno Card Game',
    brand: 'Mattel'
  }
]

/** Properties per Segment's spec (E-commerce v2, B2B SaaS) for each preset's event. */
const SPEC_PROPERTIES: Record<string, JSONObject> = {
  'Order Completed': {
    checkout_id: 'fksdjfsdjfisjf9sdfjsd9f',
    order_id: '50314b8e9bcf000000000000',
    affiliation: 'Store SF-01',
    shop_id: 'store-sf-01',
    total: 27.5,
    subtotal: 22.5,
    revenue: 25,
    shipping: 3,
    tax: 2,
    discount: 2.5,
    coupon: 'hasbros',
    currency: 'usd',
    products: ORDER_PRODUCTS
  },
  'Order Placed': {
    order_id: '50314b8e9bcf000000000003',
    shop_id: 'call-centre-02',
    value: 27.5,
    currency: 'GBP',
    products: ORDER_PRODUCTS
  },
  'Callback Started': {
    lead_id: '7089412556581445633',
    description: 'Asked for a call back about store hours'
  },
  'Subscription Created': {
    plan: 'Gold yearly',
    value: 99.99,
    currency: 'EUR'
  },
  'Form Submitted': {
    form_id: 'in-store-sign-up',
    form_name: 'In-store sign-up',
    description: 'Loyalty card form'
  },
  'Signed Up': {
    type: 'in-store',
    first_name: 'Jane',
    last_name: 'Doe',
    email: 'jane.doe@example.com',
    phone: '+14155550132',
    username: 'janedoe'
  },
  'Checkout Started': {
    order_id: '50314b8e9bcf000000000001',
    affiliation: 'Store SF-01',
    value: 30,
    revenue: 25,
    shipping: 3,
    tax: 2,
    discount: 2.5,
    coupon: 'hasbros',
    currency: 'USD',
    products: ORDER_PRODUCTS
  },
  'Payment Info Entered': {
    checkout_id: '39f39fj39f3jf93fj9fj39fj3f',
    order_id: '50314b8e9bcf000000000002',
    step: 2,
    shipping_method: 'Fedex',
    payment_method: 'Visa'
  },
  'Product Added': {
    cart_id: 'skdjsidjsdkdj29j',
    product_id: '507f1f77bcf86cd799439011',
    sku: 'G-32',
    category: 'Games',
    name: 'Monopoly: 3rd Edition',
    brand: 'Hasbro',
    variant: '200 pieces',
    price: 18.99,
    quantity: 1,
    coupon: 'MAYDEALS',
    position: 3,
    url: 'https://www.example.com/product/path',
    image_url: 'https://www.example.com/product/path.jpg'
  },
  'Product Added to Wishlist': {
    wishlist_id: 'skdjsidjsdkdj29j',
    wishlist_name: 'Loved Games',
    product_id: '507f1f77bcf86cd799439011',
    sku: 'G-32',
    category: 'Games',
    name: 'Monopoly: 3rd Edition',
    brand: 'Hasbro',
    variant: '200 pieces',
    price: 18.99,
    quantity: 1
  },
  'Product Viewed': {
    product_id: '507f1f77bcf86cd799439011',
    sku: 'G-32',
    category: 'Games',
    name: 'Monopoly: 3rd Edition',
    brand: 'Hasbro',
    variant: '200 pieces',
    price: 18.99,
    quantity: 1,
    currency: 'usd',
    value: 18.99,
    url: 'https://www.example.com/product/path'
  },
  'Products Searched': { query: 'blue roses' }
}

/** Segment's spec puts the one product of these events at the top of `properties`. */
const SINGLE_PRODUCT_EVENTS = ['Product Added', 'Product Added to Wishlist', 'Product Viewed']

/** The product of a single-product spec event, as TikTok content. */
const SINGLE_PRODUCT_CONTENTS = [
  {
    price: 18.99,
    quantity: 1,
    content_id: '507f1f77bcf86cd799439011',
    content_category: 'Games',
    content_name: 'Monopoly: 3rd Edition',
    brand: 'Hasbro'
  }
]

/** The TikTok `properties` each preset must send for its spec event. */
const EXPECTED_PROPERTIES: Record<string, Record<string, unknown> | undefined> = {
  'Order Completed': {
    contents: ORDER_CONTENTS,
    content_type: 'product',
    currency: 'USD',
    value: 25,
    order_id: '50314b8e9bcf000000000000',
    shop_id: 'store-sf-01'
  },
  'Order Placed': {
    contents: ORDER_CONTENTS,
    content_type: 'product',
    currency: 'GBP',
    value: 27.5,
    order_id: '50314b8e9bcf000000000003',
    shop_id: 'call-centre-02'
  },
  'Callback Started': {
    description: 'Asked for a call back about store hours'
  },
  'Subscription Created': { currency: 'EUR', value: 99.99 },
  'Form Submitted': { description: 'Loyalty card form' },
  'Signed Up': undefined,
  'Checkout Started': {
    contents: ORDER_CONTENTS,
    content_type: 'product',
    currency: 'USD',
    value: 30,
    order_id: '50314b8e9bcf000000000001'
  },
  'Payment Info Entered': { order_id: '50314b8e9bcf000000000002' },
  'Product Added': {
    contents: SINGLE_PRODUCT_CONTENTS,
    content_type: 'product'
  },
  'Product Added to Wishlist': {
    contents: SINGLE_PRODUCT_CONTENTS,
    content_type: 'product'
  },
  'Product Viewed': {
    contents: SINGLE_PRODUCT_CONTENTS,
    content_type: 'product',
    currency: 'USD',
    value: 18.99
  },
  'Products Searched': { query: 'blue roses' }
}

function presetFor(name: string): Extract<Preset, { type: 'automatic' }> {
  const preset = automaticPresets.find((candidate) => candidate.name === name)
  if (!preset) throw new Error(`No automatic preset named ${name}`)
  return preset
}

/** What Segment does with an event and a preset: map it, then validate the payload against the action's schema. */
function mapAndValidate(presetName: string, event: SegmentEvent): ConversionPayload {
  const preset = presetFor(presetName)
  const action = destination.actions[preset.partnerAction]
  const payload = transform(preset.mapping ?? {}, { ...event })
  // Throws AggregateAjvError naming the field when the payload does not fit; coerces single values to lists.
  expect(validateSchema(payload, fieldsToJsonSchema(action.fields))).toBe(true)
  // The schema just checked is the one the Payload type is generated from.
  return payload as unknown as ConversionPayload
}

// ---------------------------------------------------------------------------
// Segment's `validate` command
// ---------------------------------------------------------------------------

describe("Segment's validate command accepts the definition", () => {
  it('has the two conversion actions and the existing destination’s action', () => {
    expect(Object.keys(destination.actions)).toEqual(ACTION_KEYS)
  })

  it.each(actions)('action %s has a title and a description', (_key, action) => {
    expect(action.title.trim()).not.toBe('')
    expect(action.description.trim()).not.toBe('')
  })

  it.each(everyField())('%s has a label and a description that is a sentence', (_key, field) => {
    expect(field.label.trim()).not.toBe('')
    expect(field.description?.trim()).toMatch(/\S.*\.$/)
  })

  it.each(actions.filter(([, action]) => action.defaultSubscription !== undefined))(
    'action %s has a valid defaultSubscription',
    (_key, action) => {
      const fql = action.defaultSubscription ?? ''
      const parsed = parseFql(fql)
      expect('error' in parsed).toBe(false)
      // parseFql is lenient ("… or" parses as an or-group): a valid subscription reads back as itself.
      expect(generateFql(parsed)).toBe(fql)
    }
  )

  it('every preset is automatic, names an existing action and has a valid subscription', () => {
    expect((destination.presets ?? []).map((preset) => preset.type)).toEqual(PRESET_EVENTS.map(() => 'automatic'))
    for (const preset of automaticPresets) {
      expect(ACTION_KEYS).toContain(preset.partnerAction)
      const parsed = parseFql(preset.subscribe)
      expect('error' in parsed).toBe(false)
      expect(generateFql(parsed)).toBe(preset.subscribe)
    }
  })

  it('every preset maps only keys its action defines', () => {
    for (const preset of destination.presets ?? []) {
      const defined = Object.keys(destination.actions[preset.partnerAction].fields)
      const unknown = Object.keys(preset.mapping ?? {}).filter((key) => !defined.includes(key))
      expect({ preset: preset.name, unknown }).toEqual({
        preset: preset.name,
        unknown: []
      })
    }
  })

  it.each(actions)('action %s: batch_keys, if any, names at most 3 existing keys other than itself', (_key, action) => {
    const batchKeys = action.fields.batch_keys?.default ?? []
    expect(Array.isArray(batchKeys)).toBe(true)
    const keys = Array.isArray(batchKeys) ? batchKeys : []
    expect(keys.length).toBeLessThanOrEqual(3)
    for (const key of keys) {
      expect(key).not.toBe('batch_keys')
      expect(Object.keys(action.fields)).toContain(key)
    }
  })

  it('no setting has a default of the wrong type', () => {
    const jsType = {
      string: 'string',
      password: 'string',
      number: 'number',
      boolean: 'boolean'
    } as const
    const wrong = Object.entries(destination.authentication?.fields ?? {})
      .filter(([, setting]) => setting.default !== undefined && typeof setting.default !== jsType[setting.type])
      .map(([key]) => key)
    expect(wrong).toEqual([])
  })
})

// ---------------------------------------------------------------------------
// Settings and fields, as a reviewer reads them
// ---------------------------------------------------------------------------

describe('settings', () => {
  it('are the two credentials and the default phone country, the credentials required', () => {
    expect(
      Object.entries(settings).map(([key, setting]) => ({
        key,
        type: setting.type,
        required: setting.required ?? false
      }))
    ).toEqual([
      { key: 'accessToken', type: 'password', required: true },
      { key: 'eventSetID', type: 'string', required: true },
      { key: 'defaultPhoneCountry', type: 'string', required: false }
    ])
  })

  it('use the authentication scheme the settings form is built from', () => {
    expect(destination.authentication?.scheme).toBe('custom')
    expect(typeof destination.authentication?.testAuthentication).toBe('function')
  })
})

describe('fields', () => {
  const FIELD_TYPES = ['string', 'text', 'number', 'integer', 'datetime', 'boolean', 'password', 'object']

  it.each(everyField())('%s has a type Segment knows', (_key, field) => {
    expect(FIELD_TYPES).toContain(field.type)
  })

  it.each(actions)('action %s: labels are unique, so the mapping UI can tell the fields apart', (_key, action) => {
    const labels = Object.values(action.fields).map((field) => field.label)
    expect(labels.filter((label, index) => labels.indexOf(label) !== index)).toEqual([])
  })

  it.each(actions)('action %s: exactly the identifiers TikTok receives hashed are marked hashedPII', (_key, action) => {
    const hashed = Object.entries(action.fields).filter(([, field]) => field.category === 'hashedPII')
    expect(
      hashed.map(([key, field]) => ({
        key,
        type: field.type,
        multiple: field.multiple
      }))
    ).toEqual([
      { key: 'phone_numbers', type: 'string', multiple: true },
      { key: 'email_addresses', type: 'string', multiple: true },
      { key: 'external_ids', type: 'string', multiple: true }
    ])
    for (const [, field] of hashed) expect(field.description).toContain('SHA-256')
  })

  it.each(actions)('action %s: fields sent unhashed say so and are not marked hashed', (_key, action) => {
    for (const key of ['ip', 'user_agent']) {
      expect(action.fields[key].category).toBeUndefined()
      expect(action.fields[key].description).toContain('unhashed')
    }
  })

  it.each(everyField().filter(([, field]) => field.choices !== undefined))(
    '%s has well-formed choices that hold its default',
    (_key, field) => {
      const choices = field.choices ?? []
      expect(choices.length).toBeGreaterThan(0)
      const values = choices.map((choice) => (typeof choice === 'string' ? choice : choice.value))
      const labels = choices.map((choice) => (typeof choice === 'string' ? choice : choice.label))
      for (const choice of choices) {
        if (typeof choice === 'string') continue
        expect(Object.keys(choice).sort()).toEqual(['label', 'value'])
        expect(choice.label.trim()).not.toBe('')
      }
      expect(new Set(values).size).toBe(values.length)
      expect(new Set(labels).size).toBe(labels.length)
      const valueType = field.type === 'number' || field.type === 'integer' ? 'number' : 'string'
      for (const value of values) expect(typeof value).toBe(valueType)
      if (field.default !== undefined && !isDirective(field.default)) expect(values).toContain(field.default)
    }
  )

  it('content_type offers exactly the two values TikTok accepts', () => {
    for (const [, action] of actions) {
      expect(action.fields.content_type.choices).toEqual([
        { label: 'Product', value: 'product' },
        { label: 'Product Group', value: 'product_group' }
      ])
    }
  })

  it.each(everyField().filter(([, field]) => field.default !== undefined && !isDirective(field.default)))(
    '%s has a literal default that fits its own schema',
    (key, field) => {
      const name = key.split('.').pop() ?? key
      const schemaField = { ...field, description: field.description ?? '' }
      expect(validateSchema({ [name]: field.default }, fieldsToJsonSchema({ [name]: schemaField }))).toBe(true)
    }
  )

  it('required fields have a default, but the event of the existing destination’s action (it has no subscription of its own); every preset sets the event', () => {
    for (const [actionKey, action] of actions) {
      const requiredWithoutDefault = Object.entries(action.fields)
        .filter(([, field]) => field.required === true && field.default === undefined)
        .map(([key]) => key)
      const expected = actionKey === 'reportOfflineEvent' ? ['event'] : []
      expect({ actionKey, requiredWithoutDefault }).toEqual({
        actionKey,
        requiredWithoutDefault: expected
      })
    }
    expect(destination.actions.reportOfflineEvent.defaultSubscription).toBeUndefined()
    for (const preset of destination.presets ?? []) {
      expect({
        preset: preset.name,
        event: typeof preset.mapping?.event
      }).toEqual({
        preset: preset.name,
        event: 'string'
      })
    }
  })

  it('only event is required, as in the existing destination; the actions differ only in the defaults of event and event_id', () => {
    const payment = destination.actions.trackPaymentOfflineConversion.fields
    const other = destination.actions.trackNonPaymentOfflineConversion.fields
    const report = destination.actions.reportOfflineEvent.fields
    expect(Object.keys(payment)).toEqual(Object.keys(other))
    expect(Object.keys(report)).toEqual(Object.keys(other))
    const required = (fields: Record<string, InputField>) =>
      Object.keys(fields).filter((key) => fields[key].required === true)
    expect(required(payment)).toEqual(['event'])
    expect(required(other)).toEqual(['event'])
    expect(required(report)).toEqual(['event'])
    expect([payment.event.default, other.event.default, report.event.default]).toEqual([
      'CompletePayment',
      'Contact',
      undefined
    ])
    const { default: _default, ...eventWithoutDefault } = other.event
    expect(report.event).toEqual(eventWithoutDefault)
    for (const key of Object.keys(report)) {
      if (key !== 'event') expect({ key, field: report[key] }).toEqual({ key, field: other[key] })
    }
    expect(payment.event_id.default).toEqual({
      '@if': {
        exists: { '@path': '$.properties.order_id' },
        then: { '@path': '$.properties.order_id' },
        else: { '@path': '$.messageId' }
      }
    })
    expect(other.event_id.default).toEqual({ '@path': '$.messageId' })
    for (const key of Object.keys(payment)) {
      if (key === 'event' || key === 'event_id') continue
      expect({ key, field: payment[key] }).toEqual({ key, field: other[key] })
    }
  })

  it.each(actions)('%s offers exactly the offline standard events as event names', (_key, action) => {
    expect(action.fields.event.choices).toEqual(OFFLINE_STANDARD_EVENTS.map((name) => ({ label: name, value: name })))
  })

  it.each(actions)('action %s batches by Segment convention, at most TikTok’s limit per request', (_key, action) => {
    // As the monorepo's batching destinations declare them (linkedin-conversions, ms-bing-capi): hidden, not read-only.
    expect(typeof action.performBatch).toBe('function')
    expect(action.fields.enable_batching).toEqual({
      label: 'Enable Batching',
      description: 'Send events to TikTok in batches of up to 1000, with an outcome for each event.',
      type: 'boolean',
      default: true,
      unsafe_hidden: true
    })
    expect(action.fields.batch_size).toEqual({
      label: 'Batch Size',
      description:
        'Maximum number of events to include in each batch (TikTok accepts at most 1000 in one request). Actual batch sizes may be lower.',
      type: 'number',
      default: MAX_EVENTS_PER_REQUEST,
      minimum: 1,
      maximum: MAX_EVENTS_PER_REQUEST,
      unsafe_hidden: true
    })
    expect(MAX_EVENTS_PER_REQUEST).toBe(1000)
  })
})

// ---------------------------------------------------------------------------
// Mappings: defaults and presets
// ---------------------------------------------------------------------------

/** actions-core's own mapping validation, through its public API (transform validates the mapping first). */
const validateMapping = (mapping: Record<string, unknown>): void => {
  transform(mapping as JSONObject, {})
}

/** The directives actions-core's mapping-kit registers (mapping-kit/index.js and validate.js, 3.170). */
const KNOWN_DIRECTIVES = [
  '@if',
  '@case',
  '@replace',
  '@arrayPath',
  '@path',
  '@json',
  '@flatten',
  '@merge',
  '@template',
  '@literal',
  '@transform',
  '@excludeWhenNull',
  '@liquid'
]

/** `$.a.b_c`: a JSONPath from the root through plain keys. */
const JSON_PATH = /^\$(\.[A-Za-z_][A-Za-z0-9_]*)+$/

/** Top-level keys of a Segment event, and those of `context` and `context.page` (Segment's common fields spec). */
const SEGMENT_EVENT_KEYS = [
  'anonymousId',
  'context',
  'event',
  'messageId',
  'properties',
  'receivedAt',
  'sentAt',
  'timestamp',
  'traits',
  'type',
  'userId'
]
const SEGMENT_CONTEXT_KEYS = [
  'active',
  'app',
  'campaign',
  'device',
  'groupId',
  'ip',
  'library',
  'locale',
  'location',
  'network',
  'os',
  'page',
  'referrer',
  'screen',
  'timezone',
  'traits',
  'userAgent',
  'userAgentData'
]
const SEGMENT_PAGE_KEYS = ['path', 'referrer', 'search', 'title', 'url']
/** Keys of an item of `properties.products` (Segment's E-commerce spec). */
const SEGMENT_PRODUCT_KEYS = [
  'product_id',
  'sku',
  'category',
  'name',
  'brand',
  'variant',
  'price',
  'quantity',
  'coupon',
  'position',
  'url',
  'image_url'
]

interface MappingUse {
  directives: string[]
  /** `event` paths are read from the Segment event; `item` paths from an item of an `@arrayPath`. */
  paths: Array<{ path: string; scope: 'event' | 'item' }>
}

function collectUse(value: unknown, scope: 'event' | 'item', use: MappingUse): void {
  if (Array.isArray(value)) {
    for (const item of value) collectUse(item, scope, use)
    return
  }
  if (!isRecord(value)) return
  for (const [key, inner] of Object.entries(value)) {
    if (!key.startsWith('@')) {
      collectUse(inner, scope, use)
      continue
    }
    use.directives.push(key)
    if (key === '@path' && typeof inner === 'string') {
      use.paths.push({ path: inner, scope })
    } else if (key === '@arrayPath' && Array.isArray(inner)) {
      collectUse(inner[0], scope, use)
      collectUse(inner[1], 'item', use)
    } else {
      collectUse(inner, scope, use)
    }
  }
}

function mappingUse(mapping: unknown): MappingUse {
  const use: MappingUse = { directives: [], paths: [] }
  collectUse(mapping, 'event', use)
  return use
}

/** Why a path is not one a Segment event (or a product of one) can have, or undefined when it is fine. */
function pathProblem({ path, scope }: { path: string; scope: 'event' | 'item' }): string | undefined {
  if (!JSON_PATH.test(path)) return `${path} is not a JSONPath of the form $.key.key`
  const [root, second, third] = path.slice(2).split('.')
  if (scope === 'item') return SEGMENT_PRODUCT_KEYS.includes(root) ? undefined : `${path}: ${root} is not a product key`
  if (!SEGMENT_EVENT_KEYS.includes(root)) return `${path}: ${root} is not a field of a Segment event`
  if (root === 'context' && second !== undefined && !SEGMENT_CONTEXT_KEYS.includes(second)) {
    return `${path}: ${second} is not a Segment context field`
  }
  if (root === 'context' && second === 'page' && third !== undefined && !SEGMENT_PAGE_KEYS.includes(third)) {
    return `${path}: ${third} is not a field of context.page`
  }
  return undefined
}

describe('every default and preset mapping is a valid mapping', () => {
  it.each(everyMapping())('%s passes actions-core’s own mapping validation', (_name, mapping) => {
    expect(() => validateMapping(mapping)).not.toThrow()
  })

  it.each(everyMapping())(
    '%s uses only known directives and well-formed paths into a Segment event',
    (_name, mapping) => {
      const use = mappingUse(mapping)
      expect(use.directives.filter((directive) => !KNOWN_DIRECTIVES.includes(directive))).toEqual([])
      expect(use.paths.map(pathProblem).filter((problem) => problem !== undefined)).toEqual([])
    }
  )

  it('the defaults use exactly @path, @if and @arrayPath', () => {
    const used = new Set(actions.flatMap(([, action]) => mappingUse(defaultValues(action.fields)).directives))
    expect([...used].sort()).toEqual(['@arrayPath', '@if', '@path'])
  })

  it('the checks catch what they are for', () => {
    expect(() => validateMapping({ order_id: { '@pth': '$.properties.order_id' } })).toThrow(/invalid directive: @pth/)
    expect(() =>
      validateMapping({
        order_id: { '@path': '$.properties.order_id', '@if': {} }
      })
    ).toThrow()
    expect(pathProblem({ path: 'properties.order_id', scope: 'event' })).toMatch(/not a JSONPath/)
    expect(pathProblem({ path: '$.properties..order_id', scope: 'event' })).toMatch(/not a JSONPath/)
    expect(pathProblem({ path: '$.property.order_id', scope: 'event' })).toMatch(/not a field of a Segment event/)
    expect(pathProblem({ path: '$.context.user_agent', scope: 'event' })).toMatch(/not a Segment context field/)
    expect(pathProblem({ path: '$.context.page.href', scope: 'event' })).toMatch(/not a field of context.page/)
    expect(pathProblem({ path: '$.productId', scope: 'item' })).toMatch(/not a product key/)
    expect(mappingUse({ a: { '@template': '{{x}}' } }).directives).toEqual(['@template'])
  })

  it('each preset maps its action’s defaults and its TikTok event; single-product presets read the product from properties', () => {
    const singleProductContents = [
      {
        price: { '@path': '$.properties.price' },
        quantity: { '@path': '$.properties.quantity' },
        content_category: { '@path': '$.properties.category' },
        content_id: { '@path': '$.properties.product_id' },
        content_name: { '@path': '$.properties.name' },
        brand: { '@path': '$.properties.brand' }
      }
    ]
    for (const { name, segmentEvent, tiktokEvent, action } of PRESET_EVENTS) {
      expect(presetFor(name).mapping).toEqual({
        ...defaultValues(destination.actions[action].fields),
        event: tiktokEvent,
        ...(SINGLE_PRODUCT_EVENTS.includes(segmentEvent) ? { contents: singleProductContents } : {})
      })
    }
  })
})

// ---------------------------------------------------------------------------
// Presets
// ---------------------------------------------------------------------------

describe('presets', () => {
  it('are the ones PRESET_EVENTS lists, in its order', () => {
    expect((destination.presets ?? []).map((preset) => [preset.name, preset.partnerAction])).toEqual(
      PRESET_EVENTS.map(({ name, action }) => [name, action])
    )
  })

  it('each sends a different Segment spec event as a different TikTok offline standard event', () => {
    const segmentEvents = PRESET_EVENTS.map(({ segmentEvent }) => segmentEvent)
    const tiktokEvents = PRESET_EVENTS.map(({ tiktokEvent }) => tiktokEvent)
    expect(new Set(segmentEvents).size).toBe(PRESET_EVENTS.length)
    expect(new Set(tiktokEvents).size).toBe(PRESET_EVENTS.length)
    expect(tiktokEvents.filter((event) => !(OFFLINE_STANDARD_EVENTS as readonly string[]).includes(event))).toEqual([])
  })

  it('the orders (Complete Payment, Place an Order) use the payment action, the rest the non-payment action', () => {
    expect(
      PRESET_EVENTS.filter(({ action }) => action === 'trackPaymentOfflineConversion').map(({ name }) => name)
    ).toEqual(['Complete Payment', 'Place an Order'])
    expect(new Set(PRESET_EVENTS.map(({ action }) => action))).toEqual(
      new Set(['trackPaymentOfflineConversion', 'trackNonPaymentOfflineConversion'])
    )
  })

  it('the single-product presets are those of Segment’s single-product spec events', () => {
    expect(PRESET_EVENTS.filter((preset) => preset.singleProduct).map(({ segmentEvent }) => segmentEvent)).toEqual(
      SINGLE_PRODUCT_EVENTS
    )
  })

  it('this file has a realistic spec event for every preset', () => {
    expect(Object.keys(SPEC_PROPERTIES).sort()).toEqual(PRESET_EVENTS.map(({ segmentEvent }) => segmentEvent).sort())
  })
})

describe('preset subscriptions (FQL)', () => {
  it.each(PRESET_EVENTS)(
    '$name subscribes to track calls named "$segmentEvent", and nothing else',
    ({ name, segmentEvent }) => {
      expect(parseFql(presetFor(name).subscribe)).toEqual({
        type: 'group',
        operator: 'and',
        children: [
          { type: 'event-type', operator: '=', value: 'track' },
          { type: 'event', operator: '=', value: segmentEvent }
        ]
      })
    }
  )

  it.each(PRESET_EVENTS)(
    '$name matches its own spec event ($segmentEvent) and none of the other presets’ events',
    ({ name, segmentEvent }) => {
      const subscription = parseFql(presetFor(name).subscribe)
      const matched = PRESET_EVENTS.filter((other) =>
        matchesSubscription(subscription, specEvent(other.segmentEvent, SPEC_PROPERTIES[other.segmentEvent]))
      ).map((other) => other.segmentEvent)
      expect(matched).toEqual([segmentEvent])
    }
  )

  it.each(PRESET_EVENTS)('$name does not match a page or screen call of the same name', ({ name, segmentEvent }) => {
    const subscription = parseFql(presetFor(name).subscribe)
    for (const type of ['page', 'screen'] as const) {
      expect(matchesSubscription(subscription, createTestEvent({ type, name: segmentEvent, event: undefined }))).toBe(
        false
      )
    }
  })

  it('each action’s default subscription selects one spec event, the one its event default names', () => {
    const selected = (fql: string | undefined) =>
      PRESET_EVENTS.filter(({ segmentEvent }) =>
        matchesSubscription(parseFql(fql ?? ''), specEvent(segmentEvent, SPEC_PROPERTIES[segmentEvent]))
      ).map(({ segmentEvent, tiktokEvent }) => [segmentEvent, tiktokEvent])
    const { trackPaymentOfflineConversion: payment, trackNonPaymentOfflineConversion: other } = destination.actions
    expect(selected(payment.defaultSubscription)).toEqual([['Order Completed', payment.fields.event.default]])
    expect(selected(other.defaultSubscription)).toEqual([['Callback Started', other.fields.event.default]])
  })
})

describe('each preset applied to its realistic spec event', () => {
  it.each(PRESET_EVENTS)(
    '$name: $segmentEvent maps to a valid payload and a $tiktokEvent event with hashed identifiers',
    ({ name, segmentEvent, tiktokEvent }) => {
      const event = specEvent(segmentEvent, SPEC_PROPERTIES[segmentEvent])
      const { event: tiktok, dropped } = toTikTokEvent(mapAndValidate(name, event), CONTEXT)

      expect(dropped).toEqual([])
      expect(tiktok.event).toBe(tiktokEvent)
      expect(tiktok.event_time).toBe(EVENT_TIME)
      // The payment action (orders): the order ID, which survives re-syncs; the others: the messageId.
      const payment = presetFor(name).partnerAction === 'trackPaymentOfflineConversion'
      expect(tiktok.event_id).toBe(payment ? SPEC_PROPERTIES[segmentEvent].order_id : event.messageId)
      expect(tiktok.user).toEqual({
        email: [HASHED.email],
        phone: [HASHED.phone],
        external_id: [HASHED.externalId],
        ip: event.context?.ip,
        user_agent: event.context?.userAgent,
        locale: 'en-US',
        ...(segmentEvent === 'Callback Started' ? { lead_id: '7089412556581445633' } : {})
      })
      expect(tiktok.page).toEqual({ url: 'https://segment.com/academy/' })
      expect(tiktok.properties).toEqual(EXPECTED_PROPERTIES[segmentEvent])
    }
  )

  it.each(PRESET_EVENTS)(
    '$name: an anonymous customer known only by email still yields an identifier',
    ({ name, segmentEvent }) => {
      const event = specEvent(segmentEvent, without(SPEC_PROPERTIES[segmentEvent], ['email', 'phone']), {
        userId: null,
        traits: { email: 'Jane.Doe@example.com' }
      })
      const { event: tiktok } = toTikTokEvent(mapAndValidate(name, event), CONTEXT)
      expect([tiktok.user.email, tiktok.user.phone, tiktok.user.external_id]).toEqual([
        [HASHED.email],
        undefined,
        undefined
      ])
    }
  )

  it('an event without any identifier is refused, naming the fields', () => {
    const event = specEvent('Form Submitted', SPEC_PROPERTIES['Form Submitted'], { userId: null, traits: {} })
    const payload = mapAndValidate('Submit Form', event)
    expect(() => toTikTokEvent(payload, CONTEXT)).toThrow(PayloadValidationError)
    expect(() => toTikTokEvent(payload, CONTEXT)).toThrow(
      /^email_addresses, phone_numbers: no usable email address or phone number/
    )
  })

  it('Complete Payment passes schema validation without currency or value, as in the existing destination', () => {
    const properties = without(SPEC_PROPERTIES['Order Completed'], ['currency', 'revenue', 'value', 'total'])
    const payload = transform(presetFor('Complete Payment').mapping ?? {}, {
      ...specEvent('Order Completed', properties)
    })
    expect(validateSchema(payload, fieldsToJsonSchema(destination.actions.trackPaymentOfflineConversion.fields))).toBe(
      true
    )
  })
})
