import * as vscode from 'vscode';
import type { Board } from '../core/boards/board';
import type { BoardDiscovery } from '../core/boards/board-discovery';
import type { BoardRegistry } from '../core/boards/board-registry';
import { isProvisionError, ProvisionError } from '../core/common/errors';
import type { PairKeys } from '../core/config/pair-keys';
import type { Settings } from '../core/config/settings';
import type { PortArbiter } from '../core/serial/port-arbiter';
import type { ClearTextConsent } from './clear-text-consent';
import type { MonitorManager } from './monitor-manager';
import type { SettingNotices } from './setting-notices';
import type { BoardTreeNode } from './board-tree';
import { boardLabel } from './board-tree';

/** What command handlers need; built once by extension.ts. */
export interface CommandContext {
  readonly discovery: BoardDiscovery;
  readonly registry: BoardRegistry;
  readonly secrets: vscode.SecretStorage;
  readonly log: vscode.LogOutputChannel;
  readonly settings: () => Settings;
  readonly arbiter: PortArbiter;
  readonly monitors: MonitorManager;
  /** Asks before a clear-text security mode sends a network's password (once per network). */
  readonly clearText: ClearTextConsent;
  /** One pair key per fleet, under its responder's identity in the secret store. */
  readonly pairKeys: PairKeys;
  /** Messages about a wrong setting, withdrawn once it is fixed. */
  readonly notices: SettingNotices;
}

/**
 * Registers a command whose failures become a message the user can act on (and a log line), never an
 * unhandled rejection.
 */
export function registerCommand(ctx: CommandContext, id: string, handler: (...args: unknown[]) => Promise<unknown> | unknown): vscode.Disposable {
  return vscode.commands.registerCommand(id, async (...args: unknown[]) => {
    try {
      return await handler(...args);
    } catch (e) {
      reportError(ctx, id, e);
      return undefined;
    }
  });
}

/**
 * A failed command's message, with what the user can do about it: an error naming an `espnow.…` setting
 * becomes a notice with Open Settings (on that setting) that goes away once the setting is fixed; any other
 * error offers the log.
 */
export function reportError(ctx: CommandContext, where: string, e: unknown): void {
  const text = isProvisionError(e) ? e.describe() : e instanceof Error ? e.message : String(e);
  ctx.log.error(`${where}: ${text}`);
  const setting = isProvisionError(e) && e.kind === 'config' ? settingNamedIn(text) : undefined;
  if (setting) {
    ctx.notices.show(text, setting, [SHOW_LOG_LINK]);
    return;
  }
  void vscode.window.showErrorMessage(`ESP-NOW: ${text}`, 'Show Log').then((c) => c && ctx.log.show());
}

/** The Show Log action as a link in a notice. */
export const SHOW_LOG_LINK = { label: 'Show Log', command: 'espnow.showLog' } as const;

/** ESP-NOW: Show Log, the output channel every command logs to. */
export function registerShowLog(ctx: CommandContext): vscode.Disposable {
  return vscode.commands.registerCommand('espnow.showLog', () => ctx.log.show());
}

/** The first `espnow.…` setting a message names (errors name the setting to fix), if any. */
export function settingNamedIn(text: string): string | undefined {
  return /\bespnow\.[A-Za-z]+(?:\.[A-Za-z]+)*/.exec(text)?.[0];
}

/** The board a command acts on: the tree item it was invoked on, or one the user picks. */
export async function boardArgument(ctx: CommandContext, arg: unknown, purpose: string): Promise<Board | undefined> {
  const node = arg as Partial<BoardTreeNode> | undefined;
  if (node && node.kind === 'board' && node.board) return ctx.registry.get(node.board.port.path);
  if (typeof arg === 'string') return ctx.registry.get(arg);
  const boards = ctx.registry.list();
  if (boards.length === 0) {
    throw new ProvisionError('port-missing', 'No boards are connected.', undefined, 'Plug a board in, add espnow.remotePorts, or run ESP-NOW: Start Virtual Lab.');
  }
  if (boards.length === 1) return boards[0];
  const pick = await vscode.window.showQuickPick(
    boards.map((b) => ({ label: boardLabel(b), description: b.port.path, detail: b.role === 'none' ? undefined : `role: ${b.role}`, board: b })),
    { title: purpose, placeHolder: 'Pick a board' },
  );
  return pick?.board;
}
