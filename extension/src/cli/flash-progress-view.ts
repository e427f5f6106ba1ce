import type { BoardProgress, FlashPhase, OverallProgress } from '../core/flash/flash-progress';
import { processIo, type CliIo } from './cli-io';

/** Where a live progress display draws: a TTY gets redrawn bars, anything else gets log lines. */
export interface ProgressTerminal {
  readonly isTTY: boolean;
  /** Raw output without a newline (cursor movement included). */
  write(raw: string): void;
}

/** Bars only when the CLI writes to the process's own TTY; any other io (tests, pipes) gets log lines. */
export function terminalFor(io: CliIo, stream: NodeJS.WriteStream = process.stdout): ProgressTerminal {
  return { isTTY: io === processIo && Boolean(stream.isTTY), write: (raw) => void stream.write(raw) };
}

const BAR = 24;
/** Redraws are throttled: esptool-js reports every 16 KB block, far more often than a terminal needs. */
const REDRAW_MS = 100;

/**
 * Shows flashing progress: on a TTY one bar per board plus an overall bar, redrawn in place; elsewhere
 * (CI logs, pipes) one line per phase change and per 10% of a board's bytes, so logs stay readable.
 */
export class FlashProgressView {
  private readonly rows = new Map<string, BoardProgress>();
  private overall: OverallProgress | undefined;
  private drawnLines = 0;
  private lastDraw = Number.NEGATIVE_INFINITY;
  private readonly lastPhase = new Map<string, FlashPhase>();
  private readonly lastDecile = new Map<string, number>();

  constructor(
    private readonly io: CliIo,
    private readonly term: ProgressTerminal,
    private readonly now: () => number = () => performance.now(),
  ) {}

  update(overall: OverallProgress, changed: BoardProgress): void {
    this.overall = overall;
    this.rows.set(changed.board, changed);
    if (this.term.isTTY) {
      const final = changed.phase === 'done' || changed.phase === 'failed' || changed.phase === 'cancelled';
      if (final || this.now() - this.lastDraw >= REDRAW_MS) this.draw();
      return;
    }
    this.logLine(changed);
  }

  /** Draws the final state once more (TTY) so the last bars are not left at a throttled 97%. */
  finish(): void {
    if (this.term.isTTY && this.overall) this.draw();
  }

  private draw(): void {
    this.lastDraw = this.now();
    const lines = [...this.rows.values()].map((p) => boardLine(p));
    if (this.overall && this.rows.size > 1) lines.push(overallLine(this.overall));
    const up = this.drawnLines > 0 ? `\x1b[${this.drawnLines}A` : '';
    this.term.write(`${up}${lines.map((l) => `\x1b[2K${l}\n`).join('')}`);
    this.drawnLines = lines.length;
  }

  private logLine(p: BoardProgress): void {
    const phaseChanged = this.lastPhase.get(p.board) !== p.phase;
    const decile = p.bytesTotal > 0 ? Math.floor((p.bytesWritten / p.bytesTotal) * 10) : 0;
    const decileChanged = p.phase === 'writing' && decile > (this.lastDecile.get(p.board) ?? -1);
    if (!phaseChanged && !decileChanged) return;
    this.lastPhase.set(p.board, p.phase);
    if (p.phase === 'writing') this.lastDecile.set(p.board, decile);
    if (p.phase === 'writing') {
      this.io.out(`${p.board}: writing ${percent(p)}% (${formatBytes(p.bytesWritten)}/${formatBytes(p.bytesTotal)}${rateEta(p.rateBytesPerSec, p.etaSec)})`);
    } else if (p.phase === 'comparing' && phaseChanged) {
      this.io.out(`${p.board}: comparing with what is on the board`);
    } else if (p.phase === 'verifying') {
      this.io.out(`${p.board}: verifying${p.skippedRegions ? ` (${p.skippedRegions} region${p.skippedRegions === 1 ? '' : 's'} already matched)` : ''}`);
    } else if (p.phase !== 'done' && p.phase !== 'failed' && p.phase !== 'cancelled') {
      this.io.out(`${p.board}: ${p.phase}`);
    }
  }
}

function boardLine(p: BoardProgress): string {
  const pct = percent(p);
  const filled = Math.round((pct / 100) * BAR);
  const bar = `[${'#'.repeat(filled)}${'-'.repeat(BAR - filled)}]`;
  const skipped = p.skippedRegions ? `, ${p.skippedRegions} skipped` : '';
  const rate = p.phase === 'writing' ? rateEta(p.rateBytesPerSec, p.etaSec) : '';
  return `${p.board.padEnd(28)} ${p.phase.padEnd(10)} ${bar} ${String(pct).padStart(3)}% ${formatBytes(p.bytesWritten)}/${formatBytes(p.bytesTotal)}${rate}${skipped}`;
}

function overallLine(o: OverallProgress): string {
  const pct = o.bytesTotal > 0 ? Math.floor((o.bytesWritten / o.bytesTotal) * 100) : 100;
  const filled = Math.round((pct / 100) * BAR);
  return `${'all boards'.padEnd(28)} ${''.padEnd(10)} [${'='.repeat(filled)}${' '.repeat(BAR - filled)}] ${String(pct).padStart(3)}% ${formatBytes(o.bytesWritten)}/${formatBytes(o.bytesTotal)}${rateEta(o.rateBytesPerSec, o.etaSec)}`;
}

function percent(p: BoardProgress): number {
  if (p.phase === 'done' || (p.bytesTotal === 0 && p.phase !== 'connecting' && p.phase !== 'comparing')) return 100;
  return p.bytesTotal > 0 ? Math.floor((p.bytesWritten / p.bytesTotal) * 100) : 0;
}

function rateEta(rate: number, eta: number | undefined): string {
  if (rate <= 0) return '';
  return `, ${formatBytes(rate)}/s${eta !== undefined ? `, ETA ${formatDuration(eta)}` : ''}`;
}

/** 1536 → "1.5 KB", binary units as esptool prints them. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${Math.round(n)} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(2)} MB`;
}

/** 75 → "1:15", 5 → "5 s". */
export function formatDuration(sec: number): string {
  const s = Math.max(0, Math.round(sec));
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}
