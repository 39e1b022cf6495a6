/**
 * Issue 19, request size, end to end over loopback: events near Segment's size limit
 * (27 KB each, Segment allows 32 KB) never make a request TikTok would refuse as too
 * large, and a target that refuses a request as too large (HTTP 413) gets it split,
 * like a request refused for its events: no valid event is refused for its company.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { startSandbox } from '../../sandbox/server'
import { EXIT_OK, exitStatus } from '../exit-status'
import { runSend } from '../run-send'
import { countOutcomes, ndjson, purchase, purchaseEventId, readReport, scratchAndSandbox } from './helpers'

const scratch = scratchAndSandbox('runner-hostile-size-')
const EVENTS = 400

/** 400 orders of about 27 KB each (100 products with long names): 10.8 MB, more than one request may carry. */
function bigOrders(): string {
  const path = join(scratch.dir, 'big-orders.ndjson')
  const events = Array.from({ length: EVENTS }, (_, i) =>
    purchase(`big-${i}`, {
      properties: {
        order_id: purchaseEventId(`big-${i}`),
        revenue: 25,
        currency: 'USD',
        products: Array.from({ length: 100 }, (_, k) => ({
          product_id: `sku-${k}`,
          name: `${'Organic cotton shirt, long sleeves, size M, colour '.repeat(4)}${k}`,
          price: 1,
          quantity: 1
        }))
      }
    })
  )
  writeFileSync(path, ndjson(events))
  return path
}

describe('request size', () => {
  it('events near the size limit: requests cut at 4 MiB, none refused as too large, every order accepted once', async () => {
    const input = bigOrders()
    const sandbox = await startSandbox()
    try {
      const report = join(scratch.dir, 'big-report.ndjson')
      const summary = await runSend({ inputs: [input], sandboxUrl: sandbox.url, progress: false, report })
      expect(summary).toMatchObject({ delivered: EVENTS, rejected: 0, failed: 0 })
      expect(exitStatus(summary, true)).toBe(EXIT_OK)
      const stats = sandbox.stats()
      // The credentials check; the runner cuts its batches at 8 Mi characters of input (about 310
      // and 90 of these orders), and the destination each batch's requests at 4 MiB: 3 + 1.
      expect(stats.requests).toBe(5)
      // The one refusal is the credentials check's, which sends no events by design.
      expect(stats.rejected).toEqual({ '40002': 1 })
      expect(stats.uniqueEventIds).toBe(EVENTS)
      expect(stats.duplicateEventIds).toBe(0)
      expect(countOutcomes(readReport(report))).toEqual({ delivered: EVENTS })
    } finally {
      await sandbox.close()
    }
  })

  it('a target that refuses requests over 1 MiB with HTTP 413: split until they fit, every order delivered once', async () => {
    const input = bigOrders()
    const sandbox = await startSandbox({ maxBodyBytes: 2 ** 20 })
    try {
      const summary = await runSend({ inputs: [input], sandboxUrl: sandbox.url, progress: false })
      expect(summary).toMatchObject({ delivered: EVENTS, rejected: 0, failed: 0 })
      const stats = sandbox.stats()
      expect(stats.uniqueEventIds).toBe(EVENTS)
      expect(stats.duplicateEventIds).toBe(0)
      // Every refusal but the credentials check's was for the size (code 40002 with HTTP 413), none for an event.
      expect(Object.keys(stats.rejected)).toEqual(['40002'])
      expect(stats.rejected['40002']).toBeGreaterThan(1)
    } finally {
      await sandbox.close()
    }
  })
})
