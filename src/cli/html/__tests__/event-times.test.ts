import { EventTimeHistogram, timestampMs } from '../event-times'

const DAY = 86_400_000
const HOUR = 3_600_000
/** The start of today (UTC): the tests place events relative to it, so they hold at any time of day. */
const today = Math.floor(Date.now() / DAY) * DAY
const dayOf = (ms: number): string => new Date(ms).toISOString().slice(0, 10)
const iso = (ms: number): string => new Date(ms).toISOString()

describe('EventTimeHistogram', () => {
  it("has one bucket per UTC day of TikTok's window as it stood at the start, oldest first", () => {
    const now = today + 13 * HOUR
    const { days, before, after, refusedWithoutTime } = new EventTimeHistogram(now).result()
    expect(days).toHaveLength(29)
    expect(days[0]).toEqual({ day: dayOf(today - 28 * DAY), delivered: 0, refusedOutsideWindow: 0 })
    expect(days[27].day).toBe(dayOf(today - DAY))
    expect(days[28].day).toBe(dayOf(today))
    expect([before, after, refusedWithoutTime]).toEqual([
      { delivered: 0, refusedOutsideWindow: 0 },
      { delivered: 0, refusedOutsideWindow: 0 },
      0
    ])
  })

  it('counts delivered events on the day of their timestamp, and those without one on the day they were sent', () => {
    const now = today + HOUR
    const histogram = new EventTimeHistogram(now)
    histogram.addDelivered(iso(today + 60_000), now)
    histogram.addDelivered(iso(today - 1), now)
    histogram.addDelivered(undefined, now)
    histogram.addDelivered((today - 5 * DAY + 10_000) / 1000, now) // Unix seconds
    histogram.addDelivered(String(today - 5 * DAY + 20_000), now) // Unix milliseconds, as text
    histogram.addDelivered(`${dayOf(today - 2 * DAY)}T00:30:00`, now) // no offset: UTC
    histogram.addDelivered(`${dayOf(today)}T01:00:00+02:00`, now) // 23:00 UTC the day before
    histogram.addDelivered(new Date(today - 28 * DAY), now) // the first day's first millisecond
    const { days, before, after } = histogram.result()
    const counts = days.map((day) => day.delivered)
    expect(counts[28]).toBe(2)
    expect(counts[27]).toBe(2)
    expect(counts[26]).toBe(1)
    expect(counts[23]).toBe(2)
    expect(counts[0]).toBe(1)
    expect(counts.reduce((sum, count) => sum + count, 0)).toBe(8)
    expect(before.delivered + after.delivered).toBe(0)
  })

  it('counts events refused as outside the window on their day, before the window, or after it', () => {
    const now = today + 2 * HOUR
    const histogram = new EventTimeHistogram(now)
    histogram.addRefusedOutsideWindow(iso(today - 28 * DAY - 1)) // the day before the first
    histogram.addRefusedOutsideWindow(iso(today - 90 * DAY))
    histogram.addRefusedOutsideWindow(iso(today - 28 * DAY + HOUR)) // the first day, before the window's edge
    histogram.addRefusedOutsideWindow(iso(today + DAY)) // tomorrow
    histogram.addRefusedOutsideWindow(iso(today + 20 * HOUR)) // later today
    histogram.addRefusedOutsideWindow('not a time')
    histogram.addRefusedOutsideWindow({ not: 'a time' })
    const { days, before, after, refusedWithoutTime } = histogram.result()
    expect(before).toEqual({ delivered: 0, refusedOutsideWindow: 2 })
    expect(after).toEqual({ delivered: 0, refusedOutsideWindow: 1 })
    expect(days[0].refusedOutsideWindow).toBe(1)
    expect(days[28].refusedOutsideWindow).toBe(1)
    expect(days.reduce((sum, day) => sum + day.refusedOutsideWindow, 0)).toBe(2)
    expect(refusedWithoutTime).toBe(2)
  })

  it('hands out copies: later events do not change a result already taken', () => {
    const histogram = new EventTimeHistogram(today)
    const first = histogram.result()
    histogram.addDelivered(iso(today), today)
    expect(first.days[28].delivered).toBe(0)
    expect(histogram.result().days[28].delivered).toBe(1)
  })
})

describe('timestampMs', () => {
  it('reads timestamps as the destination does', () => {
    expect(timestampMs('2026-03-01T10:00:00Z')).toBe(Date.UTC(2026, 2, 1, 10))
    expect(timestampMs('2026-03-01T10:00:00')).toBe(Date.UTC(2026, 2, 1, 10))
    expect(timestampMs('2026-03-01 10:00')).toBe(Date.UTC(2026, 2, 1, 10))
    expect(timestampMs('2026-03-01T10:00:00-0500')).toBe(Date.UTC(2026, 2, 1, 15))
    expect(timestampMs('2026-03-01')).toBe(Date.UTC(2026, 2, 1))
    expect(timestampMs(1_772_359_200)).toBe(1_772_359_200_000)
    expect(timestampMs('1772359200000')).toBe(1_772_359_200_000)
    expect(timestampMs(' ')).toBeUndefined()
    expect(timestampMs('yesterday')).toBeUndefined()
    expect(timestampMs(null)).toBeUndefined()
    expect(timestampMs(new Date(Number.NaN))).toBeUndefined()
  })
})
