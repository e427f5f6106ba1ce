// Flash figures on lab boards paced at the line rate: write efficiency (wire bytes per second ÷ baud/10)
// for an incompressible megabyte and a real app image at two bauds, reflash-unchanged ÷ full flash, and
// N boards in parallel ÷ one board.
import { flashBoards } from '../../extension/src/core/flash/flash-boards';
import type { FlashPlan } from '../../extension/src/core/flash/flash-plan';
import type { BoardProgress } from '../../extension/src/core/flash/flash-progress';
import type { VirtualBoard } from '../../extension/src/lab/board/virtual-board';
import { startFlashLab } from '../../test/support/flash/flash-lab';
import { atLeast, atMost, figure, median, type Figure } from '../lib/figure';
import { appOnly, incompressiblePlan, virtualAppPlan } from '../lib/plans';

/** Every host → board write with its time, so a window's wire bytes can be summed afterwards. */
function tapWrites(board: VirtualBoard): Array<[number, number]> {
  const log: Array<[number, number]> = [];
  const write = board.write.bind(board);
  board.write = (data: Uint8Array) => {
    log.push([performance.now(), data.length]);
    write(data);
  };
  return log;
}

interface WritePhase {
  readonly efficiency: number;
  readonly wireBytes: number;
  readonly seconds: number;
  readonly totalMs: number;
}

/**
 * Flashes the app region of `plan` onto a board whose flash holds something else and times the block
 * loop: from esptool-js's first progress report (after FLASH_DEFL_BEGIN) to its last (the last block's
 * answer), counting what the host put on the wire meanwhile (SLIP framing and escapes included).
 */
export async function writePhase(plan: FlashPlan, baud: number): Promise<WritePhase> {
  const lab = await startFlashLab(['esp32s3']);
  try {
    const log = tapWrites(lab.lab.boardList[0]);
    const region = plan.regions[0];
    let start = 0;
    let end = 0;
    const onProgress = (_o: unknown, p: BoardProgress) => {
      if (p.phase !== 'writing') return;
      if (p.bytesWritten === 0) start = performance.now();
      else if (p.bytesWritten >= region.data.length && end === 0) end = performance.now();
    };
    const r = await flashBoards([{ path: lab.urls[0], plan }], { baud, onProgress, skipUnchanged: false });
    if (!r.ok) throw new Error(r.failed.map((f) => f.error?.describe()).join('\n'));
    if (r.results[0].baud !== baud) throw new Error(`the board ran at ${r.results[0].baud}, not ${baud}`);
    const wireBytes = log.filter(([t]) => t > start && t <= end).reduce((n, [, b]) => n + b, 0);
    const seconds = (end - start) / 1000;
    return { efficiency: wireBytes / seconds / (baud / 10), wireBytes, seconds, totalMs: r.durationMs };
  } finally {
    lab.dispose();
  }
}

/** Full flash, then the same image again (every region matches by MD5, nothing is written). */
async function reflash(plan: FlashPlan): Promise<{ fullMs: number; againMs: number }> {
  const lab = await startFlashLab(['esp32s3']);
  try {
    const full = await flashBoards([{ path: lab.urls[0], plan }]);
    if (!full.ok) throw new Error(full.failed.map((f) => f.error?.describe()).join('\n'));
    const again = await flashBoards([{ path: lab.urls[0], plan }]);
    if (!again.results.every((r) => r.outcome === 'unchanged')) throw new Error('the second flash wrote data');
    return { fullMs: full.durationMs, againMs: again.durationMs };
  } finally {
    lab.dispose();
  }
}

async function parallel(plan: FlashPlan, boards: number): Promise<number> {
  const lab = await startFlashLab(Array(boards).fill('esp32s3'));
  try {
    const r = await flashBoards(lab.urls.map((p) => ({ path: p, plan })));
    if (!r.ok) throw new Error(r.failed.map((f) => f.error?.describe()).join('\n'));
    return r.durationMs;
  } finally {
    lab.dispose();
  }
}

export async function measure(): Promise<Figure[]> {
  const out: Figure[] = [];
  const random = appOnly(await incompressiblePlan(1024 * 1024));
  const app = await virtualAppPlan();
  const appRegion = appOnly(app);
  for (const baud of [921600, 2000000]) {
    for (const [label, plan] of [['incompressible 1 MB', random], [`app image ${Math.round(appRegion.totalBytes / 1024)} KB`, appRegion]] as const) {
      // The app image is two blocks: one late timer moves a single sample by several percent, so the
      // median of five; the megabyte is 65 blocks and one sample.
      const reps = plan.totalBytes < 256 * 1024 ? 5 : 1;
      const samples: WritePhase[] = [];
      for (let i = 0; i < reps; i++) samples.push(await writePhase(plan, baud));
      const w = samples.sort((a, b) => a.efficiency - b.efficiency)[Math.floor(reps / 2)];
      out.push(figure(`flash write efficiency, ${label}, ${baud} baud`, w.efficiency, 'of baud/10', atLeast(0.95), `${w.wireBytes} wire bytes in ${w.seconds.toFixed(2)} s${reps > 1 ? ` (median of ${reps})` : ''}; whole flash ${(w.totalMs / 1000).toFixed(2)} s`));
    }
  }
  const full = await incompressiblePlan(1024 * 1024);
  const rf = await reflash(full);
  out.push(figure('full flash, 1 MB incompressible + bootloader + table, 921600', rf.fullMs / 1000, 's'));
  out.push(figure('reflash unchanged (MD5 only)', rf.againMs / 1000, 's'));
  out.push(figure('reflash unchanged ÷ full flash', rf.againMs / rf.fullMs, 'ratio', atMost(0.05)));
  const one = median([await parallel(app, 1), await parallel(app, 1)]);
  out.push(figure('flash 1 board, app image set, 921600', one / 1000, 's'));
  for (const n of [8, 32]) {
    const ms = await parallel(app, n);
    out.push(figure(`flash ${n} boards in parallel ÷ 1 board`, ms / one, 'ratio', atMost(1.25), `${(ms / 1000).toFixed(2)} s for ${n}`));
  }
  return out;
}
