import * as vscode from 'vscode';
import type { Board } from '../../core/boards/board';
import { CHIP_KEYS } from '../../core/chips/chips';
import { clearBuildCache } from '../../core/build/cache-hygiene';
import type { BuildResult } from '../../core/build/firmware-builder';
import type { FirmwareRole } from '../../core/build/sdkconfig';
import { ProvisionError } from '../../core/common/errors';
import { resolveWifiCredentials } from '../../core/config/credentials';
import { chipKey } from '../../core/flash/flash-plan';
import { boardLabel, type BoardTreeNode } from '../board-tree';
import { buildTask, isBuildTaskDefinition, providedBuildTasks, type BuildTaskDefinition, type RunBuild } from '../build-task';
import { registerCommand, type CommandContext } from '../command-context';
import type { LabController } from '../lab-controller';
import { buildCacheRoot, buildersFor, pairKeyForBuild, type ProvisionPlaces } from '../provision-run';

/**
 * Build Firmware: one role for one chip with the configured credentials, by ESP-IDF (real boards) or the
 * WebAssembly firmware (virtual boards), into the build cache outside the workspace; then offers to flash it.
 * From a board's context menu it builds what that board needs (its role, chip and kind), asking only what
 * the board does not say. Builds run as tasks, so compiler errors go to Problems through the problem matcher.
 */
export function registerBuildCommands(ctx: CommandContext, places: ProvisionPlaces, lab: LabController): vscode.Disposable[] {
  const run: RunBuild = (def, onOutput, signal) => runBuild(ctx, places, lab, def, onOutput, signal);
  return [
    registerCommand(ctx, 'espnow.buildFirmware', async (first?: unknown, targetArg?: unknown, kindArg?: unknown) => {
      const board = boardOf(ctx, first);
      const def = await buildRequest(board, board ? undefined : first, targetArg, kindArg);
      if (!def) return undefined;
      const result = await runAsTask(ctx, def, run);
      ctx.log.info(`${def.role} for ${def.target} with ${result.toolchain}: ${result.cached ? 'from the build cache' : `built in ${(result.durationMs / 1000).toFixed(1)} s`}: ${result.buildDir}`);
      const flashTo = board ? `Flash ${boardLabel(board)}` : 'Flash Board';
      void vscode.window.showInformationMessage(`ESP-NOW: ${def.role} firmware for ${def.target} (${result.toolchain}) ${result.cached ? 'is in the build cache' : 'built'}.`, flashTo).then((c) => c && vscode.commands.executeCommand('espnow.flashBoard', board?.port.path, result.buildDir));
      return result;
    }),
    vscode.tasks.registerTaskProvider('espnow', {
      provideTasks: () => providedBuildTasks(run),
      // A task from tasks.json: built the same way, with the definition the user wrote.
      resolveTask: (task) => (isBuildTaskDefinition(task.definition) ? buildTask(task.definition, run) : undefined),
    }),
    // Every cached build holds the Wi-Fi password and pair key it was made with: this removes them all.
    registerCommand(ctx, 'espnow.clearBuildCache', async (confirmed?: unknown) => {
      const yes = 'Clear Build Cache';
      if (confirmed !== true) {
        const choice = await vscode.window.showWarningMessage('Remove every cached firmware build? The next build of each role and chip starts from scratch.', { modal: true }, yes);
        if (choice !== yes) return 0;
      }
      const removed = await clearBuildCache(buildCacheRoot(places));
      ctx.log.info(`build cache cleared: ${removed} folder(s) removed`);
      void vscode.window.showInformationMessage(`ESP-NOW: build cache cleared (${removed} build folder${removed === 1 ? '' : 's'} removed).`);
      return removed;
    }),
  ];
}

/** The board a Build Firmware from the tree was invoked on. */
function boardOf(ctx: CommandContext, arg: unknown): Board | undefined {
  const node = arg as Partial<BoardTreeNode> | undefined;
  return node && typeof node === 'object' && node.kind === 'board' && node.board ? ctx.registry.get(node.board.port.path) : undefined;
}

/** Role, chip and builder: from the arguments, else from the board, else asked. */
async function buildRequest(board: Board | undefined, roleArg: unknown, targetArg: unknown, kindArg: unknown): Promise<BuildTaskDefinition | undefined> {
  const boardRole = board && board.role !== 'none' ? board.role : undefined;
  const role = (roleArg as FirmwareRole | undefined) ?? boardRole ?? (await pick('Role', [
    { label: 'responder', detail: 'holds the Wi-Fi credentials and beacons' },
    { label: 'initiator', detail: 'the new device that asks for them' },
  ]));
  if (!role) return undefined;
  const boardChip = board ? (board.chipInfo?.chip ?? board.port.chipHint) : undefined;
  const target = (targetArg as string | undefined) ?? (boardChip ? chipKey(boardChip) : undefined) ?? (await pick('Chip', CHIP_KEYS.map((t) => ({ label: t }))));
  if (!target) return undefined;
  const boardKind = board ? (board.port.source === 'virtual' ? 'virtual' : 'idf') : undefined;
  const builder = (kindArg as 'idf' | 'virtual' | undefined) ?? boardKind ?? (await pick('Build for', [
    { label: 'idf', description: 'real boards', detail: 'ESP-IDF (espnow.idfPath or $IDF_PATH)' },
    { label: 'virtual', description: 'virtual boards', detail: 'the WebAssembly firmware the virtual lab runs; no compiler needed' },
  ]));
  if (!builder) return undefined;
  const def = { type: 'espnow', role, target, builder } as BuildTaskDefinition;
  if (!isBuildTaskDefinition(def)) throw new ProvisionError('config', `Build Firmware got role ${JSON.stringify(role)}, chip ${JSON.stringify(target)}, builder ${JSON.stringify(builder)}: use responder or initiator, one of ${CHIP_KEYS.join(', ')}, and idf or virtual.`);
  return def;
}

/** Builds under way from Build Firmware, by definition: asking again joins the one running (VS Code refuses a second run of an active task). */
const buildsUnderWay = new Map<string, Promise<BuildResult>>();

/**
 * Runs the build as a task and waits for its outcome, with a cancellable progress notification. Where no
 * task can run (a window without a folder, a workspace not trusted), the build runs directly and its
 * output goes to the log. The wait always ends: with the build's result, when the task ends without one,
 * or at Cancel.
 */
function runAsTask(ctx: CommandContext, def: BuildTaskDefinition, run: RunBuild): Promise<BuildResult> {
  const key = JSON.stringify([def.role, def.target, def.builder ?? 'idf']);
  let pending = buildsUnderWay.get(key);
  if (!pending) {
    pending = buildWithProgress(ctx, def, run).finally(() => buildsUnderWay.delete(key));
    buildsUnderWay.set(key, pending);
  }
  return pending;
}

async function buildWithProgress(ctx: CommandContext, def: BuildTaskDefinition, run: RunBuild): Promise<BuildResult> {
  return await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `ESP-NOW: building the ${def.role} for ${def.target}`, cancellable: true }, async (progress, token) => {
    let settle!: (r: { result?: BuildResult; error?: unknown }) => void;
    const outcome = new Promise<{ result?: BuildResult; error?: unknown }>((resolve) => (settle = resolve));
    const report = (line: string): void => {
      ctx.log.trace(`build: ${line}`);
      progress.report({ message: line.slice(0, 80) });
    };
    const reporting: RunBuild = (d, onOutput, signal) => run(d, (l) => (report(l), onOutput(l)), signal);
    const cancelled = (): ProvisionError => new ProvisionError('cancelled', `Build of the ${def.role} for ${def.target} was cancelled.`);
    if (!vscode.workspace.isTrusted || !vscode.workspace.workspaceFolders?.length) {
      // Tasks do not run in Restricted Mode, nor without a folder: build here, the output in the log.
      const abort = new AbortController();
      const sub = token.onCancellationRequested(() => abort.abort());
      return run(def, report, abort.signal).finally(() => sub.dispose());
    }
    // The task's end is awaited too: VS Code refuses (or hands back) a task that is still winding down, so
    // a second Build Firmware right after this one would otherwise find no task of its own.
    let execution: vscode.TaskExecution | undefined;
    const endedExecutions = new Set<vscode.TaskExecution>();
    let taskEnded!: () => void;
    const ended = new Promise<void>((resolve) => (taskEnded = resolve));
    const subs = [
      vscode.tasks.onDidEndTask((e) => {
        endedExecutions.add(e.execution);
        if (e.execution === execution) taskEnded();
      }),
      token.onCancellationRequested(() => {
        void execution?.terminate();
        settle({ error: cancelled() });
      }),
    ];
    try {
      execution = await vscode.tasks.executeTask(buildTask(def, reporting, settle));
      if (endedExecutions.has(execution)) taskEnded();
      // A task that ends without a result: refused, or its terminal killed before the build began.
      void ended.then(() => settle({ error: new ProvisionError('build', `The build task for the ${def.role} on ${def.target} ended without a result.`, undefined, 'See its terminal and the ESP-NOW log; run Build Firmware again.') }));
      const r = await outcome;
      if (r.error !== undefined) throw r.error;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([ended, new Promise((resolve) => (timer = setTimeout(resolve, TASK_END_WAIT_MS)))]);
      clearTimeout(timer);
      return r.result!;
    } finally {
      for (const s of subs) s.dispose();
    }
  });
}

/** How long a finished build waits for VS Code to mark its task ended (normally milliseconds). */
const TASK_END_WAIT_MS = 5_000;

async function runBuild(ctx: CommandContext, places: ProvisionPlaces, lab: LabController, def: BuildTaskDefinition, onOutput: (line: string) => void, signal: AbortSignal): Promise<BuildResult> {
  const kind = def.builder ?? 'idf';
  const settings = ctx.settings();
  const responder = def.role === 'responder';
  // Only the responder carries credentials: an initiator builds before any are set.
  const creds = responder ? await resolveWifiCredentials(settings, ctx.secrets) : { ssid: '', password: '' };
  // Images for virtual boards carry the lab's password, never the user's (lab-password.ts).
  const password = !responder ? '' : kind === 'virtual' ? lab.labPassword() : creds.password;
  if (responder && kind === 'idf') await ctx.clearText.confirm(settings.security, creds.ssid);
  const config = { role: def.role, security: settings.security, ssid: creds.ssid, password, channel: responder ? settings.wifiChannel : 0, pairKey: await pairKeyForBuild(ctx) };
  const builders = buildersFor(places, settings.idfPath);
  const builder = kind === 'idf' ? builders.idf() : builders.virtual();
  return builder.build(def.target, config, { signal, onOutput });
}

async function pick(title: string, items: vscode.QuickPickItem[]): Promise<string | undefined> {
  return (await vscode.window.showQuickPick(items, { title: `ESP-NOW: Build Firmware: ${title}` }))?.label;
}
