/** Where every outcome goes as its batch settles: the summary's counts, the progress bar, the report. */
import type { RunControl } from './control'
import { errorMessage } from './errors'
import type { Progress } from './progress'
import type { ReportSink } from './report'
import type { ReportEntry } from './report-lines'
import type { SummaryCollector } from './summary-collector'

export interface OutcomeSinks {
  collector: SummaryCollector
  progress: Progress
  report: ReportSink
  control: RunControl
}

/**
 * Counts the entries, shows the new counts, and writes their lines. A report
 * that cannot be written (disk full) stops the run at once (nothing more is
 * read or sent: an event TikTok accepted from now on could not be recorded);
 * the lines that could not be written are counted for the summary, never lost
 * silently.
 */
export async function recordEntries(sinks: OutcomeSinks, entries: readonly ReportEntry[]): Promise<void> {
  for (const { line, facts } of entries) sinks.collector.record(line, facts)
  sinks.progress.update(sinks.collector.live())
  try {
    await sinks.report.write(entries.map(({ line }) => line))
  } catch (error) {
    sinks.collector.countNotInReport(entries.map(({ line }) => line))
    sinks.control.halt('report-failed', errorMessage(error))
  }
}
