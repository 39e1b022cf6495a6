/**
 * The HTML report in a real browser: the sample run (as `npm start` sends it,
 * from stdin to the built-in sandbox) with --json and --html, the page opened
 * from file:// in Debian's headless Chromium, driven by playwright-core (which
 * downloads no browser). Without a Chromium the suite is skipped, saying so in
 * one line.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { chromium, type BrowserContext, type Page } from 'playwright-core'
import { freshDates } from '../../../../samples/fresh-dates'
import { ROOT, SAMPLE_SOURCE, startCli } from '../../__tests__/helpers'
import { OUTCOMES } from '../render'
import type { ReportedRun } from '../series'

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((path) => existsSync(path))
const REPORTS = join(ROOT, 'reports')

if (!CHROMIUM) {
  process.stderr.write(
    'HTML report browser test skipped: no Chromium at /usr/bin/chromium (to run it: apt-get install chromium)\n'
  )
}
const describeInBrowser = CHROMIUM ? describe : describe.skip

describeInBrowser('the HTML report in headless Chromium', () => {
  let dir: string
  let context: BrowserContext
  let page: Page
  let run: ReportedRun
  let pageUrl: string
  const requests: string[] = []
  const consoleErrors: string[] = []

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'html-report-'))
    const html = join(dir, 'report.html')
    const cli = startCli(
      ['send', '-', '--json', '--html', html, '--no-progress'],
      freshDates(readFileSync(SAMPLE_SOURCE, 'utf8'), Date.now())
    )
    expect(await cli.exited).toBe(0)
    run = JSON.parse(cli.stdout()) as ReportedRun
    pageUrl = pathToFileURL(html).href

    context = await chromium.launchPersistentContext(join(dir, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync'
      ],
      viewport: { width: 1280, height: 900 }
    })
    // Every request the page makes is seen here; only the page itself may load.
    context.on('request', (request) => requests.push(request.url()))
    await context.route('**/*', (route) =>
      route.request().url() === pageUrl ? route.continue() : route.abort('blockedbyclient')
    )
    page = context.pages()[0] ?? (await context.newPage())
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text())
    })
    page.on('pageerror', (error) => consoleErrors.push(error.message))
    await page.goto(pageUrl, { waitUntil: 'load' })
  })

  afterAll(async () => {
    await context?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('loads with no console error and makes no request but the page itself', () => {
    expect(consoleErrors).toEqual([])
    expect(requests).toEqual([pageUrl])
  })

  it('shows the outcome numbers of the --json summary', async () => {
    const shown = await page.$$eval('#outcomes [data-outcome]', (tiles) =>
      tiles.map((tile) => {
        const count = tile.querySelector<HTMLElement>('[data-count]')
        return [tile.getAttribute('data-outcome'), count?.dataset.count, count?.textContent]
      })
    )
    expect(shown).toEqual(OUTCOMES.map(({ key }) => [key, String(run[key]), run[key].toLocaleString('en-US')]))
    // The sample run: 54 delivered, 4 rejected, 1 input error (as npm start prints).
    expect([run.delivered, run.rejected, run.inputErrors]).toEqual([54, 4, 1])
  })

  it('shows every route with the counts of the --json summary', async () => {
    const shown = await page.$$eval('[data-route-index]', (routes) =>
      routes.map((route) => ({
        events: route.querySelector<HTMLElement>('[data-route-events]')?.dataset.routeEvents,
        outcomes: Object.fromEntries(
          Array.from(route.querySelectorAll<HTMLElement>('[data-route-outcome]')).map((part) => [
            part.dataset.routeOutcome,
            part.dataset.count
          ])
        )
      }))
    )
    expect(shown).toEqual(
      run.routes.map((route) => ({
        events: String(route.events),
        outcomes: Object.fromEntries(
          (['delivered', 'skipped', 'rejected', 'failed', 'notSent', 'unknown'] as const)
            .filter((key) => route[key] > 0)
            .map((key) => [key, String(route[key])])
        )
      }))
    )
  })

  it('fits a 390 px screen with no horizontal overflow, and is saved at 1280 and 390 px', async () => {
    mkdirSync(REPORTS, { recursive: true })
    await page.setViewportSize({ width: 1280, height: 900 })
    await page.screenshot({ path: join(REPORTS, 'html-report-1280.png'), fullPage: true })
    await page.setViewportSize({ width: 390, height: 844 })
    const widths = await page.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      client: document.documentElement.clientWidth
    }))
    expect(widths.client).toBe(390)
    expect(widths.scroll).toBeLessThanOrEqual(390)
    await page.screenshot({ path: join(REPORTS, 'html-report-390.png'), fullPage: true })
    expect(existsSync(join(REPORTS, 'html-report-1280.png'))).toBe(true)
    expect(existsSync(join(REPORTS, 'html-report-390.png'))).toBe(true)
  })
})
