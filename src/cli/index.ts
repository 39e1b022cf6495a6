/** The runner as a library: what tests, benchmarks and scripts call in-process. */
export { runSend, type RunSendOptions, type RunSummary } from './run-send'
export { runCheckAuth, type CheckAuthOptions, type CheckAuthResult } from './check-auth'
export { runCli, type CliIO } from './main'
export { formatSummary } from './summary-format'
export type { ReportLine, Outcome } from './report'
export { UsageError, InputOutputError } from './errors'
export { EXIT_OK, EXIT_FAILURE, EXIT_USAGE, EXIT_INTERRUPTED, exitStatus } from './exit-status'
