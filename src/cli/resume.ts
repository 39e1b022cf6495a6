/**
 * --resume: what earlier runs delivered, read from their reports, so a run can
 * skip it. An event is known by its messageId and the subscription (preset)
 * that delivered it: an event two subscriptions match and one of them
 * delivered is sent again only to the other. The deliveries are kept in a
 * DeliveredSet (./delivered-set), in bounded memory.
 */
import { createReadStream } from 'node:fs'
import { createInterface } from 'node:readline'
import { DeliveredSet } from './delivered-set'
import { InputOutputError, UsageError, ioErrorMessage } from './errors'
import { isObject } from './values'

export interface ResumeSource {
  /** The reports read, as given. */
  reports: string[]
  /** Distinct deliveries they record. */
  deliveries: number
  /** Lines that were not report lines: a run killed while writing leaves a cut last line. */
  unreadableLines: number
}

export interface Resume extends ResumeSource {
  delivered: DeliveredSet
}

/** Reads the deliveries of earlier reports. Missing or foreign files are errors (exit 2), found before anything is sent. */
export async function readResume(paths: readonly string[]): Promise<Resume> {
  const delivered = new DeliveredSet()
  let unreadableLines = 0
  for (const path of paths) {
    let reportLines = 0
    const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity })
    try {
      for await (const text of lines) {
        if (text.trim() === '') continue
        const line = readLine(text)
        if (!line) {
          unreadableLines++
          continue
        }
        reportLines++
        if ((line.outcome === 'delivered' || line.outcome === 'skipped') && typeof line.messageId === 'string') {
          delivered.add(line.messageId, typeof line.preset === 'string' ? line.preset : null)
        }
      }
    } catch (error) {
      throw new InputOutputError(`cannot read the report ${path} (--resume): ${ioErrorMessage(error)}`)
    }
    if (reportLines === 0 && unreadableLines > 0) {
      throw new UsageError(`--resume ${path}: not a report of this runner (no line has an outcome and a messageId)`)
    }
  }
  return { reports: [...paths], deliveries: delivered.size, unreadableLines, delivered }
}

interface ReportedOutcome {
  messageId?: unknown
  preset?: unknown
  outcome?: unknown
}

function readLine(text: string): ReportedOutcome | undefined {
  try {
    const value: unknown = JSON.parse(text)
    if (!isObject(value)) return undefined
    const line: ReportedOutcome = value
    return typeof line.outcome === 'string' && 'messageId' in line ? line : undefined
  } catch {
    return undefined
  }
}
