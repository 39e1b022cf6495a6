/** Where every outcome goes as its batch settles: the summary's counts, the progress bar, the report. */
import type { Progress } from './progress'
import type { ReportSink } from './report'
import type { ReportEntry } from './report-lines'
import type { SummaryCollector } from './summary-collector'

export interface OutcomeSinks {
  collector: SummaryCollector
  progress: Progress
  report: ReportSink
}

/** Counts the entries, shows the new counts, and writes their lines (throws when the report cannot be written). */
export async function recordEntries(sinks: OutcomeSinks, entries: readonly ReportEntry[]): Promise<void> {
  for (const { line, facts } of entries) sinks.collector.record(line, facts)
  sinks.progress.update(sinks.collector.live())
  await sinks.report.write(entries.map(({ line }) => line))
}
