/**
 * A progress bar on stderr (main shows it only when stderr is a terminal):
 * the target from the first frame, bytes read of the input files (known
 * without reading them twice; compressed bytes for gzip files), and live
 * counts of delivered, rejected and failed events, so that a run where every
 * request is refused looks like one from its first batch; and the pace: the
 * requests in flight now and those throttled so far. Reading stdin, the size
 * is unknown: counts only.
 */
import { SingleBar } from 'cli-progress'
import type { LiveCounts } from './summary-types'

export interface Progress {
  /** Bytes read of the input. */
  read(bytes: number): void
  /** The counts after a batch settled. */
  update(counts: LiveCounts): void
  stop(): void
}

export const NO_PROGRESS: Progress = { read: () => undefined, update: () => undefined, stop: () => undefined }

export interface ProgressFrame {
  /** "TikTok at https://…", from the first frame on. */
  target: string
  counts: LiveCounts
  /** 0..1 of the input read; undefined when its size is unknown (stdin). */
  fraction?: number
  elapsedSeconds: number
  /** Seconds left, when it can be told. */
  etaSeconds?: number
  /** Requests in flight now, and refused for rate so far (the pace controller's). */
  pace?: PaceFigures
}

export interface PaceFigures {
  inFlight: number
  throttled: number
}

const BAR_WIDTH = 24

/** One frame of the bar: pure, so that what a person sees is tested exactly. */
export function formatProgress(frame: ProgressFrame): string {
  const { counts } = frame
  const number = (value: number): string => value.toLocaleString('en-US')
  const parts = [`Sending to ${frame.target}`]
  if (frame.fraction !== undefined) {
    const filled = Math.round(Math.min(1, Math.max(0, frame.fraction)) * BAR_WIDTH)
    parts.push(`${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)} ${Math.floor(frame.fraction * 100)}%`)
  }
  parts.push(
    `${number(counts.read)} read: ${number(counts.delivered)} delivered, ${number(counts.rejected)} rejected, ${number(counts.failed)} failed`
  )
  if (frame.pace) parts.push(`${number(frame.pace.inFlight)} in flight, ${number(frame.pace.throttled)} throttled`)
  const eta = frame.etaSeconds === undefined ? '' : `, ETA ${clock(frame.etaSeconds)}`
  parts.push(`${clock(frame.elapsedSeconds)} elapsed${eta}`)
  return parts.join(' | ')
}

function clock(seconds: number): string {
  const whole = Math.max(0, Math.round(seconds))
  const h = Math.floor(whole / 3600)
  const m = Math.floor((whole % 3600) / 60)
  const s = whole % 60
  const mmss = `${String(m).padStart(h > 0 ? 2 : 1, '0')}:${String(s).padStart(2, '0')}`
  return h > 0 ? `${h}:${mmss}` : mmss
}

/**
 * Starts the bar. `totalBytes` undefined: size unknown. `pace`, read at each
 * frame: the requests in flight and throttled. cli-progress draws the frames
 * (throttled, redrawn in place) and keeps the time: the elapsed time and the
 * ETA are its own (the ETA from the rate of the last updates, so it follows a
 * run that slows down or speeds up); the text of each frame is formatProgress's.
 */
export function startProgress(
  stream: NodeJS.WritableStream,
  target: string,
  totalBytes: number | undefined,
  pace?: () => PaceFigures
): Progress {
  const known = totalBytes !== undefined && totalBytes > 0
  let counts: LiveCounts = { read: 0, delivered: 0, rejected: 0, failed: 0 }
  const bar = new SingleBar({
    stream,
    format: (_options, params) => {
      const elapsedSeconds = (Date.now() - params.startTime) / 1000
      const fraction = known ? Math.min(1, params.value / params.total) : undefined
      const etaSeconds = fraction !== undefined && fraction > 0.01 ? etaOf(params.eta) : undefined
      return formatProgress({ target, counts, fraction, elapsedSeconds, etaSeconds, pace: pace?.() })
    },
    hideCursor: true,
    clearOnComplete: true,
    fps: 10,
    // The ETA from the rate over the last 50 reads of the input (1 MiB each at most).
    etaBuffer: 50,
    // main decides whether to show the bar (only on a terminal); tests draw it into a stream.
    noTTYOutput: true,
    notTTYSchedule: 1000
  })
  let bytes = 0
  bar.start(known ? totalBytes : 1, 0)
  return {
    read: (count) => {
      bytes += count
      if (known) bar.update(bytes)
    },
    update: (next) => {
      counts = next
      bar.update(known ? bytes : 0)
    },
    stop: () => bar.stop()
  }
}

/** cli-progress's ETA in seconds, or undefined while it cannot tell ('NULL', 'INF'). */
function etaOf(eta: unknown): number | undefined {
  return typeof eta === 'number' ? eta : undefined
}
