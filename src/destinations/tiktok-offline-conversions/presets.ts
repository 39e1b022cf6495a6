import { defaultValues } from '@segment/actions-core'
import type { Preset } from '@segment/actions-core'
import trackPaymentOfflineConversion from './trackPaymentOfflineConversion'
import trackNonPaymentOfflineConversion from './trackNonPaymentOfflineConversion'

type ConversionActionKey = 'trackPaymentOfflineConversion' | 'trackNonPaymentOfflineConversion'

const FIELDS = {
  trackPaymentOfflineConversion: trackPaymentOfflineConversion.fields,
  trackNonPaymentOfflineConversion: trackNonPaymentOfflineConversion.fields
}

/**
 * One preset per offline standard TikTok event that has a Segment event for an
 * offline conversion. Not here, from the existing destination's presets: Page
 * View (PageView is not an offline standard event: offline event sets refuse
 * it), Click Button (Product Clicked) and Download (Download Link Clicked),
 * clicks on a website or app, which are online events.
 */
export const PRESET_EVENTS: ReadonlyArray<{
  name: string
  segmentEvent: string
  tiktokEvent: string
  action: ConversionActionKey
  /** Segment's spec puts a single product's fields at the top of `properties` for these events. */
  singleProduct?: true
}> = [
  {
    name: 'Complete Payment',
    segmentEvent: 'Order Completed',
    tiktokEvent: 'CompletePayment',
    action: 'trackPaymentOfflineConversion'
  },
  // An order taken (by phone, at a counter) and paid later; the existing destination's preset, on the payment action for its value and products.
  {
    name: 'Place an Order',
    segmentEvent: 'Order Placed',
    tiktokEvent: 'PlaceAnOrder',
    action: 'trackPaymentOfflineConversion'
  },
  {
    name: 'Contact',
    segmentEvent: 'Callback Started',
    tiktokEvent: 'Contact',
    action: 'trackNonPaymentOfflineConversion'
  },
  {
    name: 'Subscribe',
    segmentEvent: 'Subscription Created',
    tiktokEvent: 'Subscribe',
    action: 'trackNonPaymentOfflineConversion'
  },
  {
    name: 'Submit Form',
    segmentEvent: 'Form Submitted',
    tiktokEvent: 'SubmitForm',
    action: 'trackNonPaymentOfflineConversion'
  },
  {
    name: 'Complete Registration',
    segmentEvent: 'Signed Up',
    tiktokEvent: 'CompleteRegistration',
    action: 'trackNonPaymentOfflineConversion'
  },
  {
    name: 'Initiate Checkout',
    segmentEvent: 'Checkout Started',
    tiktokEvent: 'InitiateCheckout',
    action: 'trackNonPaymentOfflineConversion'
  },
  {
    name: 'Add Payment Info',
    segmentEvent: 'Payment Info Entered',
    tiktokEvent: 'AddPaymentInfo',
    action: 'trackNonPaymentOfflineConversion'
  },
  {
    name: 'Add to Cart',
    segmentEvent: 'Product Added',
    singleProduct: true,
    tiktokEvent: 'AddToCart',
    action: 'trackNonPaymentOfflineConversion'
  },
  {
    name: 'Add to Wishlist',
    segmentEvent: 'Product Added to Wishlist',
    singleProduct: true,
    tiktokEvent: 'AddToWishlist',
    action: 'trackNonPaymentOfflineConversion'
  },
  {
    name: 'View Content',
    segmentEvent: 'Product Viewed',
    singleProduct: true,
    tiktokEvent: 'ViewContent',
    action: 'trackNonPaymentOfflineConversion'
  },
  {
    name: 'Search',
    segmentEvent: 'Products Searched',
    tiktokEvent: 'Search',
    action: 'trackNonPaymentOfflineConversion'
  }
]

/** `contents` for the single-product events: the product is `properties` itself. */
const SINGLE_PRODUCT_CONTENTS = [
  {
    price: { '@path': '$.properties.price' },
    quantity: { '@path': '$.properties.quantity' },
    content_category: { '@path': '$.properties.category' },
    content_id: { '@path': '$.properties.product_id' },
    content_name: { '@path': '$.properties.name' },
    brand: { '@path': '$.properties.brand' }
  }
]

export const presets: Preset[] = PRESET_EVENTS.map(({ name, segmentEvent, tiktokEvent, action, singleProduct }) => ({
  name,
  subscribe: `type = "track" and event = "${segmentEvent}"`,
  partnerAction: action,
  mapping: {
    ...defaultValues(FIELDS[action]),
    event: tiktokEvent,
    ...(singleProduct ? { contents: SINGLE_PRODUCT_CONTENTS } : {})
  },
  type: 'automatic'
}))
