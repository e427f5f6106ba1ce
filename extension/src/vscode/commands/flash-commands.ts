import * as vscode from 'vscode';
import type { Board } from '../../core/boards/board';
import { identifyBoard } from '../../core/flash/identify';
import { readFlashPlan } from '../../core/flash/flash-plan';
import { describeFailures, flashBoards } from '../../core/flash/flash-boards';
import { reasonOfError } from '../../core/provision/failure-reasons';
import { boardLabel } from '../board-tree';
import { pickBuildFor } from '../build-picker';
import { boardArgument, registerCommand, type CommandContext } from '../command-context';

/**
 * Identify Board and Flash Board: the ROM bootloader through esptool-js, on USB, remote and virtual boards.
 * Flash Board without a build offers the recent builds for the board's chip.
 */
export function registerFlashCommands(ctx: CommandContext, buildCacheRoot: string): vscode.Disposable[] {
  return [
    registerCommand(ctx, 'espnow.identifyBoard', async (arg) => {
      const board = await boardArgument(ctx, arg, 'Identify board');
      if (!board) return undefined;
      return identify(ctx, board);
    }),
    registerCommand(ctx, 'espnow.flashBoard', async (arg, buildArg) => {
      const board = await boardArgument(ctx, arg, 'Flash board');
      if (!board) return undefined;
      const buildDir = typeof buildArg === 'string' ? buildArg : await pickBuildFor(board, buildCacheRoot);
      if (!buildDir) return undefined;
      return flash(ctx, board, buildDir);
    }),
  ];
}

async function identify(ctx: CommandContext, board: Board) {
  const path = board.port.path;
  ctx.registry.setActivity(path, { kind: 'identifying' });
  try {
    const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `ESP-NOW: identifying ${boardLabel(board)}…` }, () =>
      identifyBoard(path, { arbiter: ctx.arbiter, log: (l) => ctx.log.debug(`${path}: ${l}`) }),
    );
    await ctx.registry.setChipInfo(path, result.chipInfo);
    ctx.registry.setActivity(path, ctx.monitors.sessionOf(path) ? { kind: 'monitoring' } : { kind: 'idle' });
    ctx.log.info(`${path}: ${result.description}, MAC ${result.chipInfo.mac}`);
    void vscode.window.setStatusBarMessage(`ESP-NOW: ${boardLabel(board)} is ${result.description}, MAC ${result.chipInfo.mac}`, 5000);
    return result;
  } catch (e) {
    ctx.registry.setActivity(path, { kind: 'failed', reason: reasonOfError(e) });
    throw e;
  }
}

async function flash(ctx: CommandContext, board: Board, buildDir: string) {
  const plan = await readFlashPlan(buildDir);
  const path = board.port.path;
  const label = boardLabel(board);
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `ESP-NOW: flashing ${label}`, cancellable: true },
    async (progress, token) => {
      const abort = new AbortController();
      const sub = token.onCancellationRequested(() => abort.abort());
      let reported = 0;
      try {
        return await flashBoards([{ path, plan, label }], {
          baud: ctx.settings().flashBaud,
          arbiter: ctx.arbiter,
          signal: abort.signal,
          log: (l) => ctx.log.info(`${path}: ${l}`),
          onProgress: (overall, p) => {
            const pct = overall.bytesTotal ? (100 * overall.bytesWritten) / overall.bytesTotal : 0;
            const rate = overall.rateBytesPerSec ? ` · ${(overall.rateBytesPerSec / 1024).toFixed(0)} KiB/s` : '';
            const eta = overall.etaSec !== undefined ? ` · ${Math.ceil(overall.etaSec)} s left` : '';
            progress.report({ increment: pct - reported, message: `${p.phase}${p.region ? ` ${p.region}` : ''} · ${(overall.bytesWritten / 1024).toFixed(0)}/${(overall.bytesTotal / 1024).toFixed(0)} KiB${rate}${eta}` });
            reported = pct;
            ctx.registry.setActivity(path, { kind: 'flashing', percent: pct });
          },
        });
      } finally {
        sub.dispose();
      }
    },
  );
  const r = result.results[0];
  if (result.ok) {
    // Only firmware that is really on the board decodes its panics.
    ctx.monitors.rememberBuild(path, buildDir);
    ctx.registry.setActivity(path, ctx.monitors.sessionOf(path) ? { kind: 'monitoring' } : { kind: 'idle' });
    if (r.chipInfo) await ctx.registry.setChipInfo(path, r.chipInfo);
    const what = r.outcome === 'unchanged' ? 'already had this build: nothing written, MD5 checked' : `flashed ${r.regionsWritten.length} region(s), ${r.regionsSkipped.length} unchanged, verified by MD5`;
    void vscode.window.showInformationMessage(`ESP-NOW: ${label} ${what} (${(r.durationMs / 1000).toFixed(1)} s at ${r.baud} baud).`);
  } else {
    ctx.registry.setActivity(path, { kind: 'failed', reason: r.outcome === 'cancelled' ? 'cancelled' : reasonOfError(r.error) });
    const text = describeFailures(result).join(' ');
    ctx.log.error(text);
    void vscode.window.showErrorMessage(`ESP-NOW: ${text}`);
  }
  return result;
}
