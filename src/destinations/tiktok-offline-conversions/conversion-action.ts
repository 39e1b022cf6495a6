import type { ActionDefinition } from '@segment/actions-core'
import type { Settings } from './generated-types'
import { conversionFields } from './fields'
import { deliverConversions, toError, toMultiStatus } from './delivery'
import type { ConversionPayload } from './conversion'

interface ConversionActionOptions {
  title: string
  description: string
  defaultSubscription: string
  /** The payment action requires value and currency: TikTok needs both to report revenue. */
  requireRevenue: boolean
}

/** Both actions: their own title and required values, one code path. `perform` is a batch of one. */
export function conversionAction<P extends ConversionPayload>(
  options: ConversionActionOptions
): ActionDefinition<Settings, P> {
  return {
    title: options.title,
    description: options.description,
    defaultSubscription: options.defaultSubscription,
    fields: conversionFields({ requireRevenue: options.requireRevenue }),
    perform: async (request, { payload, settings }) => {
      const [outcome] = await deliverConversions(request, settings, [payload])
      if (!outcome.ok) throw toError(outcome)
      return outcome.body
    },
    performBatch: async (request, { payload, settings }) =>
      toMultiStatus(await deliverConversions(request, settings, payload))
  }
}
