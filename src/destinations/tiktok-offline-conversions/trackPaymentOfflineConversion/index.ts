import type { Payload } from './generated-types'
import { conversionAction } from '../conversion-action'

export default conversionAction<Payload>({
  title: 'Track Payment Offline Conversion',
  description:
    'Send a purchase made offline (in store, by phone) to TikTok as a CompletePayment event, with its value, currency and products.',
  defaultSubscription: 'type = "track" and event = "Order Completed"',
  defaultEvent: 'CompletePayment',
  eventIdPath: '$.properties.order_id'
})
