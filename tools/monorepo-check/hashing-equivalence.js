#!/usr/bin/env node
// The hashing step of npm run check:monorepo: holds this project's src/lib/hashing-utils.ts
// equal to Segment's own module (packages/destination-actions/src/lib/hashing-utils.ts, as
// the published @segment/action-destinations carries it compiled: dist/lib/hashing-utils.js).
// Ours is compiled here with the tools' TypeScript (transpileModule: no build of the project,
// nothing of its node_modules). Every case runs on both; each must give the same result, or
// throw an error of the same name and message, and call the cleaning function the same way.
// Usage: node hashing-equivalence.js <ours.ts> <segment's hashing-utils.js>   (exit 1 on a difference)
'use strict'
const fs = require('fs')
const os = require('os')
const path = require('path')
const ts = require('typescript')

const [oursTs, segmentJs] = process.argv.slice(2).map((p) => p && path.resolve(p))
if (!oursTs || !segmentJs) {
  console.error('usage: node hashing-equivalence.js <ours.ts> <segment hashing-utils.js>')
  process.exit(2)
}

function loadOurs() {
  const source = fs.readFileSync(oursTs, 'utf8')
  const { outputText, diagnostics } = ts.transpileModule(source, {
    fileName: oursTs,
    reportDiagnostics: true,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020, esModuleInterop: true }
  })
  if (diagnostics && diagnostics.length > 0) {
    throw new Error(ts.formatDiagnostics(diagnostics, ts.createCompilerHost({})))
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hashing-equivalence-'))
  const file = path.join(dir, 'hashing-utils.js')
  fs.writeFileSync(file, outputText)
  try {
    return require(file)
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

const ours = loadOurs()
const segment = require(segmentJs)
if (ours === segment) throw new Error('both sides are the same module')

// --- inputs ---------------------------------------------------------------------------

/** A deterministic generator (mulberry32), so every run compares the same cases. */
function random(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = seed
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
const next = random(20261206)
const pick = (list) => list[Math.floor(next() * list.length)]
const stringOf = (alphabet, length) => Array.from({ length }, () => pick(alphabet)).join('')

const HEX = [...'0123456789abcdefABCDEF']
const BASE64 = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/']
const ANY = [...HEX, ...BASE64, '=', ' ', '\t', '\n', '-', '_', '@', '.', 'é', '😀', '日', 'g', 'G', 'z', '\u00a0']

const methods = segment.EncryptionMethods
const digests = segment.DigestTypes
// Segment's own digests of 'abc', through its module: the pre-hashed values every method and type sees.
const digestsOfAbc = methods.flatMap((m) => digests.map((d) => segment.processHashing('abc', m, d)))
const lengths = methods.flatMap((m) => [segment.hashConfigs[m].lengthHex, segment.hashConfigs[m].lengthBase64])

const values = [
  // blank and whitespace only
  '',
  ' ',
  '  ',
  '\t',
  '\n',
  '\r\n',
  '\t\n ',
  '\u00a0',
  '\u2003',
  '\ufeff',
  '\u3000',
  '\u200b',
  // plain values, with and without surrounding whitespace
  'abc',
  'ABC',
  ' abc ',
  '\tabc\n',
  'a',
  '0',
  'Jane.Doe@Example.COM',
  ' Jane.Doe@Example.COM\n',
  'jane.doe@example.com',
  '+1 (415) 555-0132',
  '  +44 20 7946 0958  ',
  'user-123',
  ' USER-123 ',
  '{"event":"CompletePayment"}',
  'a'.repeat(10000),
  // non-ASCII
  'é',
  'e\u0301',
  ' Ünïcödé ',
  'José.Müller@Exämple.de',
  '😀',
  '👩‍👩‍👧',
  ' 😀 ',
  '日本語',
  '中文',
  '한국어',
  'العربية',
  '\ud800',
  '\u0000',
  'ß',
  'İ',
  // 63 and 65 hex characters around a SHA-256 digest; one not hex
  'a'.repeat(63),
  'a'.repeat(64),
  'A'.repeat(64),
  'a'.repeat(65),
  `${'0'.repeat(63)}g`
]
for (const hashed of digestsOfAbc) {
  values.push(
    hashed,
    hashed.toUpperCase(),
    hashed.toLowerCase(),
    hashed.slice(0, hashed.length / 2).toUpperCase() + hashed.slice(hashed.length / 2),
    ` ${hashed}`,
    `${hashed} `,
    `${hashed}\n`,
    hashed.slice(0, -1),
    `${hashed}0`,
    `${hashed}=`,
    hashed.replace(/=+$/, ''),
    hashed.replace(/\+/g, '-').replace(/\//g, '_'),
    `${hashed.slice(0, 4)}=${hashed.slice(5)}`
  )
}
// base64 shapes at every base64 length: no padding, one '=', two, three, '=' inside
for (const length of lengths) {
  values.push(
    'A'.repeat(length),
    `${'B'.repeat(length - 1)}=`,
    `${'C'.repeat(length - 2)}==`,
    `${'D'.repeat(length - 3)}===`,
    `${'E'.repeat(length - 2)}=F`,
    `${'+/'.repeat(length / 2)}`
  )
}
// random values: hex at and around each length (either case), base64 at and around, anything
for (const length of lengths) {
  for (const delta of [-1, 0, 0, 0, 1]) {
    values.push(stringOf(HEX, length + delta), stringOf(BASE64, length + delta))
  }
  values.push(stringOf(BASE64, length - 1) + '=', stringOf(BASE64, length - 2) + '==')
}
for (let i = 0; i < 120; i++) values.push(stringOf(ANY, Math.floor(next() * 100)))

const cleaners = [
  ['none', undefined],
  ['trim', (v) => v.trim()],
  ['trim, lowercase', (v) => v.trim().toLowerCase()],
  ['uppercase', (v) => v.toUpperCase()],
  ['remove whitespace', (v) => v.replace(/\s/g, '')],
  ['digits only', (v) => v.replace(/\D/g, '')],
  ['leaves nothing', () => ''],
  ['leaves whitespace', () => ' \t\n'],
  ['a digest', () => digestsOfAbc[7]],
  [
    'throws',
    () => {
      throw new TypeError('the cleaning function failed')
    }
  ]
]

// Outside the types: both sides refuse these the same way (or agree on what they do).
const oddMethods = ['sha3-256', 'SHA256', 'md4', '']
const oddDigests = ['latin1', 'binary', 'HEX', '']

// --- comparison -------------------------------------------------------------------------

/** What a call gave: its value, or the error it threw (name, message, whether it is that module's EmptyValueError). */
function outcome(run, m) {
  try {
    return { value: run() }
  } catch (error) {
    const { name, message } = error || {}
    return { threw: { name, message, emptyValueError: error instanceof m.EmptyValueError } }
  }
}

let compared = 0
const differences = []
const counts = { processHashing: 0, isAlreadyHashed: 0, exports: 0 }
function compare(kind, label, onOurs, onSegment) {
  compared++
  counts[kind]++
  const a = JSON.stringify(onOurs)
  const b = JSON.stringify(onSegment)
  if (a !== b) differences.push(`${kind} ${label}\n    ours:    ${a}\n    Segment: ${b}`)
}

// The exports.
compare('exports', 'EncryptionMethods', ours.EncryptionMethods, segment.EncryptionMethods)
compare('exports', 'DigestTypes', ours.DigestTypes, segment.DigestTypes)
compare('exports', 'hashConfigs', ours.hashConfigs, segment.hashConfigs)
compare('exports', 'names', Object.keys(ours).sort(), Object.keys(segment).sort())
const emptyValueError = (m) => {
  const e = new m.EmptyValueError('a message')
  return { name: e.name, message: e.message, isError: e instanceof Error, own: e instanceof m.EmptyValueError }
}
compare('exports', 'new EmptyValueError', emptyValueError(ours), emptyValueError(segment))

const pairs = [
  ...methods.flatMap((m) => digests.map((d) => [m, d])),
  ...oddMethods.map((m) => [m, 'hex']),
  ...oddDigests.map((d) => ['sha256', d]),
  ['sha3-256', 'latin1']
]

for (const value of values) {
  for (const [method, digest] of pairs) {
    const label = `(${JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value)}, ${method}, ${digest}`
    compare(
      'isAlreadyHashed',
      `${label})`,
      outcome(() => ours.isAlreadyHashed(value, method, digest), ours),
      outcome(() => segment.isAlreadyHashed(value, method, digest), segment)
    )
    for (const [name, clean] of cleaners) {
      const run = (m) => {
        const calls = []
        const spy = clean && ((v) => (calls.push(v), clean(v)))
        return { ...outcome(() => m.processHashing(value, method, digest, spy), m), calls }
      }
      compare('processHashing', `${label}, cleaning: ${name})`, run(ours), run(segment))
    }
  }
}

// The harness itself: the cases must reach every outcome, or they prove little.
const reached = { hashed: 0, unchanged: 0, blank: 0, empty: 0, unsupported: 0 }
for (const value of values) {
  for (const [method, digest] of pairs) {
    for (const [, clean] of cleaners) {
      const r = outcome(() => segment.processHashing(value, method, digest, clean), segment)
      if (r.threw) {
        if (r.threw.name === 'EmptyValueError') reached.empty++
        else if (/^Unsupported/.test(r.threw.message)) reached.unsupported++
      } else if (r.value === '') reached.blank++
      else if (r.value === value) reached.unchanged++
      else reached.hashed++
    }
  }
}
const unreached = Object.entries(reached).filter(([, n]) => n === 0)

for (const d of differences.slice(0, 20)) console.log(`DIFFERENT  ${d}`)
if (differences.length > 20) console.log(`… and ${differences.length - 20} more differences`)
console.log(
  `hashing: ${compared} cases compared (processHashing ${counts.processHashing}, isAlreadyHashed ${counts.isAlreadyHashed}, ` +
    `exports ${counts.exports}; ${values.length} values × ${pairs.length} method/digest pairs × ${cleaners.length} cleaning functions), ` +
    `${differences.length} different`
)
console.log(
  `   outcomes reached (Segment's): hashed ${reached.hashed}, returned unchanged ${reached.unchanged}, blank ${reached.blank}, ` +
    `EmptyValueError ${reached.empty}, unsupported method or digest ${reached.unsupported}`
)
if (unreached.length > 0) console.log(`hashing: no case reached: ${unreached.map(([k]) => k).join(', ')}`)
process.exit(differences.length > 0 || unreached.length > 0 ? 1 : 0)
