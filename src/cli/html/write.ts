/**
 * `send --html <file>`: the path is checked before anything is read or sent
 * (exit 2, as for --report), and the page is written when the run ends,
 * interrupted or not.
 */
import { constants } from 'node:fs'
import { access, stat, writeFile } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { InputOutputError, ioErrorMessage } from '../errors'
import { checkOutputPaths } from '../output-paths'
import { renderHtmlReport } from './render'
import type { ReportedRun } from './series'

export interface OtherPaths {
  inputs: readonly string[]
  mapping?: string
  report?: string
  resume?: readonly string[]
}

/**
 * Refuses a path that is one of the run's other files (an input or a file in
 * an input folder, the mapping, the report, a --resume report: the page
 * would overwrite it; compared as the --report file is, by ../output-paths)
 * or that cannot be written; creates nothing.
 */
export async function checkHtmlPath(path: string, others: OtherPaths): Promise<void> {
  await checkOutputPaths({ ...others, html: path })
  const target = resolve(path)
  try {
    const found = await stat(target).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined
      throw error
    })
    if (found?.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' })
    await access(found ? target : dirname(target), constants.W_OK)
  } catch (error) {
    throw new InputOutputError(`cannot write the HTML report ${path}: ${ioErrorMessage(error)}`)
  }
}

/** Writes the page of `run`; `secrets` (the access token) are removed from every text on it. */
export async function writeHtmlReport(
  path: string,
  run: ReportedRun,
  secrets: readonly (string | undefined)[] = []
): Promise<void> {
  try {
    await writeFile(path, renderHtmlReport(run, { secrets }), 'utf8')
  } catch (error) {
    throw new InputOutputError(`cannot write the HTML report ${path}: ${ioErrorMessage(error)}`)
  }
}
