import type { DestinationDefinition } from '@segment/actions-core'
import { redirectDefinition } from '../src/cli/redirect'

/** The destination, sending to `url` instead of TikTok: its request client wrapped, as the runner does. */
export function pointAt<Settings>(definition: DestinationDefinition<Settings>, url: string): DestinationDefinition<Settings> {
  return redirectDefinition(definition, { baseUrl: url })
}
