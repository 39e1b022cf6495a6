/**
 * `send --html <file>`: the path is checked before anything is read or sent
 * (exit 2, as for --report), and the page is written when the run ends,
 * interrupted or not.
 */
import { constants } from 'node:fs'
import { access, stat, writeFile } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { InputOutputError, UsageError, ioErrorMessage } from '../errors'
import { renderHtmlReport } from './render'
import type { ReportedRun } from './series'

export interface OtherPaths {
  inputs: readonly string[]
  report?: string
  resume?: readonly string[]
}

/**
 * Refuses a path that is one of the run's other files (an input, the
 * report, a --resume report: the page would overwrite it) or that cannot be
 * written; creates nothing.
 */
export async function checkHtmlPath(path: string, others: OtherPaths): Promise<void> {
  const target = resolve(path)
  const clashes: Array<[string, readonly string[]]> = [
    ['an input', others.inputs.filter((input) => input !== '-')],
    ['the --report file', others.report === undefined ? [] : [others.report]],
    ['a --resume report', others.resume ?? []]
  ]
  for (const [what, paths] of clashes) {
    if (paths.some((other) => resolve(other) === target)) {
      throw new UsageError(`--html ${path} is also ${what}: write the page to another file`)
    }
  }
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
