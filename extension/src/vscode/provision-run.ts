import { join } from 'node:path';
import * as vscode from 'vscode';
import type { Board } from '../core/boards/board';
import { resolveWifiCredentials } from '../core/config/credentials';
import { ProvisionError } from '../core/common/errors';
import { productPaths } from '../core/common/product-paths';
import type { FirmwareBuilder } from '../core/build/firmware-builder';
import { flashBoards } from '../core/flash/flash-boards';
import { chipKey } from '../core/flash/flash-plan';
import { identifyBoard } from '../core/flash/identify';
import { ProvisionWorkflow, type ProvisionBoard, type ProvisionResult } from '../core/provision/provision-workflow';
import { isFault } from '../core/provision/failure-reasons';
import { runBuilders, runPartName } from '../core/provision/run-plan';
import { runBoardName } from '../core/provision/run-summary';
import { sessionMonitor } from '../core/provision/session-monitor';
import { boardLabel } from './board-tree';
import type { CommandContext } from './command-context';
import type { LabController } from './lab-controller';

/** Where Provision Pair finds the firmware and keeps its builds (never in the workspace: they hold secrets). */
export interface ProvisionPlaces {
  /** The extension's own folder (holds firmware/ in a checkout). */
  readonly extensionPath: string;
  /** Global storage: build cache. */
  readonly storagePath: string;
}

/**
 * One Provision Pair / Fleet run from the editor: credentials from the secret store (or settings.json,
 * with a warning), a pair key (made and stored on first use), chips identified where unknown, the
 * virtual lab's access point set to the configured SSID (with the lab's own password when the responder
 * is virtual), then the workflow with a progress
 * notification, a monitor terminal per board, and the tree following each board.
 */
export async function runProvisioning(
  ctx: CommandContext,
  lab: LabController,
  places: ProvisionPlaces,
  responder: Board,
  initiators: readonly Board[],
  options: { readonly updateOnly?: boolean; readonly signal?: AbortSignal } = {},
): Promise<ProvisionResult> {
  const settings = ctx.settings();
  const creds = await resolveWifiCredentials(settings, ctx.secrets);
  ctx.monitors.checkLogFolder();
  if (creds.warning) void vscode.window.showWarningMessage(`ESP-NOW: ${creds.warning}`, 'Set Wi-Fi Password').then((c) => c && vscode.commands.executeCommand('espnow.setWifiPassword'));
  // A virtual responder hands out the lab's own password, never the user's (lab-password.ts); only a real
  // one sends the real password over the air, so only then is clear text a question.
  const virtualResponder = responder.port.source === 'virtual';
  const password = virtualResponder && !settings.labUseRealCredentials ? lab.labPassword() : creds.password;
  if (!virtualResponder) await ctx.clearText.confirm(settings.security, creds.ssid);
  // One key per fleet, bound to its responder; compat modes use none.
  const pairKey = settings.security === 'secure' ? await ctx.pairKeys.forResponder(responder.identity) : '';
  const chosen = [responder, ...initiators];

  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'ESP-NOW', cancellable: true }, async (progress, token) => {
    const abort = new AbortController();
    const sub = token.onCancellationRequested(() => abort.abort());
    // Cancel from elsewhere (the "already in progress" message) stops the run like the progress's button.
    const onAbort = (): void => abort.abort();
    if (options.signal?.aborted) abort.abort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      progress.report({ message: 'identifying boards…' });
      const boards = await Promise.all(chosen.map(async (b, i) => toProvisionBoard(ctx, b, i === 0 ? 'responder' : 'initiator', initiators.length, i)));
      if (chosen.some((b) => b.port.source === 'virtual')) syncLabAccessPoint(lab, creds.ssid, password, settings.wifiChannel);
      const builders = buildersFor(places, settings.idfPath);
      const builderOf = (b: ProvisionBoard): FirmwareBuilder => (chosen.find((c) => c.port.path === b.path)!.port.source === 'virtual' ? builders.virtual() : builders.idf());
      const workflow = new ProvisionWorkflow(
        { boards, ssid: creds.ssid, password, channel: settings.wifiChannel, security: settings.security, pairKey, credentialsIn: settings.credentialsIn, ...(options.updateOnly ? { updateOnly: true } : {}) },
        {
          findBuild: async (b, config) => {
            const dir = await builderOf(b).findBuild(b.target, config);
            if (dir) ctx.log.info(`${b.role} firmware for ${b.target}: the earlier build in ${dir}, not flashed again`);
            return dir;
          },
          build: async (b, config, signal) => {
            const builder = builderOf(b);
            const r = await builder.build(b.target, config, { signal, onOutput: (l) => ctx.log.trace(`build ${b.role}/${b.target}: ${l}`) });
            ctx.log.info(`${b.role} firmware for ${b.target}: ${r.cached ? 'cached build' : 'built'} with ${r.toolchain} in ${r.buildDir}`);
            ctx.registry.setFirmware(b.path, `${b.role} for ${b.target}, ${r.toolchain}${r.cached ? ' (cached)' : ''}`);
            return r;
          },
          flash: async (targets, signal, onProgress) => {
            const r = await flashBoards(targets, { arbiter: ctx.arbiter, baud: settings.flashBaud, signal, onProgress, log: (l) => ctx.log.info(l), afterFlash: 'bootloader' });
            // The flasher asked every board's ROM: chip and MAC are known now, as after Identify Board.
            for (const b of r.results) if (b.chipInfo) await ctx.registry.setChipInfo(b.path, b.chipInfo).catch(() => undefined);
            return r;
          },
          monitor: async (b) => sessionMonitor(ctx.monitors.show(chosen.find((c) => c.port.path === b.path)!, true), false),
        },
      );
      let reported = 0;
      workflow.onDidChangeStage(({ stage, detail }) => {
        ctx.log.info(`provisioning: ${detail}`);
        if (stage === 'flashing') reported = 0;
        progress.report({ message: `${detail}…` });
      });
      workflow.onDidFlashProgress(({ overall, changed }) => {
        const pct = overall.bytesTotal ? (100 * overall.bytesWritten) / overall.bytesTotal : 0;
        progress.report({ increment: Math.max(0, pct - reported) / 2, message: `flashing: ${changed.board} ${changed.phase}` });
        reported = pct;
        const board = chosen.find((c) => boards.find((b) => b.path === c.port.path)?.name === changed.board);
        if (board) ctx.registry.setActivity(board.port.path, { kind: 'flashing', percent: changed.bytesTotal ? (100 * changed.bytesWritten) / changed.bytesTotal : undefined });
      });
      let result: ProvisionResult | undefined;
      try {
        result = await workflow.run(abort.signal);
        return result;
      } finally {
        workflow.dispose();
        settleActivities(ctx, chosen, boards, result);
      }
    } finally {
      sub.dispose();
      options.signal?.removeEventListener('abort', onAbort);
    }
  });
}

/**
 * A run that ended leaves no board showing progress: a row still flashing (or building, identifying) gets the
 * board's outcome when it failed, else goes back to what its monitor shows (or idle).
 */
function settleActivities(ctx: CommandContext, chosen: readonly Board[], boards: readonly ProvisionBoard[], result: ProvisionResult | undefined): void {
  for (const b of chosen) {
    const now = ctx.registry.find(b.port.path)?.activity.kind;
    if (now !== 'flashing' && now !== 'building' && now !== 'identifying') continue;
    const name = boards.find((p) => p.path === b.port.path)?.name;
    const outcome = result?.boards.find((o) => o.board === name && isFault(o)) ?? result?.boards.find((o) => o.board === 'all boards' && isFault(o));
    if (outcome) ctx.registry.setActivity(b.port.path, { kind: 'failed', reason: outcome.reason, ...(outcome.detail ? { detail: outcome.detail } : {}) });
    else if (!result || result.outcome === 'cancelled') ctx.registry.setActivity(b.port.path, { kind: 'failed', reason: 'cancelled' });
    else ctx.registry.setActivity(b.port.path, ctx.monitors.sessionOf(b.port.path) ? { kind: 'monitoring' } : { kind: 'idle' });
  }
}

async function toProvisionBoard(ctx: CommandContext, b: Board, role: 'responder' | 'initiator', initiatorCount: number, index: number): Promise<ProvisionBoard> {
  let chip = b.chipInfo?.chip ?? b.port.chipHint;
  if (!chip) {
    // The build is per chip: ask the bootloader once; the result is cached for next time.
    const r = await identifyBoard(b.port.path, { arbiter: ctx.arbiter });
    await ctx.registry.setChipInfo(b.port.path, r.chipInfo);
    chip = r.chipInfo.chip;
  }
  const part = runPartName(role, index, initiatorCount);
  // Its name now: an identification just above turns "Virtual ESP32-S3" into chip and MAC.
  const name = ctx.registry.find(b.port.path)?.name ?? boardLabel(b);
  return { path: b.port.path, name: runBoardName(part, name), role, target: chipKey(chip) };
}

/**
 * The pair key an image built outside a run gets (Build Firmware with credentials in menuconfig): the fleet
 * key of the responder in the tree. NVS builds and compat modes carry none.
 */
export async function pairKeyForBuild(ctx: CommandContext): Promise<string> {
  const settings = ctx.settings();
  if (settings.security !== 'secure' || settings.credentialsIn === 'nvs') return '';
  const responder = ctx.registry.list().find((b) => b.role === 'responder');
  if (!responder) throw new ProvisionError('config', 'A secure image with the credentials compiled in needs its fleet\'s pair key, and no board is the responder.', undefined, 'Set Role: Responder on the fleet\'s responder first (its key is per fleet), or set espnow.credentialsIn to "nvs".');
  return ctx.pairKeys.forResponder(responder.identity);
}

/** The virtual lab's access point stands for the user's network: same SSID, with the password the run hands out. */
function syncLabAccessPoint(lab: LabController, ssid: string, password: string, channel: number): void {
  const current = lab.current;
  if (!current) return;
  current.setAccessPoint({ ssid, password, channel: channel || current.accessPointInfo.channel, security: password ? 'wpa2-psk' : 'open' });
}

/** The build cache: in global storage, never in the workspace. */
export function buildCacheRoot(places: Pick<ProvisionPlaces, 'storagePath'>): string {
  return join(places.storagePath, 'builds');
}

export function buildersFor(places: ProvisionPlaces, idfPath: string): { virtual(): FirmwareBuilder; idf(): FirmwareBuilder } {
  // The installed project, never one in the workspace: what the user installed is what gets built.
  return runBuilders({ paths: productPaths(places.extensionPath), cacheRoot: buildCacheRoot(places), idfPath });
}
