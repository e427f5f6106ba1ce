/** The stages of flashing one board, in order; 'done', 'failed' and 'cancelled' are final. */
export type FlashPhase = 'connecting' | 'comparing' | 'writing' | 'verifying' | 'resetting' | 'done' | 'failed' | 'cancelled';

/** One board's progress, as the CLI bar and the VS Code notification show it. */
export interface BoardProgress {
  /** Label or port path. */
  readonly board: string;
  readonly phase: FlashPhase;
  /** Image bytes written so far (uncompressed, so they compare to file sizes). */
  readonly bytesWritten: number;
  /** Image bytes this board needs written: the plan's total until comparing tells what can be skipped. */
  readonly bytesTotal: number;
  /** Over the last few seconds; 0 until there is something to measure. */
  readonly rateBytesPerSec: number;
  /** Seconds left at the current rate; undefined while the rate is unknown. */
  readonly etaSec?: number;
  /** Regions whose MD5 on the board already matched the image. */
  readonly skippedRegions: number;
  /** The region being worked on: "app.bin". */
  readonly region?: string;
}

/** All boards of a parallel flash at once. */
export interface OverallProgress {
  readonly boards: readonly BoardProgress[];
  readonly bytesWritten: number;
  readonly bytesTotal: number;
  readonly rateBytesPerSec: number;
  readonly etaSec?: number;
}

/** How far back the rate looks: long enough to smooth block bursts, short enough to follow a baud change. */
const WINDOW_MS = 3000;

/**
 * Measures a transfer rate over a sliding window of (time, bytes) samples. The clock is injected so tests
 * can drive it without timers.
 */
export class RateMeter {
  private samples: Array<{ t: number; bytes: number }> = [];

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** Records the running byte count; returns the rate in bytes per second (0 until two samples). */
  sample(bytes: number): number {
    const t = this.now();
    this.samples.push({ t, bytes });
    while (this.samples.length > 2 && t - this.samples[0].t > WINDOW_MS) this.samples.shift();
    return this.rate;
  }

  get rate(): number {
    if (this.samples.length < 2) return 0;
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    const dt = (last.t - first.t) / 1000;
    return dt > 0 ? Math.max(0, (last.bytes - first.bytes) / dt) : 0;
  }

  /** Forgets the history, e.g. when a new region starts after a pause for comparing. */
  reset(): void {
    this.samples = [];
  }
}

/** Seconds left for `remaining` bytes at `rate`; undefined when the rate is not known yet. */
export function etaOf(remaining: number, rate: number): number | undefined {
  if (remaining <= 0) return 0;
  return rate > 0 ? remaining / rate : undefined;
}

/** Sums per-board progress into the overall line (bytes, summed rate, ETA of what is left). */
export function aggregateProgress(boards: readonly BoardProgress[]): OverallProgress {
  let bytesWritten = 0;
  let bytesTotal = 0;
  let rate = 0;
  for (const b of boards) {
    bytesWritten += b.bytesWritten;
    bytesTotal += b.bytesTotal;
    if (b.phase === 'writing') rate += b.rateBytesPerSec;
  }
  // Boards write in parallel, so the overall ETA is the slowest board's, not the sum over boards.
  let eta: number | undefined = 0;
  for (const b of boards) {
    if (b.phase === 'done' || b.phase === 'failed' || b.phase === 'cancelled') continue;
    const left = b.bytesTotal - b.bytesWritten;
    const e = b.etaSec ?? etaOf(left, b.rateBytesPerSec);
    if (left > 0 && e === undefined) {
      eta = undefined;
      break;
    }
    if (e !== undefined && eta !== undefined) eta = Math.max(eta, e);
  }
  return { boards, bytesWritten, bytesTotal, rateBytesPerSec: rate, etaSec: eta };
}
