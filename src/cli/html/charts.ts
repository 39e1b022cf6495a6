/**
 * The report's charts: inline SVG drawn here, no library. Bars are drawn in a
 * 1000-unit-wide box stretched to the page's width (`preserveAspectRatio="none"`),
 * so they fill a phone's screen and an A4 page alike; their words (labels,
 * axes) are HTML beside them, which stays readable at any width. Every text
 * handed in is already escaped.
 */

export const CHART_WIDTH = 1000

export interface Segment {
  value: number
  color: string
  /** Escaped: shown as the segment's tooltip. */
  title: string
}

function svg(height: number, label: string, body: string, className = 'chart'): string {
  return `<svg class="${className}" viewBox="0 0 ${CHART_WIDTH} ${height}" preserveAspectRatio="none" role="img" aria-label="${label}" xmlns="http://www.w3.org/2000/svg">${body}</svg>`
}

function rect(x: number, y: number, width: number, height: number, color: string, title?: string): string {
  const inner = title ? `<title>${title}</title>` : ''
  return `<rect x="${fixed(x)}" y="${fixed(y)}" width="${fixed(width)}" height="${fixed(height)}" fill="${color}">${inner}</rect>`
}

/**
 * One horizontal bar of segments, side by side, `total` wide at full width
 * (a bar of a smaller `total` than `scale` is drawn shorter); a light track
 * behind it.
 */
export function stackedBar(segments: readonly Segment[], label: string, scale?: number, className = 'bar'): string {
  const total = segments.reduce((sum, segment) => sum + segment.value, 0)
  const full = scale ?? total
  let x = 0
  const parts = [rect(0, 0, CHART_WIDTH, 24, '#eceff1')]
  for (const segment of segments) {
    if (segment.value <= 0 || full <= 0) continue
    const width = (segment.value / full) * CHART_WIDTH
    parts.push(rect(x, 0, width, 24, segment.color, segment.title))
    x += width
  }
  return svg(24, label, parts.join(''), className)
}

/** A share from 0 to 1, as a bar on a track. */
export function shareBar(share: number, color: string, label: string): string {
  const width = Math.max(0, Math.min(1, share)) * CHART_WIDTH
  return svg(16, label, rect(0, 0, CHART_WIDTH, 16, '#eceff1') + rect(0, 0, width, 16, color), 'bar thin')
}

export interface Column {
  /** Stacked from the bottom, in order. */
  segments: readonly Segment[]
}

/** Vertical columns of stacked segments, one per entry, all on the scale of the tallest. */
export function columns(entries: readonly Column[], label: string, height = 160): string {
  const tallest = Math.max(1, ...entries.map((entry) => entry.segments.reduce((sum, s) => sum + s.value, 0)))
  const slot = CHART_WIDTH / Math.max(1, entries.length)
  const gap = Math.min(4, slot * 0.2)
  const parts: string[] = [
    `<line x1="0" y1="${height}" x2="${CHART_WIDTH}" y2="${height}" stroke="#9e9e9e" stroke-width="1" vector-effect="non-scaling-stroke"/>`
  ]
  entries.forEach((entry, i) => {
    let top = height
    for (const segment of entry.segments) {
      if (segment.value <= 0) continue
      const h = (segment.value / tallest) * height
      top -= h
      parts.push(rect(i * slot + gap / 2, top, slot - gap, h, segment.color, segment.title))
    }
  })
  return svg(height, label, parts.join(''), 'columns')
}

/** A line through `values` (evenly spaced), on the scale of `max`, with the area under it lightly filled. */
export function line(values: readonly number[], max: number, color: string, label: string, height = 120): string {
  const top = Math.max(max, 1)
  const y = (value: number): string => fixed(height - (value / top) * height)
  // One value: a flat line across; more: evenly spaced from edge to edge.
  const points =
    values.length === 1
      ? [`0,${y(values[0])}`, `${CHART_WIDTH},${y(values[0])}`]
      : values.map((value, i) => `${fixed((i * CHART_WIDTH) / (values.length - 1))},${y(value)}`)
  const polyline = points.join(' ')
  const area = `0,${height} ${polyline} ${CHART_WIDTH},${height}`
  return svg(
    height,
    label,
    `<polygon points="${area}" fill="${color}" fill-opacity="0.15"/>` +
      `<polyline points="${polyline}" fill="none" stroke="${color}" stroke-width="2" vector-effect="non-scaling-stroke"/>`,
    'chart'
  )
}

/** Steps: one flat bar per value, evenly spaced, on the scale of `max`. */
export function steps(values: readonly number[], max: number, color: string, label: string, height = 60): string {
  const top = Math.max(max, 1)
  const slot = CHART_WIDTH / Math.max(1, values.length)
  const bars = values.map((value, i) =>
    rect(i * slot, height - (value / top) * height, slot, (value / top) * height, color)
  )
  return svg(height, label, rect(0, 0, CHART_WIDTH, height, '#f5f5f5') + bars.join(''), 'chart')
}

/** Two decimals at most: short, exact enough for a screen. */
function fixed(value: number): string {
  return String(Math.round(value * 100) / 100)
}
