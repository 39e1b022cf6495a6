/**
 * Writes every generated-types.ts from the field definitions, the way Segment's
 * own generator (actions-cli `generate:types`) does, so the files have exactly
 * the shape Segment's tooling expects.
 *
 *   npm run types          write the files
 *   npm run types:check    fail when a file is stale
 */
import path from 'node:path'
import { fieldsToJsonSchema } from '@segment/actions-core'
import { compile } from 'json-schema-to-typescript'
import type { JSONSchema4 } from 'json-schema'
import destination from '../src/destinations/tiktok-offline-conversions'
import { writeOrCheck, type GeneratedFile } from './generated-files'

const DESTINATION_DIR = path.join(__dirname, '..', 'src', 'destinations', 'tiktok-offline-conversions')
const BANNER = '// Generated file. DO NOT MODIFY IT BY HAND.'
/** Segment's prettier style (action-destinations/.prettierrc). */
const STYLE = { semi: false, singleQuote: true, trailingComma: 'none', printWidth: 120, tabWidth: 2 } as const

/** Segment's generator drops `title` and `enum` recursively, so labels and choices do not shape the types. */
function removeExtra(schema: JSONSchema4): JSONSchema4 {
  const copy: JSONSchema4 = { ...schema }
  delete copy.title
  delete copy.enum
  if (copy.type === 'object' && copy.properties) {
    const properties: Record<string, JSONSchema4> = {}
    for (const [key, property] of Object.entries(copy.properties)) properties[key] = removeExtra(property)
    copy.properties = properties
  } else if (copy.type === 'array' && copy.items && !Array.isArray(copy.items)) {
    copy.items = removeExtra(copy.items)
  }
  return copy
}

async function generateTypes(fields: Parameters<typeof fieldsToJsonSchema>[0], name: 'Settings' | 'Payload'): Promise<string> {
  const schema = removeExtra(fieldsToJsonSchema(fields, { tsType: true }) as JSONSchema4)
  return compile(schema, name, { bannerComment: BANNER, style: STYLE })
}

export type { GeneratedFile } from './generated-files'

export async function generatedFiles(): Promise<GeneratedFile[]> {
  const files: GeneratedFile[] = [
    {
      file: path.join(DESTINATION_DIR, 'generated-types.ts'),
      content: await generateTypes(destination.authentication?.fields ?? {}, 'Settings')
    }
  ]
  for (const [key, action] of Object.entries(destination.actions)) {
    files.push({
      file: path.join(DESTINATION_DIR, key, 'generated-types.ts'),
      content: await generateTypes(action.fields, 'Payload')
    })
  }
  return files
}

async function main(): Promise<void> {
  writeOrCheck(await generatedFiles(), { check: process.argv.includes('--check'), command: 'npm run types' })
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error)
    process.exit(1)
  })
}
