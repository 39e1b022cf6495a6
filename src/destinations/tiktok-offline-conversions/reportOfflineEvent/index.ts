import type { Payload } from './generated-types'
import { conversionAction } from '../conversion-action'

export default conversionAction<Payload>({
  title: 'Track Offline Conversion',
  description:
    'Send an offline conversion to TikTok as the offline standard event the mapping names. The action of the existing TikTok Offline Conversions destination, kept so that its saved mappings keep working; it runs the same code as the two other actions.'
})
