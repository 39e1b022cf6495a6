import type { InputField } from '@segment/actions-core'
import { MAX_EVENTS_PER_REQUEST } from './tiktok/constants'
import { ATTRIBUTION_WINDOW_DAYS, OFFLINE_STANDARD_EVENTS } from './offline-rules'
import type { OfflineStandardEvent } from './offline-rules'

/**
 * The fields both actions share. Keys are those of the existing TikTok Offline
 * Conversions destination, so saved mappings keep working.
 */

/** `properties.<key>`, else `context.traits.<key>`, else `traits.<key>` (Segment's spec order). */
const fromPropertiesThenTraits = (key: string) => ({
  '@if': {
    exists: { '@path': `$.properties.${key}` },
    then: { '@path': `$.properties.${key}` },
    else: {
      '@if': {
        exists: { '@path': `$.context.traits.${key}` },
        then: { '@path': `$.context.traits.${key}` },
        else: { '@path': `$.traits.${key}` }
      }
    }
  }
})

/** The TikTok event: one of the offline standard events, the default an action sends when it is not mapped. */
const eventField = (defaultEvent?: OfflineStandardEvent): InputField => ({
  label: 'Event Name',
  type: 'string',
  required: true,
  description:
    'The TikTok offline standard event to report. Offline event sets accept only these names; any other is refused. Presets set it for you.',
  choices: OFFLINE_STANDARD_EVENTS.map((name) => ({
    label: name,
    value: name
  })),
  ...(defaultEvent ? { default: defaultEvent } : {})
})

/** The Segment messageId, or a path tried first (the order ID: it survives re-syncs, messageIds do not). */
const eventIdField = (preferredPath?: string): InputField => ({
  label: 'Event ID',
  type: 'string',
  description: `A unique ID for the event. TikTok de-duplicates events that share an ID, so re-sending an event is safe. Defaults to ${
    preferredPath ? `${preferredPath.slice(2)} when present, else ` : ''
  }the Segment messageId; when it is empty, an ID derived from the event's content is sent, the same for the same event.`,
  default: preferredPath
    ? {
        '@if': {
          exists: { '@path': preferredPath },
          then: { '@path': preferredPath },
          else: { '@path': '$.messageId' }
        }
      }
    : { '@path': '$.messageId' }
})

export const timestamp: InputField = {
  label: 'Event Timestamp',
  type: 'string',
  description: `When the conversion happened: an ISO 8601 date (UTC when it has no offset), or a Unix time in seconds or milliseconds. Sent to TikTok as Unix seconds; when empty, the time of sending is used. TikTok matches offline events to ads only within its ${ATTRIBUTION_WINDOW_DAYS}-day attribution window: an event older than that, or more than 5 minutes in the future, is refused.`,
  default: { '@path': '$.timestamp' }
}

export const phone_numbers: InputField = {
  label: 'Phone Numbers',
  type: 'string',
  multiple: true,
  category: 'hashedPII',
  description:
    "The customer's phone numbers. They are normalized to E.164 and SHA-256 hashed before they leave Segment. A number written without + or 00 and a country code is read in the Default Phone Country setting, and dropped when that setting is empty; values already hashed are sent as they are; values that cannot be a phone number are dropped. An event needs an email address or a phone number.",
  default: fromPropertiesThenTraits('phone')
}

export const email_addresses: InputField = {
  label: 'Email Addresses',
  type: 'string',
  multiple: true,
  category: 'hashedPII',
  description:
    "The customer's email addresses. They are trimmed, lowercased and SHA-256 hashed before they leave Segment; values already hashed are sent as they are; values that are not an email address are dropped. An event needs an email address or a phone number.",
  default: fromPropertiesThenTraits('email')
}

export const external_ids: InputField = {
  label: 'External IDs',
  type: 'string',
  multiple: true,
  category: 'hashedPII',
  description:
    'Your own IDs for the customer, such as a loyalty or CRM ID. They are trimmed, lowercased and SHA-256 hashed before they leave Segment. Defaults to the Segment userId. TikTok does not match offline events by external ID alone: an event also needs an email address or a phone number.',
  default: { '@path': '$.userId' }
}

export const order_id: InputField = {
  label: 'Order ID',
  type: 'string',
  description: 'The ID of the order.',
  default: { '@path': '$.properties.order_id' }
}

export const shop_id: InputField = {
  label: 'Shop ID',
  type: 'string',
  description: 'The ID of the shop or store where the conversion happened.',
  default: { '@path': '$.properties.shop_id' }
}

export const ttclid: InputField = {
  label: 'TikTok Click ID',
  type: 'string',
  description:
    'The TikTok click ID (ttclid) of the ad click that led to the conversion. When empty, it is read from the ttclid query parameter of the Page URL.',
  default: { '@path': '$.properties.ttclid' }
}

export const ttp: InputField = {
  label: 'TikTok Cookie ID',
  type: 'string',
  description: 'The _ttp cookie value set by the TikTok Pixel, when the customer was also seen online.',
  default: { '@path': '$.properties.ttp' }
}

export const lead_id: InputField = {
  label: 'TikTok Lead ID',
  type: 'string',
  description: 'The ID of a lead generated by a TikTok Instant Form (lead ad), for conversions that follow a lead.',
  default: { '@path': '$.properties.lead_id' }
}

export const locale: InputField = {
  label: 'Locale',
  type: 'string',
  description: "The customer's locale as a BCP 47 tag, for example en-US.",
  default: { '@path': '$.context.locale' }
}

export const url: InputField = {
  label: 'Page URL',
  type: 'string',
  description: 'The URL of the page where the conversion started, if any.',
  default: { '@path': '$.context.page.url' }
}

export const referrer: InputField = {
  label: 'Page Referrer',
  type: 'string',
  description: 'The referrer of that page.',
  default: { '@path': '$.context.page.referrer' }
}

export const ip: InputField = {
  label: 'IP Address',
  type: 'string',
  description: "The customer's IP address, sent unhashed.",
  default: { '@path': '$.context.ip' }
}

export const user_agent: InputField = {
  label: 'User Agent',
  type: 'string',
  description: "The customer's user agent, sent unhashed.",
  default: { '@path': '$.context.userAgent' }
}

export const contents: InputField = {
  label: 'Contents',
  type: 'object',
  multiple: true,
  description: 'The products of the conversion. Defaults to the products of the Segment event.',
  defaultObjectUI: 'keyvalue',
  properties: {
    price: {
      label: 'Price',
      type: 'number',
      description: 'The price of one item: a number, 0 or more.'
    },
    quantity: {
      label: 'Quantity',
      type: 'number',
      description: 'How many items: a number, 0 or more; it need not be whole (goods sold by weight).'
    },
    content_category: {
      label: 'Content Category',
      type: 'string',
      description: 'The category of the product.'
    },
    content_id: {
      label: 'Content ID',
      type: 'string',
      description: 'The ID of the product (its SKU or product ID).'
    },
    content_name: {
      label: 'Content Name',
      type: 'string',
      description: 'The name of the product.'
    },
    brand: {
      label: 'Brand',
      type: 'string',
      description: 'The brand of the product.'
    }
  },
  default: {
    '@arrayPath': [
      '$.properties.products',
      {
        price: { '@path': '$.price' },
        quantity: { '@path': '$.quantity' },
        content_category: { '@path': '$.category' },
        content_id: { '@path': '$.product_id' },
        content_name: { '@path': '$.name' },
        brand: { '@path': '$.brand' }
      }
    ]
  }
}

export const content_type: InputField = {
  label: 'Content Type',
  type: 'string',
  description: 'product when the contents are products, product_group when they are groups of products.',
  choices: [
    { label: 'Product', value: 'product' },
    { label: 'Product Group', value: 'product_group' }
  ],
  default: 'product'
}

export const currency: InputField = {
  label: 'Currency',
  type: 'string',
  description:
    'The ISO 4217 code of the currency of the value, for example USD. Required when there is a value: TikTok reports a value only with its currency.',
  default: { '@path': '$.properties.currency' }
}

export const value: InputField = {
  label: 'Value',
  type: 'number',
  description:
    'The value of the conversion in the currency above: a number, 0 or more. Defaults to properties.value, else properties.revenue, else properties.total.',
  default: {
    '@if': {
      exists: { '@path': '$.properties.value' },
      then: { '@path': '$.properties.value' },
      else: {
        '@if': {
          exists: { '@path': '$.properties.revenue' },
          then: { '@path': '$.properties.revenue' },
          else: { '@path': '$.properties.total' }
        }
      }
    }
  }
}

export const query: InputField = {
  label: 'Search Query',
  type: 'string',
  description: 'The text the customer searched for.',
  default: { '@path': '$.properties.query' }
}

export const description: InputField = {
  label: 'Description',
  type: 'string',
  description: 'A description of the conversion.',
  default: { '@path': '$.properties.description' }
}

export const limited_data_use: InputField = {
  label: 'Limited Data Use',
  type: 'boolean',
  description:
    'Set to true when the event must be processed under limited data use (for example, a customer who opted out of the sale of personal data under US state privacy laws).',
  default: { '@path': '$.properties.limited_data_use' }
}

export const test_event_code: InputField = {
  label: 'Test Event Code',
  type: 'string',
  description:
    'A test event code from TikTok Events Manager. Events sent with it appear under Test Events and are not used for measurement. Leave empty in production.'
}

export const enable_batching: InputField = {
  label: 'Enable Batching',
  description: `Send events to TikTok in batches of up to ${MAX_EVENTS_PER_REQUEST}, with an outcome for each event.`,
  type: 'boolean',
  default: true,
  unsafe_hidden: true
}

export const batch_size: InputField = {
  label: 'Batch Size',
  description: `Maximum number of events to include in each batch (TikTok accepts at most ${MAX_EVENTS_PER_REQUEST} in one request). Actual batch sizes may be lower.`,
  type: 'number',
  default: MAX_EVENTS_PER_REQUEST,
  minimum: 1,
  maximum: MAX_EVENTS_PER_REQUEST,
  unsafe_hidden: true
}

/** What one action's fields differ in: the event it sends when `event` is not mapped, and where its event ID comes from first. */
export interface ConversionFieldOptions {
  defaultEvent?: OfflineStandardEvent
  /** A path tried before the messageId for `event_id`. */
  eventIdPath?: string
}

/** Every field of a conversion action: the same keys, types and rules for every action. */
export function conversionFields(options: ConversionFieldOptions = {}): Record<string, InputField> {
  return {
    event: eventField(options.defaultEvent),
    event_id: eventIdField(options.eventIdPath),
    timestamp,
    phone_numbers,
    email_addresses,
    external_ids,
    order_id,
    shop_id,
    ttclid,
    ttp,
    lead_id,
    locale,
    url,
    referrer,
    ip,
    user_agent,
    contents,
    content_type,
    currency,
    value,
    query,
    description,
    limited_data_use,
    test_event_code,
    enable_batching,
    batch_size
  }
}
