import type { DestinationDefinition } from '@segment/actions-core'
import { pointAtTarget } from '../src/cli/target-adapter'

/** The destination, sending to `url` instead of TikTok: its request client wrapped, as the runner does. */
export function pointAt<Settings>(
  definition: DestinationDefinition<Settings>,
  url: string
): DestinationDefinition<Settings> {
  return pointAtTarget(definition, { baseUrl: url })
}
