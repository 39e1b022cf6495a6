import { execFileSync } from 'node:child_process'
import path from 'node:path'
import type { GeneratedFile } from '../generate-types'
import { readIfExists } from '../generated-files'
import { DOCS_DIR, generatedDocs, renderMapping, subscribedEvents, unexpectedDocs } from '../generate-docs'

const ROOT = path.join(__dirname, '..', '..')

const onDisk = readIfExists

function isGeneratedFileList(value: unknown): value is GeneratedFile[] {
  return (
    Array.isArray(value) &&
    value.every(
      (item: unknown) =>
        typeof item === 'object' &&
        item !== null &&
        typeof (item as Record<string, unknown>).file === 'string' &&
        typeof (item as Record<string, unknown>).content === 'string'
    )
  )
}

/**
 * generate-types.ts's own `generatedFiles()`, run in a child Node process: it formats
 * with prettier 3 (through json-schema-to-typescript), which loads its plugins with a
 * dynamic import() that jest's module sandbox refuses without --experimental-vm-modules.
 */
function generatedFiles(): GeneratedFile[] {
  const script = `require('./scripts/generate-types').generatedFiles().then((files) => process.stdout.write(JSON.stringify(files)))`
  const output = execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024
  })
  const files: unknown = JSON.parse(output)
  if (!isGeneratedFileList(files)) throw new Error(`generatedFiles() returned something else than files: ${output}`)
  return files
}

/** The files whose content on disk differs from what the generator makes now. */
function staleFiles(files: ReadonlyArray<{ file: string; content: string }>): string[] {
  return files.filter(({ file, content }) => onDisk(file) !== content).map(({ file }) => path.relative(ROOT, file))
}

describe('generated types are up to date with the field definitions', () => {
  const files = generatedFiles()

  it('writes the Settings file and one Payload file per action', () => {
    expect(files.map(({ file }) => path.relative(ROOT, file))).toEqual([
      'src/destinations/tiktok-offline-conversions/generated-types.ts',
      'src/destinations/tiktok-offline-conversions/trackPaymentOfflineConversion/generated-types.ts',
      'src/destinations/tiktok-offline-conversions/trackNonPaymentOfflineConversion/generated-types.ts',
      'src/destinations/tiktok-offline-conversions/reportOfflineEvent/generated-types.ts'
    ])
  })

  it('every generated-types.ts on disk equals what `npm run types` writes (run `npm run types` if this fails)', () => {
    const stale = staleFiles(files)
    expect({ stale, fix: stale.length > 0 ? 'run `npm run types` and commit the result' : 'none' }).toEqual({
      stale: [],
      fix: 'none'
    })
  })
})

describe('generated docs are up to date with the definition', () => {
  const docs = generatedDocs()

  it('writes the docs page and the definition manifest', () => {
    expect(docs.map(({ file }) => path.relative(ROOT, file))).toEqual([
      'docs/tiktok-offline-conversions.md',
      'docs/definition.json'
    ])
  })

  it('every file in docs/ equals what `npm run docs` writes (run `npm run docs` if this fails)', () => {
    const stale = staleFiles(docs)
    expect({ stale, fix: stale.length > 0 ? 'run `npm run docs` and commit the result' : 'none' }).toEqual({
      stale: [],
      fix: 'none'
    })
  })

  it('docs/ holds no file the generator does not write (delete leftovers, then run `npm run docs`)', () => {
    expect(unexpectedDocs(docs).map((file) => path.relative(DOCS_DIR, file))).toEqual([])
  })

  it('is deterministic: two runs give the same bytes (no timestamps, no random order)', () => {
    expect(generatedDocs()).toEqual(docs)
  })

  it('the manifest is valid JSON ending with a newline', () => {
    const manifest = docs.find(({ file }) => file.endsWith('definition.json'))
    expect(manifest?.content.endsWith('}\n')).toBe(true)
    expect(() => JSON.parse(manifest?.content ?? '')).not.toThrow()
  })
})

describe('docs render mapping directives readably', () => {
  it('a path', () => {
    expect(renderMapping({ '@path': '$.properties.order_id' })).toBe('`@path $.properties.order_id`')
  })

  it('nested @if "first that exists" chains as alternatives', () => {
    const chain = {
      '@if': {
        exists: { '@path': '$.properties.email' },
        then: { '@path': '$.properties.email' },
        else: {
          '@if': {
            exists: { '@path': '$.context.traits.email' },
            then: { '@path': '$.context.traits.email' },
            else: { '@path': '$.traits.email' }
          }
        }
      }
    }
    expect(renderMapping(chain)).toBe('`properties.email`, else `context.traits.email`, else `traits.email`')
  })

  it('an @if whose condition is not its value, as the directive itself', () => {
    const conditional = { '@if': { exists: { '@path': '$.properties.coupon' }, then: true, else: false } }
    expect(renderMapping(conditional)).toBe(
      '`{"@if":{"exists":{"@path":"$.properties.coupon"},"then":true,"else":false}}`'
    )
  })

  it('a list of mapped objects, item by item', () => {
    const item = { price: { '@path': '$.properties.price' }, content_id: { '@path': '$.properties.product_id' } }
    expect(renderMapping([item])).toBe('one item: price ← `properties.price`, content_id ← `properties.product_id`')
    expect(renderMapping([item, { price: 5 }])).toBe(
      'item 1: price ← `properties.price`, content_id ← `properties.product_id`; item 2: price ← `5`'
    )
  })

  it('an @arrayPath, literals, templates and no default', () => {
    expect(renderMapping({ '@arrayPath': ['$.properties.products', { price: { '@path': '$.price' } }] })).toBe(
      'each item of `properties.products`'
    )
    expect(renderMapping('product')).toBe('`product`')
    expect(renderMapping(true)).toBe('`true`')
    expect(renderMapping(1000)).toBe('`1000`')
    expect(renderMapping({ '@template': '{{properties.sku}}' })).toBe('`@template {{properties.sku}}`')
    expect(renderMapping(undefined)).toBe('—')
  })
})

describe('docs read the Segment event names out of FQL subscriptions', () => {
  it('one event', () => {
    expect(subscribedEvents('type = "track" and event = "Order Completed"')).toEqual(['Order Completed'])
  })

  it('alternatives', () => {
    expect(
      subscribedEvents('type = "track" and (event = "Callback Started" or event = "Subscription Created")')
    ).toEqual(['Callback Started', 'Subscription Created'])
  })

  it('anything else (other conditions, other types, invalid FQL) is shown as FQL instead', () => {
    expect(subscribedEvents('type = "track" and properties.value > 10')).toBeUndefined()
    expect(subscribedEvents('type = "identify"')).toBeUndefined()
    expect(subscribedEvents('event = "Order Completed"')).toBeUndefined()
    expect(subscribedEvents('type = "track" or event = "Order Completed"')).toBeUndefined()
    expect(subscribedEvents('type = ')).toBeUndefined()
  })
})
