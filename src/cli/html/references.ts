/**
 * Where to look: for each reason code, the first few input positions
 * (`file:index`, the index being the line of an NDJSON file or the element of
 * a JSON array, from 1, as in the report) of the values dropped for it and the
 * events refused for it. Bounded: a few references per code, and the codes are
 * the destination's (a few fields times a few reasons).
 */
import type { DropReason, RefusalReason } from '../../destinations/tiktok-offline-conversions/reasons'
import type { OutcomeFacts } from '../quality'
import type { ReportLine } from '../report'

export const MAX_REFERENCES = 5

export interface InputReference {
  file: string
  /** Line (NDJSON) or element (JSON array) in the file, from 1. */
  index: number
}

/** The first values dropped for one field and reason (their count is the summary's `quality.dropped`). */
export interface DroppedReferences {
  field: string
  reason: DropReason
  references: InputReference[]
}

/** Rejected events by the destination's reason code; `null`: rejected without one (by TikTok, or actions-core). */
export interface RefusedCount {
  reason: RefusalReason | null
  count: number
  references: InputReference[]
}

export interface ReferencesData {
  dropped: DroppedReferences[]
  /** Most events first. */
  refused: RefusedCount[]
}

export class ReasonReferences {
  private readonly dropped = new Map<string, DroppedReferences>()
  private readonly refused = new Map<RefusalReason | null, RefusedCount>()

  constructor(private readonly max = MAX_REFERENCES) {}

  /** One report line and what the destination said about it. */
  record(line: ReportLine, facts?: OutcomeFacts): void {
    const where = { file: line.file, index: line.index }
    if (line.outcome === 'rejected') {
      const reason = facts?.refusal?.reason ?? null
      const entry = this.refused.get(reason) ?? { reason, count: 0, references: [] }
      entry.count++
      this.keep(entry.references, where)
      this.refused.set(reason, entry)
    }
    const dropped = facts?.delivery?.dropped ?? facts?.refusal?.dropped ?? []
    for (const { field, reason } of dropped) {
      const key = `${field}\u0000${reason}`
      const entry = this.dropped.get(key) ?? { field, reason, references: [] }
      this.keep(entry.references, where)
      this.dropped.set(key, entry)
    }
  }

  result(): ReferencesData {
    const copy = (list: readonly InputReference[]): InputReference[] => list.map((where) => ({ ...where }))
    return {
      dropped: [...this.dropped.values()].map((entry) => ({ ...entry, references: copy(entry.references) })),
      refused: [...this.refused.values()]
        .map((entry) => ({ ...entry, references: copy(entry.references) }))
        .sort((a, b) => b.count - a.count || String(a.reason).localeCompare(String(b.reason)))
    }
  }

  /** Adds `where` unless the list is full or already ends with it (two values dropped from one event). */
  private keep(list: InputReference[], where: InputReference): void {
    const last = list[list.length - 1]
    if (list.length >= this.max || (last && last.file === where.file && last.index === where.index)) return
    list.push(where)
  }
}
