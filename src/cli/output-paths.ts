/**
 * The files a run writes (--report, --html) are never files it reads: an
 * input, a file in an input folder, the --mapping file, a --resume report, nor
 * each other. Files are compared as the file system sees them (device and
 * inode, real paths), not as they are spelled: the same file under another
 * path, through a symbolic link or a hard link is the same file. One check for
 * both outputs, run before anything is opened for writing (UsageError: exit 2).
 */
import type { Stats } from 'node:fs'
import { lstat, readlink, realpath, stat } from 'node:fs/promises'
import { basename, dirname, join, resolve, sep } from 'node:path'
import { UsageError } from './errors'
import { folderFilePaths } from './sources'

export interface RunPaths {
  /** Files, folders, and "-" for stdin. */
  inputs: readonly string[]
  mapping?: string
  resume?: readonly string[]
  report?: string
  html?: string
}

/** A path as the file system resolves it: its real path, and its device and inode when it exists. */
interface RealFile {
  real: string
  id?: string
  folder: boolean
}

/** Refuses (UsageError) a --report or --html that is one of the run's other files, or lies in an input folder. */
export async function checkOutputPaths(paths: RunPaths): Promise<void> {
  const outputs: Array<[flag: string, path: string | undefined, advice: string]> = [
    ['--report', paths.report, 'write the report to another file'],
    ['--html', paths.html, 'write the page to another file']
  ]
  const inputs = paths.inputs.filter((input) => input !== '-')
  for (const [flag, path, advice] of outputs) {
    if (path === undefined) continue
    const output = await realFile(path)
    const others: Array<[what: string, paths: readonly string[]]> = [
      ['an input', inputs],
      ['the --mapping file', paths.mapping === undefined ? [] : [paths.mapping]],
      ['a --resume report', paths.resume ?? []],
      ['the --report file', flag === '--html' && paths.report !== undefined ? [paths.report] : []]
    ]
    for (const [what, candidates] of others) {
      for (const other of candidates) {
        const file = await realFile(other)
        if (file.folder && what === 'an input') {
          await checkNotInFolder(flag, path, output, other, file)
        } else if (sameFile(output, file)) {
          const named = other === path ? '' : ` (${other}, the same file)`
          throw new UsageError(
            `${flag} ${path} is also ${what}${named}: ${advice}${flag === '--report' && what === 'a --resume report' ? ' (the old one is read, not rewritten)' : ''}`
          )
        }
      }
    }
  }
}

/** An output inside an input folder would be read back as input (by this run, or the next): refused. */
async function checkNotInFolder(
  flag: string,
  path: string,
  output: RealFile,
  folder: string,
  real: RealFile
): Promise<void> {
  const inside = output.real.startsWith(real.real.endsWith(sep) ? real.real : real.real + sep)
  // A hard link elsewhere to a file of the folder is that file.
  const linked =
    !inside && output.id !== undefined
      ? await firstSame(output, await folderFilePaths(folder).catch(() => []))
      : undefined
  if (inside || linked !== undefined) {
    const what = flag === '--report' ? 'the report' : 'the page'
    throw new UsageError(
      `${flag} ${path} is ${linked === undefined ? 'inside' : `the same file as ${linked}, in`} the input folder ${folder}, whose files are read as input: write ${what} outside it`
    )
  }
}

async function firstSame(output: RealFile, paths: readonly string[]): Promise<string | undefined> {
  for (const path of paths) if (sameFile(output, await realFile(path))) return path
  return undefined
}

function sameFile(a: RealFile, b: RealFile): boolean {
  return a.id !== undefined && b.id !== undefined ? a.id === b.id : a.real === b.real
}

/**
 * Where `path` leads: an existing file's real path and identity; for one not
 * there yet, its real folder joined with its name (a dangling symbolic link
 * followed to where writing would create the file).
 */
async function realFile(path: string, links = 0): Promise<RealFile> {
  const found: Stats | undefined = await stat(path).catch(() => undefined)
  if (found) {
    const real = await realpath(path).catch(() => resolve(path))
    return { real, id: `${found.dev}:${found.ino}`, folder: found.isDirectory() }
  }
  const link = await lstat(path).catch(() => undefined)
  if (link?.isSymbolicLink() && links < 40) {
    const target = await readlink(path).catch(() => undefined)
    if (target !== undefined) return realFile(resolve(dirname(path), target), links + 1)
  }
  const parent = await realpath(dirname(resolve(path))).catch(() => dirname(resolve(path)))
  return { real: join(parent, basename(path)), folder: false }
}
