/**
 * The last step of `npm run mutation`: reads Stryker's JSON report
 * (reports/mutation/mutation.json) and prints, per file and overall, the
 * mutants killed, timed out, survived, not covered and ignored, and the score,
 * as the Markdown table the README shows, then every survivor (file:line,
 * mutator, replacement) so each can be read and listed with its reason. Exits
 * 1 when the overall score is under 90 %, a file's under 85 %, or any mutant is
 * ignored: the code carries no mutation-tool comments (a killable mutant gets a
 * test; an equivalent one stays a survivor, listed in the README).
 *
 *   npm run -s mutation:summary [-- <report.json>]
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'

const OVERALL_MINIMUM = 90
const FILE_MINIMUM = 85
interface Mutant {
  status: string
  mutatorName?: string
  replacement?: string
  location?: { start: { line: number } }
}
interface Report {
  files: Record<string, { mutants: Mutant[] }>
}

interface Counts {
  killed: number
  timeout: number
  survived: number
  noCoverage: number
  ignored: number
  other: number
}

const empty = (): Counts => ({ killed: 0, timeout: 0, survived: 0, noCoverage: 0, ignored: 0, other: 0 })

function count(mutants: Mutant[], into: Counts = empty()): Counts {
  for (const { status } of mutants) {
    if (status === 'Killed') into.killed++
    else if (status === 'Timeout') into.timeout++
    else if (status === 'Survived') into.survived++
    else if (status === 'NoCoverage') into.noCoverage++
    else if (status === 'Ignored') into.ignored++
    // CompileError, RuntimeError, Pending: not part of the score.
    else into.other++
  }
  return into
}

/** Stryker's mutation score: detected (killed or timed out) over valid mutants, ignored ones left out. */
function score(c: Counts): number {
  const valid = c.killed + c.timeout + c.survived + c.noCoverage
  return valid === 0 ? 100 : (100 * (c.killed + c.timeout)) / valid
}

const file = process.argv[2] ?? path.join('reports', 'mutation', 'mutation.json')
const report = JSON.parse(readFileSync(file, 'utf8')) as Report
const prefix = /^src\/(destinations\/tiktok-offline-conversions\/)?/
const rows = Object.entries(report.files)
  .map(([name, { mutants }]) => ({ name: name.replace(/\\/g, '/').replace(prefix, ''), counts: count(mutants) }))
  .sort((a, b) => a.name.localeCompare(b.name))
const total = empty()
for (const { counts } of rows) {
  for (const key of Object.keys(total) as Array<keyof Counts>) total[key] += counts[key]
}

const line = (cells: Array<string | number>) => `| ${cells.join(' | ')} |`
const cells = (name: string, c: Counts) => [
  name,
  `${score(c).toFixed(2)} %`,
  c.killed,
  c.timeout,
  c.survived,
  c.noCoverage,
  c.ignored
]
console.log(line(['File', 'Score', 'Killed', 'Timed out', 'Survived', 'No coverage', 'Ignored']))
console.log(line(['---', '---:', '---:', '---:', '---:', '---:', '---:']))
for (const { name, counts } of rows) console.log(line(cells(name, counts)))
console.log(line(cells('**All files**', total)).replace(/\| ([\d.]+ %) \|/, '| **$1** |'))

const mutants = total.killed + total.timeout + total.survived + total.noCoverage + total.ignored + total.other
console.log(`\n${mutants} mutants; ${total.ignored} ignored`)

const survivors = Object.entries(report.files).flatMap(([name, { mutants: list }]) =>
  list
    .filter(({ status }) => status === 'Survived' || status === 'NoCoverage')
    .map(
      (m) =>
        `${name.replace(prefix, '')}:${m.location?.start.line ?? '?'} ${m.mutatorName ?? ''} → ${m.replacement ?? ''}`
    )
)
if (survivors.length > 0) console.log(`\nSurvivors:\n${survivors.map((line) => `- ${line}`).join('\n')}`)

const problems = [
  ...(score(total) < OVERALL_MINIMUM
    ? [`overall score ${score(total).toFixed(2)} % is under ${OVERALL_MINIMUM} %`]
    : []),
  ...rows
    .filter(({ counts }) => score(counts) < FILE_MINIMUM)
    .map(({ name, counts }) => `${name}: ${score(counts).toFixed(2)} % is under ${FILE_MINIMUM} %`),
  ...(total.ignored > 0 ? [`${total.ignored} mutants are ignored: the code must carry no mutation-tool comments`] : [])
]
if (problems.length > 0) {
  console.error(`\nmutation testing: ${problems.join('; ')}`)
  process.exit(1)
}
