import type { DestinationDefinition } from '@segment/actions-core'
import { API_BASE_URL_ENV } from '../src/destinations/tiktok-offline-conversions/tiktok/constants'

/** The destination, sending to `url` instead of TikTok. */
export function pointAt<Settings>(definition: DestinationDefinition<Settings>, url: string): DestinationDefinition<Settings> {
  process.env[API_BASE_URL_ENV] = url
  return definition
}
