/**
 * A progress bar on stderr (only when it is a terminal): bytes read of the
 * input file, which is known without reading the file twice, and the events
 * settled so far. Reading stdin, the size is unknown: only counts are shown.
 */
import { SingleBar } from 'cli-progress'

export interface Progress {
  /** Bytes read of the input. */
  read(bytes: number): void
  /** Events whose outcome is known. */
  settled(events: number): void
  stop(): void
}

export const NO_PROGRESS: Progress = { read: () => undefined, settled: () => undefined, stop: () => undefined }

export function startProgress(stream: NodeJS.WritableStream, totalBytes: number | undefined): Progress {
  const known = totalBytes !== undefined && totalBytes > 0
  const bar = new SingleBar({
    stream,
    format: known
      ? 'Sending {bar} {percentage}% | {events} events | {duration_formatted} elapsed, ETA {eta_formatted}'
      : 'Sending | {events} events | {duration_formatted} elapsed',
    barCompleteChar: '█',
    barIncompleteChar: '░',
    hideCursor: true,
    clearOnComplete: true,
    etaBuffer: 50,
    fps: 10
  })
  let bytes = 0
  let events = 0
  bar.start(known ? totalBytes : 1, 0, { events: 0 })
  return {
    read: (count) => {
      bytes += count
      if (known) bar.update(Math.min(bytes, totalBytes), { events })
    },
    settled: (count) => {
      events += count
      bar.update(known ? Math.min(bytes, totalBytes) : 0, { events })
    },
    stop: () => bar.stop()
  }
}
