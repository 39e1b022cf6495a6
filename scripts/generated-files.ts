import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'

/** A file a generator writes, and what it must hold. */
export interface GeneratedFile {
  file: string
  content: string
}

export function readIfExists(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
}

/**
 * Writes the files that differ from what they must hold; with `check`, writes
 * nothing and exits 1 naming them (`extraStale`: more problems found by the caller).
 */
export function writeOrCheck(files: GeneratedFile[], options: { check: boolean; command: string; extraStale?: string[] }): void {
  const stale: string[] = [...(options.extraStale ?? [])]
  for (const { file, content } of files) {
    const relative = path.relative(process.cwd(), file)
    if (readIfExists(file) === content) continue
    if (options.check) {
      stale.push(relative)
    } else {
      mkdirSync(path.dirname(file), { recursive: true })
      writeFileSync(file, content)
      console.log(`wrote ${relative}`)
    }
  }
  if (stale.length > 0) {
    console.error(`Stale generated files (run \`${options.command}\`):\n  ${stale.join('\n  ')}`)
    process.exit(1)
  }
  if (options.check) console.log(`generated files are up to date (${options.command})`)
}
