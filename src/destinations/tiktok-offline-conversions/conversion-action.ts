import type { ActionDefinition } from '@segment/actions-core'
import type { Settings } from './generated-types'
import { conversionFields } from './fields'
import type { ConversionFieldOptions } from './fields'
import { deliverConversions, toError, toMultiStatus } from './delivery'
import type { ConversionPayload } from './conversion'

interface ConversionActionOptions extends ConversionFieldOptions {
  title: string
  description: string
  defaultSubscription?: string
}

/** Every action: its own title, subscription and defaults, one code path. `perform` is a batch of one. */
export function conversionAction<P extends ConversionPayload>(
  options: ConversionActionOptions
): ActionDefinition<Settings, P> {
  return {
    title: options.title,
    description: options.description,
    defaultSubscription: options.defaultSubscription,
    fields: conversionFields(options),
    perform: async (request, { payload, settings }) => {
      const [outcome] = await deliverConversions(request, settings, [payload])
      if (!outcome.ok) throw toError(outcome)
      return outcome.body
    },
    performBatch: async (request, { payload, settings }) =>
      toMultiStatus(await deliverConversions(request, settings, payload))
  }
}
