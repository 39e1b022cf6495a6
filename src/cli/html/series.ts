/**
 * What a run adds to its summary for the HTML report, beside the summary's
 * counters: events by event-time day, the sending timeline, and the first
 * input positions of each reason code. These are new keys of the object
 * `--json` prints, after the summary's own, so the page and `--json` show one
 * set of numbers, computed once.
 */
import type { OutcomeFacts } from '../quality'
import type { ReportLine } from '../report'
import { SummaryCollector } from '../summary-collector'
import type { RunSummary } from '../summary-types'
import { EventTimeHistogram, type EventTimesData } from './event-times'
import { ReasonReferences, type ReferencesData } from './references'
import { SendingTimeline, type TimelineData } from './timeline'

export interface RunSeriesData {
  /** When the run started, ISO 8601 UTC. */
  startedAt: string
  eventTimes: EventTimesData
  timeline: TimelineData
  references: ReferencesData
}

/** The summary `--json` prints, and the HTML report is drawn from. */
export type ReportedRun = RunSummary & RunSeriesData

/** Outcomes that come back from the target (or the destination): what the timeline counts as settled. */
const SETTLED: ReadonlySet<ReportLine['outcome']> = new Set(['delivered', 'rejected', 'failed', 'unknown'])

export class RunSeries {
  readonly eventTimes: EventTimeHistogram
  readonly timeline: SendingTimeline
  readonly references = new ReasonReferences()

  constructor(
    private readonly startMs: number,
    private readonly clock: () => number = Date.now
  ) {
    this.eventTimes = new EventTimeHistogram(startMs)
    this.timeline = new SendingTimeline(startMs, clock)
  }

  /** One report line, with what the destination said about the event. */
  record(line: ReportLine, facts?: OutcomeFacts): void {
    if (SETTLED.has(line.outcome)) this.timeline.settled()
    if (line.outcome === 'delivered') this.eventTimes.addDelivered(facts?.timestamp, this.clock())
    if (facts?.refusal?.reason === 'outside_time_window') this.eventTimes.addRefusedOutsideWindow(facts.timestamp)
    this.references.record(line, facts)
  }

  /** The summary with the series after its own keys (which keep their order). */
  attach(summary: RunSummary): ReportedRun {
    return {
      ...summary,
      startedAt: new Date(this.startMs).toISOString(),
      eventTimes: this.eventTimes.result(),
      timeline: this.timeline.result(),
      references: this.references.result()
    }
  }
}

/** The summary's collector, which also hands every report line to the series. */
export class SeriesCollector extends SummaryCollector {
  constructor(readonly series: RunSeries) {
    super()
  }

  override record(line: ReportLine, facts?: OutcomeFacts): void {
    super.record(line, facts)
    this.series.record(line, facts)
  }
}
