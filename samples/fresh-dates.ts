/**
 * `node dist/samples/fresh-dates.js samples/offline-conversions.ndjson`: prints
 * the sample with its timestamps moved forward, all by the same amount, so
 * that the newest event is an hour old. TikTok takes events of the last 28
 * days only: a sample file with fixed dates would be refused a month after it
 * was written, and a newcomer's first run would show nothing but refusals.
 * The file keeps real dates (it is what a Segment export looks like); `npm
 * start` and the tests send it through this. Only ISO 8601 `"timestamp"`
 * values change; every other byte of every line is kept, broken lines too.
 */
import { readFileSync } from 'node:fs'

const TIMESTAMP = /("timestamp"\s*:\s*")(\d{4}-\d\d-\d\dT[^"]+)(")/g
const NEWEST_AGE_MS = 3_600_000

/** The text with every ISO timestamp shifted so that the newest is `NEWEST_AGE_MS` before `nowMs`. */
export function freshDates(text: string, nowMs: number): string {
  let newest = Number.NEGATIVE_INFINITY
  for (const match of text.matchAll(TIMESTAMP)) {
    const time = Date.parse(match[2])
    if (!Number.isNaN(time)) newest = Math.max(newest, time)
  }
  if (newest === Number.NEGATIVE_INFINITY) return text
  const shift = nowMs - NEWEST_AGE_MS - newest
  return text.replace(TIMESTAMP, (whole, before: string, iso: string, after: string) => {
    const time = Date.parse(iso)
    return Number.isNaN(time) ? whole : `${before}${new Date(time + shift).toISOString()}${after}`
  })
}

if (require.main === module) {
  const [file] = process.argv.slice(2)
  if (!file) {
    process.stderr.write('usage: node dist/samples/fresh-dates.js <file.ndjson>\n')
    process.exit(2)
  }
  process.stdout.write(freshDates(readFileSync(file, 'utf8'), Date.now()))
}
