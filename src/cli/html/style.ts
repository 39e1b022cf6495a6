/**
 * The report's stylesheet, inlined in the page: system fonts, a single column
 * that fits a 390 px phone (long names and messages wrap), and a print
 * stylesheet for A4.
 */
export const STYLE = `
:root { --fg: #1f2328; --muted: #57606a; --line: #d8dee4; --card: #f6f8fa; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; color: var(--fg); background: #fff;
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 960px; margin: 0 auto; padding: 16px; }
h1 { font-size: 1.45rem; line-height: 1.25; margin: 0.2em 0 0.6em; }
h2 { font-size: 1.15rem; margin: 1.8em 0 0.6em; padding-bottom: 0.2em; border-bottom: 1px solid var(--line); }
h3 { font-size: 1rem; margin: 1.4em 0 0.4em; }
p { margin: 0.4em 0; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; font-size: 0.88em;
  background: var(--card); padding: 0 0.25em; border-radius: 4px; overflow-wrap: anywhere; }
p, li, dd, td, th, summary { overflow-wrap: anywhere; }
.muted, .legend, .axis, .refs, footer { color: var(--muted); }
.lead { color: var(--fg); }
.banner { padding: 10px 12px; border-radius: 8px; margin: 0.8em 0; }
.banner.ok { background: #eef7ee; border: 1px solid #a5d6a7; }
.banner.stopped { background: #fff4e5; border: 1px solid #f0b45b; }
.next { font-weight: 600; }
dl.facts { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: 4px 14px; margin: 0.6em 0; }
dt { color: var(--muted); }
dd { margin: 0; min-width: 0; }
.tiles { display: grid; grid-template-columns: repeat(auto-fill, minmax(118px, 1fr)); gap: 8px; margin: 0.8em 0; }
.tile { background: var(--card); border-radius: 8px; padding: 8px 10px; border-left: 6px solid var(--c); font-size: 0.9rem; }
.tile .n { display: block; font-size: 1.5rem; font-weight: 650; font-variant-numeric: tabular-nums; }
svg { display: block; width: 100%; }
svg.bar { height: 22px; margin: 4px 0; }
svg.bar.thin { height: 12px; }
svg.columns { height: 180px; margin-top: 8px; }
svg.chart { height: 110px; }
.legend { display: flex; flex-wrap: wrap; gap: 2px 14px; font-size: 0.85rem; margin: 4px 0; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; background: var(--c); margin-right: 5px; }
.key { border-bottom: 3px solid var(--c); }
.route { margin: 0 0 12px; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
.shares { display: grid; grid-template-columns: repeat(auto-fit, minmax(200px, 1fr)); gap: 4px 24px; }
ul.reasons, ul.hints { padding-left: 0; list-style: none; }
ul.reasons li { margin: 0 0 12px; }
ul.hints li { background: #e8f0fe; border-radius: 6px; padding: 6px 10px; margin: 6px 0; }
.refs { font-size: 0.85rem; }
.axis { display: flex; justify-content: space-between; gap: 8px; font-size: 0.8rem; margin: 2px 0; flex-wrap: wrap; }
.chart-title { margin-top: 12px; font-size: 0.9rem; }
table { width: 100%; border-collapse: collapse; table-layout: fixed; font-size: 0.9rem; }
th, td { padding: 4px 6px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
table.messages td.num { width: 5.5em; }
table.days th:first-child { width: 40%; }
details { margin: 8px 0; }
summary { cursor: pointer; color: var(--muted); }
footer { margin: 2.5em 0 1em; font-size: 0.8rem; border-top: 1px solid var(--line); padding-top: 8px; }
@media (max-width: 480px) {
  main { padding: 12px; }
  h1 { font-size: 1.25rem; }
  dl.facts { grid-template-columns: minmax(0, 1fr); gap: 0; }
  dt { margin-top: 6px; }
  .tiles { grid-template-columns: repeat(2, minmax(0, 1fr)); }
  .tile .n { font-size: 1.25rem; }
}
@media print {
  @page { size: A4; margin: 14mm 12mm; }
  body { font-size: 10pt; }
  main { max-width: none; padding: 0; }
  h2 { break-after: avoid; }
  section, .route, ul.reasons li, .tile { break-inside: avoid; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  details { display: none; }
}
`
