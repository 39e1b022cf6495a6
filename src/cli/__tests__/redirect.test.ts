/**
 * The runner points the destination at its target by wrapping the request
 * client the actions and the authentication test receive: the environment is
 * never read or written, and the definition itself is never changed.
 */
import { createTestIntegration, type RequestClient } from '@segment/actions-core'
import nock from 'nock'
import definition from '../../destinations/tiktok-offline-conversions'
import type { Settings } from '../../destinations/tiktok-offline-conversions/generated-types'
import { TIKTOK_API_BASE_URL } from '../../destinations/tiktok-offline-conversions/tiktok/constants'
import { startSandbox, type Sandbox } from '../../sandbox/server'
import { pointAtTarget, redirectRequest, redirectUrl } from '../target-adapter'
import { anHourAgo } from './helpers'

const TRACK = '/open_api/v1.3/event/track/'

describe('redirectUrl', () => {
  it.each([
    [`${TIKTOK_API_BASE_URL}${TRACK}`, 'http://127.0.0.1:9', `http://127.0.0.1:9${TRACK}`],
    [`${TIKTOK_API_BASE_URL}${TRACK}?a=1`, 'http://127.0.0.1:9/', `http://127.0.0.1:9${TRACK}?a=1`],
    [TIKTOK_API_BASE_URL, 'http://127.0.0.1:9', 'http://127.0.0.1:9'],
    // Another host is left alone, even one whose name starts like TikTok's.
    ['https://example.com/track', 'http://127.0.0.1:9', 'https://example.com/track'],
    [
      `${TIKTOK_API_BASE_URL}.evil.example${TRACK}`,
      'http://127.0.0.1:9',
      `${TIKTOK_API_BASE_URL}.evil.example${TRACK}`
    ],
    // TikTok's own base: nothing to rewrite.
    [`${TIKTOK_API_BASE_URL}${TRACK}`, TIKTOK_API_BASE_URL, `${TIKTOK_API_BASE_URL}${TRACK}`]
  ])('%s to %s → %s', (url, base, expected) => expect(redirectUrl(url, base)).toBe(expected))
})

describe('redirectRequest', () => {
  it('rewrites the URL and sets the timeout, keeping every other option', async () => {
    const calls: Array<[string, unknown]> = []
    const request = (async (url: string, options?: unknown) => {
      calls.push([url, options])
      return {}
    }) as unknown as RequestClient
    await redirectRequest(request, { baseUrl: 'http://127.0.0.1:9', timeoutMs: 50 })(`${TIKTOK_API_BASE_URL}${TRACK}`, {
      method: 'POST',
      json: { a: 1 },
      timeout: 10_000
    })
    await redirectRequest(request, { baseUrl: 'http://127.0.0.1:9' })(`${TIKTOK_API_BASE_URL}${TRACK}`, {
      timeout: 10_000
    })
    expect(calls).toEqual([
      [`http://127.0.0.1:9${TRACK}`, { method: 'POST', json: { a: 1 }, timeout: 50 }],
      [`http://127.0.0.1:9${TRACK}`, { timeout: 10_000 }]
    ])
  })
})

describe('pointAtTarget', () => {
  let sandbox: Sandbox
  beforeAll(async () => {
    sandbox = await startSandbox()
  })
  afterAll(async () => {
    await sandbox.close()
    nock.cleanAll()
    nock.enableNetConnect()
  })

  const settings: Settings = { accessToken: 'sandbox-access-token', eventSetID: 'sandbox-event-set' }
  const mapping = {
    event: 'Contact',
    event_id: 'redirected-1',
    timestamp: anHourAgo(),
    email_addresses: ['jane@example.com']
  }

  it("sends an action's requests and the authentication test to the target, never to TikTok, without the environment", async () => {
    nock.disableNetConnect()
    nock.enableNetConnect('127.0.0.1')
    const tiktok = nock(TIKTOK_API_BASE_URL).post(TRACK).reply(200, { code: 0 })
    const environment = { ...process.env }

    const redirected = createTestIntegration(pointAtTarget(definition, { baseUrl: sandbox.url }))
    await redirected.testAuthentication(settings)
    await redirected.testAction('trackNonPaymentOfflineConversion', { settings, mapping, useDefaultMappings: false })

    expect(sandbox.acceptedCount('redirected-1')).toBe(1)
    expect(sandbox.stats().requests).toBe(2)
    expect(tiktok.isDone()).toBe(false)
    expect(process.env).toEqual(environment)
    nock.cleanAll()
  })

  it('leaves the definition it was given as it was: its requests still go to TikTok', async () => {
    nock.disableNetConnect()
    const tiktok = nock(TIKTOK_API_BASE_URL).post(TRACK).reply(200, { code: 0, message: 'OK', request_id: 'r' })
    pointAtTarget(definition, { baseUrl: sandbox.url })
    await createTestIntegration(definition).testAction('trackNonPaymentOfflineConversion', {
      settings,
      mapping: { ...mapping, event_id: 'to-tiktok' },
      useDefaultMappings: false
    })
    expect(tiktok.isDone()).toBe(true)
    expect(sandbox.acceptedCount('to-tiktok')).toBe(0)
    nock.cleanAll()
  })
})
