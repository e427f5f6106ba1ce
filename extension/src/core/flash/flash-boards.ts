import { ProvisionError } from '../common/errors';
import { PortArbiter } from '../serial/port-arbiter';
import { flashBoard, type FlashBoardResult, type FlashOptions, type FlashTarget } from './flash-board';
import { aggregateProgress, type BoardProgress, type OverallProgress } from './flash-progress';

/** Options of a parallel flash: those of one board, plus the overall progress. */
export interface FlashBoardsOptions extends Omit<FlashOptions, 'onProgress'> {
  /** Every board's change, with the sum over all boards. */
  readonly onProgress?: (overall: OverallProgress, changed: BoardProgress) => void;
}

/** How a parallel flash ended, per board and overall. */
export interface FlashBoardsResult {
  /** In the order of the targets. */
  readonly results: readonly FlashBoardResult[];
  /** True only when every board ended flashed or unchanged. */
  readonly ok: boolean;
  readonly failed: readonly FlashBoardResult[];
  readonly cancelled: readonly FlashBoardResult[];
  readonly durationMs: number;
}

/**
 * Flashes every target at once, each over its own link and port lease (one plan per board, so responder
 * and initiator builds go out together). A board that fails does not stop the others. Two targets on the
 * same port are refused up front: the second would flash the same board again with another build.
 */
export async function flashBoards(targets: readonly FlashTarget[], options: FlashBoardsOptions = {}): Promise<FlashBoardsResult> {
  const seen = new Map<string, FlashTarget>();
  for (const t of targets) {
    const prev = seen.get(t.path);
    if (prev) throw new ProvisionError('config', `${t.path} is listed twice (builds ${prev.plan.buildDir} and ${t.plan.buildDir}).`, t.label ?? t.path, 'Give each board one build.');
    seen.set(t.path, t);
  }
  const now = options.now ?? (() => performance.now());
  const started = now();
  const arbiter = options.arbiter ?? new PortArbiter();
  const latest = new Map<string, BoardProgress>();
  for (const t of targets) {
    const board = t.label ?? t.path;
    latest.set(board, { board, phase: 'connecting', bytesWritten: 0, bytesTotal: t.plan.totalBytes, rateBytesPerSec: 0, skippedRegions: 0 });
  }
  const onBoard = (p: BoardProgress) => {
    latest.set(p.board, p);
    options.onProgress?.(aggregateProgress([...latest.values()]), p);
  };
  const results = await Promise.all(targets.map((t) => flashBoard(t, { ...options, arbiter, now, onProgress: onBoard })));
  const failed = results.filter((r) => r.outcome === 'failed');
  const cancelled = results.filter((r) => r.outcome === 'cancelled');
  return { results, ok: failed.length === 0 && cancelled.length === 0, failed, cancelled, durationMs: now() - started };
}

/** One line per board that did not make it: "board: error. hint (state)". */
export function describeFailures(result: FlashBoardsResult): string[] {
  return [...result.failed, ...result.cancelled].map((r) => `${r.error ? r.error.describe() : `${r.board}: ${r.outcome}`} Board state: ${r.stateNote}`);
}
