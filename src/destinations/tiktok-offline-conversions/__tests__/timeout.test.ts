import nock from 'nock'
import { createRequestClient, fieldsToJsonSchema, transform, validateSchema } from '@segment/actions-core'
import type { MultiStatusResponse, RequestClient } from '@segment/actions-core'
import definition from '../index'
import { presets } from '../presets'
import { REQUEST_TIMEOUT_MS } from '../tiktok/constants'
import type { Payload } from '../trackPaymentOfflineConversion/generated-types'
import { OK, ORDER_COMPLETED_PROPERTIES, SETTINGS, TIKTOK, TRACK_PATH, offlineEvent } from './__helpers__/fixtures'

const preset = presets.find((p) => p.name === 'Complete Payment')
const mapping = preset && 'mapping' in preset && preset.mapping ? preset.mapping : {}
const action = definition.actions.trackPaymentOfflineConversion
/** The payload actions-core hands the action: mapped, then validated (which also turns single values into lists). */
function payload(messageId: string): Payload {
  const event = offlineEvent('Order Completed', ORDER_COMPLETED_PROPERTIES, {
    messageId
  })
  const mapped = transform(mapping, event as unknown as Parameters<typeof transform>[1])
  validateSchema(mapped, fieldsToJsonSchema(action.fields))
  return mapped as unknown as Payload
}

/**
 * The request client actions-core hands to the action, as its host wraps it: a
 * host (the runner, a test) may shorten the timeout; the destination reads no
 * environment. Waiting the real 10 s would make a slow test.
 */
function requestWithTimeout(timeout: number): RequestClient {
  const request = createRequestClient(definition.extendRequest?.({ settings: SETTINGS, payload: undefined }) ?? {})
  return (url, options) => request(url, { ...options, timeout })
}

afterEach(() => nock.cleanAll())

describe('TikTok does not answer in time', () => {
  test(`the destination waits ${REQUEST_TIMEOUT_MS} ms for TikTok's answer`, async () => {
    const timeouts: unknown[] = []
    const recording: RequestClient = async (url, options) => {
      timeouts.push(options?.timeout)
      return createRequestClient()(url, options)
    }
    nock(TIKTOK).post(TRACK_PATH).reply(200, OK)
    await action.perform(recording, {
      payload: payload('a'),
      settings: SETTINGS
    })
    expect(timeouts).toEqual([10_000])
  })

  test('single event: a retryable 504 naming the timeout', async () => {
    nock(TIKTOK).post(TRACK_PATH).delay(500).reply(200, OK)
    await expect(
      action.perform(requestWithTimeout(50), {
        payload: payload('a'),
        settings: SETTINGS
      })
    ).rejects.toMatchObject({
      name: 'RetryableError',
      status: 504,
      message: 'No answer from TikTok in time: Request timed out after 50ms'
    })
  })

  test('batch: every event of the request gets the retryable 504', async () => {
    nock(TIKTOK).post(TRACK_PATH).delay(500).reply(200, OK)
    const performBatch = action.performBatch
    if (!performBatch) throw new Error('the action has no performBatch')
    const multistatus = (await performBatch(requestWithTimeout(50), {
      payload: [payload('a'), payload('b')],
      settings: SETTINGS
    })) as MultiStatusResponse
    expect([0, 1].map((i) => multistatus.getResponseAtIndex(i).value())).toEqual([
      expect.objectContaining({
        status: 504,
        errormessage: 'No answer from TikTok in time: Request timed out after 50ms'
      }),
      expect.objectContaining({
        status: 504,
        errormessage: 'No answer from TikTok in time: Request timed out after 50ms'
      })
    ])
  })
})
