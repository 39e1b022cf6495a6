import type { Payload } from './generated-types'
import { conversionAction } from '../conversion-action'

export default conversionAction<Payload>({
  title: 'Track Non Payment Offline Conversion',
  description:
    'Send an offline conversion that is not a payment (a call-centre contact, a subscription, a form submission) to TikTok. Its default subscription sends Callback Started as Contact; the presets add the others, each under its own event name.',
  // One Segment event for the one default event name: several would reach TikTok under one name.
  defaultSubscription: 'type = "track" and event = "Callback Started"',
  defaultEvent: 'Contact'
})
