import type { Payload } from './generated-types'
import { conversionAction } from '../conversion-action'

export default conversionAction<Payload>({
  title: 'Track Non Payment Offline Conversion',
  description:
    'Send an offline conversion that is not a payment (a call-centre contact, a subscription, a form submission) to TikTok.',
  defaultSubscription:
    'type = "track" and (event = "Callback Started" or event = "Subscription Created" or event = "Form Submitted")',
  requireRevenue: false
})
