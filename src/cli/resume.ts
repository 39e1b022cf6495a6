/**
 * --resume: what earlier runs delivered, read from their reports, so a run can
 * skip it. A delivery is known by what TikTok de-duplicates by: the event_id
 * sent and the TikTok event name (report lines of delivered and skipped events
 * carry both), and counts only when it went to the same target as this run
 * (the lines' `target`): a dry run's "delivered" skips nothing real, a
 * sandbox's skips nothing at TikTok. Lines of earlier versions name no target;
 * they are used only when asked (`untargeted`), keyed by event_id alone. The
 * deliveries are kept in a DeliveredSet (./delivered-set), in bounded memory.
 */
import { createReadStream } from 'node:fs'
import { createInterface } from 'node:readline'
import { DeliveredSet } from './delivered-set'
import { InputOutputError, UsageError, ioErrorMessage } from './errors'
import { isObject } from './values'

export interface ResumeSource {
  /** The reports read, as given. */
  reports: string[]
  /** Distinct deliveries to this run's target they record (what is skipped). */
  deliveries: number
  /** Lines that were not report lines: a run killed while writing leaves a cut last line. */
  unreadableLines: number
  /** Deliveries recorded for other targets, by target: not used (present when there are any). */
  otherTargets?: Record<string, number>
  /** Delivered lines that name no target (reports of earlier versions), and whether they were used (--resume-untargeted). */
  untargeted?: { lines: number; used: boolean }
  /** Delivered lines without an event_id (skipped lines of earlier versions): not used. */
  withoutEventId?: number
}

export interface Resume extends ResumeSource {
  delivered: DeliveredSet
}

export interface ResumeOptions {
  /** This run's target (./target's targetId). */
  target: string
  /** Use the lines that name no target (earlier versions) as deliveries to this target. */
  untargeted?: boolean
}

/** Reads the deliveries of earlier reports. Missing or foreign files are errors (exit 2), found before anything is sent. */
export async function readResume(paths: readonly string[], options: ResumeOptions): Promise<Resume> {
  const delivered = new DeliveredSet()
  const otherTargets: Record<string, number> = {}
  let unreadableLines = 0
  let untargeted = 0
  let withoutEventId = 0
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
        if (line.outcome !== 'delivered' && line.outcome !== 'skipped') continue
        if (typeof line.target !== 'string') {
          untargeted++
          if (!options.untargeted) continue
        } else if (line.target !== options.target) {
          otherTargets[line.target] = (otherTargets[line.target] ?? 0) + 1
          continue
        }
        if (typeof line.eventId !== 'string') {
          withoutEventId++
          continue
        }
        delivered.add(line.eventId, typeof line.event === 'string' ? line.event : null)
      }
    } catch (error) {
      throw new InputOutputError(`cannot read the report ${path} (--resume): ${ioErrorMessage(error)}`)
    }
    if (reportLines === 0 && unreadableLines > 0) {
      throw new UsageError(`--resume ${path}: not a report of this runner (no line has an outcome and a messageId)`)
    }
  }
  return {
    reports: [...paths],
    deliveries: delivered.size,
    unreadableLines,
    ...(Object.keys(otherTargets).length > 0 ? { otherTargets } : {}),
    ...(untargeted > 0 ? { untargeted: { lines: untargeted, used: options.untargeted === true } } : {}),
    ...(withoutEventId > 0 ? { withoutEventId } : {}),
    delivered
  }
}

interface ReportedOutcome {
  messageId?: unknown
  outcome?: unknown
  target?: unknown
  event?: unknown
  eventId?: unknown
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
