import nock from 'nock'
import { createTestIntegration } from '@segment/actions-core'
import definition from '../index'
import { presets } from '../presets'
import { REQUEST_TIMEOUT_ENV } from '../tiktok/constants'
import { OK, ORDER_COMPLETED_PROPERTIES, SETTINGS, TIKTOK, TRACK_PATH, offlineEvent } from './__helpers__/fixtures'

const preset = presets.find((p) => p.name === 'Complete Payment')
const mapping = preset && 'mapping' in preset && preset.mapping ? preset.mapping : {}

beforeEach(() => (process.env[REQUEST_TIMEOUT_ENV] = '50'))
afterEach(() => {
  delete process.env[REQUEST_TIMEOUT_ENV]
  nock.cleanAll()
})

describe('TikTok does not answer in time', () => {
  test('single event: a retryable 504 naming the timeout', async () => {
    nock(TIKTOK).post(TRACK_PATH).delay(500).reply(200, OK)
    const testDestination = createTestIntegration(definition)
    await expect(
      testDestination.testAction('trackPaymentOfflineConversion', {
        event: offlineEvent('Order Completed', ORDER_COMPLETED_PROPERTIES),
        mapping,
        settings: SETTINGS
      })
    ).rejects.toMatchObject({ name: 'RetryableError', status: 504, message: 'No answer from TikTok in time: Request timed out after 50ms' })
  })

  test('batch: every event of the request gets the retryable 504', async () => {
    nock(TIKTOK).post(TRACK_PATH).delay(500).reply(200, OK)
    const testDestination = createTestIntegration(definition)
    await testDestination.testBatchAction('trackPaymentOfflineConversion', {
      events: [offlineEvent('Order Completed', ORDER_COMPLETED_PROPERTIES, { messageId: 'a' }), offlineEvent('Order Completed', ORDER_COMPLETED_PROPERTIES, { messageId: 'b' })],
      mapping,
      settings: SETTINGS
    })
    const multistatus = testDestination.results[0].multistatus ?? []
    expect(multistatus.map((m) => [m.status, 'errormessage' in m ? m.errormessage : null])).toEqual([
      [504, 'No answer from TikTok in time: Request timed out after 50ms'],
      [504, 'No answer from TikTok in time: Request timed out after 50ms']
    ])
  })
})
