/**
 * tools/monorepo-check/boundaries.js (the boundaries step of npm run check:monorepo), run as
 * the script runs it, on scratch destination folders laid out as in Segment's monorepo:
 * the one import allowed out of a destination folder is Segment's hashing module,
 * packages/destination-actions/src/lib/hashing-utils; every other relative import that
 * leaves the folder is an error.
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

const BOUNDARIES = path.join(__dirname, '..', '..', 'tools', 'monorepo-check', 'boundaries.js')

let scratch: string
beforeAll(() => {
  scratch = mkdtempSync(path.join(tmpdir(), 'boundaries-test-'))
})
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true })
})

let folders = 0
/** Writes the files (path in the folder → text) into a new destination folder and runs boundaries.js on it. */
function check(
  files: Record<string, string>,
  layout = 'packages/destination-actions/src/destinations'
): { status: number | null; errors: string[] } {
  const root = path.join(scratch, String(folders++))
  const lib = path.join(root, 'packages/destination-actions/src/lib')
  mkdirSync(lib, { recursive: true })
  writeFileSync(path.join(lib, 'hashing-utils.ts'), 'export const processHashing = (value: string): string => value\n')
  writeFileSync(path.join(lib, 'other.ts'), 'export const other = 1\n')
  const folder = path.join(root, layout, 'scratch-destination')
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(folder, name)), { recursive: true })
    writeFileSync(path.join(folder, name), text)
  }
  const run = spawnSync(process.execPath, [BOUNDARIES, folder], { encoding: 'utf8' })
  const errors = run.stdout
    .split('\n')
    .filter((line) => line.startsWith('error'))
    .map((line) => line.replace(/^error\s+/, ''))
  return { status: run.status, errors }
}

const leaves = (at: string, spec: string): string => `${at}  relative import leaves the destination folder: '${spec}'`

describe('boundaries.js: the one import out of a destination folder is lib/hashing-utils', () => {
  test('from the folder, a subfolder and its tests (import, export from, require, jest.mock): allowed', () => {
    const result = check({
      'index.ts': "import { processHashing } from '../../lib/hashing-utils'\nexport default processHashing\n",
      'reexport.ts': "export { processHashing } from '../../lib/hashing-utils'\n",
      'action/index.ts': "import { processHashing } from '../../../lib/hashing-utils'\nexport default processHashing\n",
      'tiktok/client.ts':
        "import type { processHashing } from '../../../lib/hashing-utils'\nexport type P = typeof processHashing\n",
      '__tests__/a.test.ts': [
        "jest.mock('../../../lib/hashing-utils')",
        "const lib = require('../../../lib/hashing-utils')",
        "import('../../../lib/hashing-utils').then(() => lib)",
        ''
      ].join('\n')
    })
    expect(result).toEqual({ status: 0, errors: [] })
  })

  test('another module of lib, from the folder or a subfolder: refused', () => {
    const result = check({
      'index.ts': "import { other } from '../../lib/other'\nexport default other\n",
      'action/index.ts': "export { other } from '../../../lib/other'\n",
      '__tests__/a.test.ts': "jest.mock('../../../lib/other')\n"
    })
    expect(result.status).toBe(1)
    expect(result.errors).toEqual([
      leaves(path.join('__tests__', 'a.test.ts') + ':1:11', '../../../lib/other'),
      leaves(path.join('action', 'index.ts') + ':1:23', '../../../lib/other'),
      leaves('index.ts:1:23', '../../lib/other')
    ])
  })

  test('the hashing module written otherwise, or a path that resolves elsewhere: refused', () => {
    const specs = [
      '../../lib/hashing-utils.ts',
      '../../lib/hashing-utils.js',
      '../../lib/hashing-utils/index',
      '../../lib/hashing-utils/',
      // one level too many (packages/destination-actions/lib) or too few (src/destinations/lib)
      '../../../lib/hashing-utils',
      '../lib/hashing-utils',
      '../other-destination/hashing-utils'
    ]
    const files = Object.fromEntries(specs.map((spec, i) => [`f${i}.ts`, `export * from '${spec}'\n`]))
    const result = check(files)
    expect(result.status).toBe(1)
    expect(result.errors).toEqual(specs.map((spec, i) => leaves(`f${i}.ts:1:15`, spec)))
  })

  test('from a subfolder, the root-level path (it resolves to src/destinations/lib): refused', () => {
    const result = check({ 'action/index.ts': "export * from '../../lib/hashing-utils'\n" })
    expect(result.errors).toEqual([leaves(path.join('action', 'index.ts') + ':1:15', '../../lib/hashing-utils')])
  })

  test('an absolute path to the hashing module: refused', () => {
    const root = path.join(scratch, String(folders))
    const absolute = path.join(root, 'packages/destination-actions/src/lib/hashing-utils')
    const result = check({ 'index.ts': `export * from '${absolute}'\n` })
    expect(result.errors).toEqual([leaves('index.ts:1:15', absolute)])
  })

  test('a folder that is not in src/destinations may import nothing from outside itself', () => {
    const result = check(
      { 'index.ts': "export * from '../../lib/hashing-utils'\n" },
      'packages/destination-actions/src/x'
    )
    expect(result.status).toBe(1)
    expect(result.errors).toEqual([leaves('index.ts:1:15', '../../lib/hashing-utils')])
  })
})
