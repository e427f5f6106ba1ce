import { ProvisionError, exitCodeOf } from '../../core/common/errors';
import { DEFAULT_FLASH_BAUD } from '../../core/flash/baud-fallback';
import type { FlashBoardResult, FlashOptions, FlashTarget } from '../../core/flash/flash-board';
import { flashBoards } from '../../core/flash/flash-boards';
import { readFlashPlan, type FlashPlan } from '../../core/flash/flash-plan';
import { checkFlashBaud, checkPorts } from '../../core/config/input-checks';
import { CliUsageError, parseArgs, type CliIo } from '../cli-io';
import { FlashProgressView, formatBytes, formatDuration, terminalFor, type ProgressTerminal } from '../flash-progress-view';

export const FLASH_USAGE = `espnow-prov flash --build DIR PORT... [PORT=DIR]... [--baud N] [--no-skip] [--verbose] [--json]
  Flashes an idf.py build (the folder with flasher_args.json) to every PORT in parallel: compressed,
  verified by MD5, skipping regions the board already holds. PORT=DIR gives one board its own build.
  --baud (default ${DEFAULT_FLASH_BAUD}) falls back to slower rates on boards that do not follow.
  --no-skip writes every region even when its MD5 already matches. Ctrl+C cancels and says where each board was left.`;

/** Seams for tests; the defaults are the real serial stack. */
export type FlashCommandDeps = Pick<FlashOptions, 'openLink' | 'connect' | 'arbiter' | 'romBaud'> & { readonly terminal?: ProgressTerminal; readonly signal?: AbortSignal };

/** `espnow-prov flash`: every board in parallel, a bar per board and overall, a summary line per board. */
export async function runFlashCommand(args: readonly string[], io: CliIo, deps: FlashCommandDeps = {}): Promise<number> {
  const { opts, flags, positional } = parseArgs(args, ['no-skip', 'verbose', 'json'], ['build', 'baud']);
  const baud = checkFlashBaud(opts.get('baud')?.at(-1) ?? DEFAULT_FLASH_BAUD, '--baud');
  const defaultBuild = opts.get('build')?.at(-1);
  const targets = await planTargets(positional, defaultBuild);

  const controller = new AbortController();
  const onSignal = () => {
    io.err('Cancelling: each board stops after its current block…');
    controller.abort();
  };
  const outer = deps.signal;
  outer?.addEventListener('abort', onSignal, { once: true });
  process.once('SIGINT', onSignal);
  const view = new FlashProgressView(io, deps.terminal ?? terminalFor(io));
  try {
    const result = await flashBoards(targets, {
      ...deps,
      baud,
      skipUnchanged: !flags.has('no-skip'),
      signal: controller.signal,
      log: flags.has('verbose') ? (line) => io.err(line) : fallbackOnly(io),
      onProgress: flags.has('json') ? undefined : (overall, changed) => view.update(overall, changed),
    });
    view.finish();
    if (flags.has('json')) io.out(JSON.stringify(result.results.map(toJson), null, 2));
    else for (const r of result.results) (r.error ? io.err : io.out)(summaryLine(r));
    if (result.ok) return 0;
    const first = [...result.failed, ...result.cancelled][0];
    return exitCodeOf[first.error?.kind ?? 'internal'];
  } finally {
    process.off('SIGINT', onSignal);
    outer?.removeEventListener('abort', onSignal);
  }
}

async function planTargets(positional: readonly string[], defaultBuild: string | undefined): Promise<FlashTarget[]> {
  if (positional.length === 0) throw new CliUsageError('Name at least one port (e.g. /dev/ttyUSB0 or rfc2217://127.0.0.1:4000).');
  // Every port checked (and each named once) before any build folder is read.
  checkPorts(positional.map((arg) => ({ name: 'The port list', path: arg.includes('=') ? arg.slice(0, arg.indexOf('=')) : arg })));
  const plans = new Map<string, Promise<FlashPlan>>();
  // One read per build dir, however many boards share it.
  const planOf = (dir: string) => {
    let p = plans.get(dir);
    if (!p) plans.set(dir, (p = readFlashPlan(dir)));
    return p;
  };
  return Promise.all(
    positional.map(async (arg) => {
      const eq = arg.indexOf('=');
      const path = eq >= 0 ? arg.slice(0, eq) : arg;
      const dir = eq >= 0 ? arg.slice(eq + 1) : defaultBuild;
      if (!path) throw new CliUsageError(`"${arg}" names no port.`);
      if (!dir) throw new CliUsageError(`No build for ${path}: pass --build DIR (or ${path}=DIR).`);
      return { path, plan: await planOf(dir) };
    }),
  );
}

/** Without --verbose only the lines users must see: a board flashing slower than asked, and why. */
function fallbackOnly(io: CliIo): (line: string) => void {
  return (line) => {
    if (/falling back to \d+ baud/.test(line)) io.err(`warning: ${line}`);
  };
}

/** One line per board: what happened, how fast, and where a failed board was left. */
export function summaryLine(r: FlashBoardResult): string {
  const secs = r.durationMs / 1000;
  switch (r.outcome) {
    case 'flashed': {
      const rate = secs > 0 ? `, ${formatBytes(r.bytesWritten / secs)}/s` : '';
      const skipped = r.regionsSkipped.length ? `; ${r.regionsSkipped.length} unchanged region(s) skipped` : '';
      return `ok      ${r.board}: wrote ${formatBytes(r.bytesWritten)} in ${formatDuration(secs)} at ${r.baud} baud${rate}${skipped}; ${r.stateNote}${chipOf(r)}`;
    }
    case 'unchanged':
      return `ok      ${r.board}: nothing to write, ${r.stateNote}${chipOf(r)}`;
    case 'cancelled':
    case 'failed':
      return `${r.outcome.padEnd(7)} ${(r.error ?? new ProvisionError('internal', r.outcome, r.board)).describe()} Board state: ${r.stateNote}`;
  }
}

function chipOf(r: FlashBoardResult): string {
  return r.chipInfo ? ` [${r.chipInfo.chip} ${r.chipInfo.mac}]` : '';
}

function toJson(r: FlashBoardResult): Record<string, unknown> {
  return { ...r, error: r.error ? { kind: r.error.kind, message: r.error.describe() } : undefined };
}
