import type { SegmentEvent } from '@segment/actions-core'

const FIRST_NAMES = ['jane', 'omar', 'li', 'sofia', 'kwame', 'ana', 'yuki', 'pierre']
const PRODUCTS = [
  { product_id: 'sku-1001', name: 'Organic Cotton Tee', category: 'Apparel', brand: 'Acme', price: 19.99 },
  { product_id: 'sku-2002', name: 'Canvas Tote', category: 'Accessories', brand: 'Acme', price: 12.5 },
  { product_id: 'sku-3003', name: 'Trail Runner', category: 'Footwear', brand: 'Stride', price: 89 },
  { product_id: 'sku-4004', name: 'Water Bottle', category: 'Outdoor', brand: 'Flow', price: 24 }
]

/** The i-th of N realistic in-store `Order Completed` events: products, email, phone, userId. */
export function orderCompleted(i: number, nowMs = Date.now()): SegmentEvent {
  const name = FIRST_NAMES[i % FIRST_NAMES.length]
  const products = [PRODUCTS[i % 4], PRODUCTS[(i + 1) % 4]].map((p, k) => ({ ...p, quantity: 1 + ((i + k) % 3) }))
  const revenue = Math.round(products.reduce((sum, p) => sum + p.price * p.quantity, 0) * 100) / 100
  return {
    type: 'track',
    event: 'Order Completed',
    messageId: `bench-${i}`,
    timestamp: new Date(nowMs - (i % 86_400) * 1000).toISOString(),
    userId: `customer-${i}`,
    properties: {
      order_id: `POS-${100000 + i}`,
      shop_id: `store-${i % 40}`,
      revenue,
      currency: 'USD',
      products
    },
    context: {
      library: { name: 'analytics-node', version: '6.2.0' },
      traits: {
        email: ` ${name.toUpperCase()}.${i}@Example.com `,
        phone: `+1 (415) 555-${String(i % 10000).padStart(4, '0')}`
      }
    }
  }
}

/** The i-th event of a mixed offline file: mostly purchases, with call-centre contacts, subscriptions and forms. */
export function offlineConversion(i: number, nowMs = Date.now()): SegmentEvent {
  const order = orderCompleted(i, nowMs)
  switch (i % 10) {
    case 7:
      return { ...order, event: 'Callback Started', properties: { lead_id: `lead-${i}` } }
    case 8:
      return { ...order, event: 'Subscription Created', properties: { value: 9.99, currency: 'EUR' } }
    case 9:
      return { ...order, event: 'Form Submitted', properties: {} }
    default:
      return order
  }
}
