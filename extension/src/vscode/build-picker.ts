import * as vscode from 'vscode';
import type { Board } from '../core/boards/board';
import { listCachedBuilds, type ListedBuild } from '../core/build/build-cache';
import { chipKey } from '../core/flash/flash-plan';
import { boardLabel } from './board-tree';

type BuildPick = vscode.QuickPickItem & { readonly dir?: string; readonly browse?: true };

/**
 * Which build Flash Board writes: the recent builds for the board's chip first (a virtual board only runs
 * virtual builds, a real one only ESP-IDF builds), then a folder of the user's choice (their own idf.py build).
 */
export async function pickBuildFor(board: Board, cacheRoot: string, now = Date.now()): Promise<string | undefined> {
  const chip = board.chipInfo?.chip ?? board.port.chipHint;
  const builder = board.port.source === 'virtual' ? 'virtual' : 'idf';
  const builds = chip ? await listCachedBuilds(cacheRoot, { target: chipKey(chip), builder }) : [];
  const items: BuildPick[] = [
    ...builds.map((b): BuildPick => ({ label: `${b.role} for ${b.target}`, description: carries(b), detail: `${b.toolchain} · ${b.security} · used ${ago(b.lastUsedMs, now)}`, dir: b.dir })),
    { label: 'Browse for a build folder…', description: 'an idf.py build folder with flasher_args.json', browse: true },
  ];
  const none = chip ? `No recent ${builder === 'virtual' ? 'virtual' : 'ESP-IDF'} builds for ${chip}: Build Firmware makes one.` : `${boardLabel(board)} is not identified yet, so builds cannot be matched to its chip.`;
  const picked = await vscode.window.showQuickPick(items, {
    title: `ESP-NOW: Flash ${boardLabel(board)}`,
    placeHolder: builds.length ? `Recent builds for ${chip}, most recently used first` : none,
  });
  if (!picked) return undefined;
  return picked.browse ? browseForBuild() : picked.dir;
}

/** What tells two builds of one role apart: the network and the fleet's key they carry. */
function carries(b: ListedBuild): string {
  const network = b.network ? `network ${b.network}` : b.role === 'responder' ? 'credentials from NVS' : '';
  const key = b.keyId ? `key ${b.keyId}` : b.security === 'secure' ? 'key from NVS' : 'no key';
  return [network, key].filter(Boolean).join(' · ');
}

/** "just now", "5 min ago", "3 h ago", "2 days ago". */
export function ago(thenMs: number, nowMs: number): string {
  const s = Math.max(0, Math.round((nowMs - thenMs) / 1000));
  if (s < 60) return 'just now';
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  const d = Math.floor(s / 86400);
  return `${d} day${d === 1 ? '' : 's'} ago`;
}

async function browseForBuild(): Promise<string | undefined> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const picked = await vscode.window.showOpenDialog({
    title: 'Pick an ESP-IDF build folder (it holds flasher_args.json)',
    canSelectFolders: true,
    canSelectFiles: false,
    defaultUri: folder ? vscode.Uri.joinPath(folder, 'firmware', 'build') : undefined,
    openLabel: 'Flash this build',
  });
  return picked?.[0]?.fsPath;
}

