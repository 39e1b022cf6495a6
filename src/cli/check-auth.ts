/**
 * `check-auth`: the destination's own testAuthentication (Segment runs it when
 * settings are saved), with the given credentials. It records no conversion.
 */
import { Destination } from '@segment/actions-core'
import definition from '../destinations/tiktok-offline-conversions'
import { redactSecrets } from '../destinations/tiktok-offline-conversions/privacy'
import { UsageError, errorMessage } from './errors'
import { openTarget } from './target'

export interface CheckAuthOptions {
  accessToken?: string
  eventSetId?: string
  defaultPhoneCountry?: string
  /** Check against a sandbox running there instead of TikTok. */
  sandboxUrl?: string
}

export type CheckAuthResult = { ok: true; target: string } | { ok: false; target: string; message: string }

export async function runCheckAuth(options: CheckAuthOptions): Promise<CheckAuthResult> {
  if (options.sandboxUrl === undefined && (!options.accessToken || !options.eventSetId)) {
    throw new UsageError(
      'check-auth needs --access-token and --event-set-id (or TIKTOK_ACCESS_TOKEN and TIKTOK_EVENT_SET_ID)'
    )
  }
  const target = await openTarget({
    accessToken: options.accessToken,
    eventSetId: options.eventSetId,
    sandboxUrl: options.sandboxUrl
  })
  try {
    const settings = {
      accessToken: target.accessToken,
      eventSetID: target.eventSetId,
      ...(options.defaultPhoneCountry ? { defaultPhoneCountry: options.defaultPhoneCountry } : {})
    }
    await new Destination(definition).testAuthentication(settings)
    return { ok: true, target: target.url }
  } catch (error) {
    return { ok: false, target: target.url, message: redactSecrets(errorMessage(error), [target.accessToken]) }
  } finally {
    await target.close()
  }
}
