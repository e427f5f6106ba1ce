import * as vscode from 'vscode';
import { describeActivity, type Board } from '../core/boards/board';
import { shortFailureText } from '../core/provision/failure-reasons';
import type { BoardRegistry } from '../core/boards/board-registry';
import type { BoardSourceKind } from '../core/boards/detected-port';
import type { Disposable } from '../core/common/disposable';

const GROUP_LABELS: Record<BoardSourceKind, string> = { usb: 'USB', rfc2217: 'Remote (RFC2217)', virtual: 'Virtual lab' };

export type BoardTreeNode = { readonly kind: 'group'; readonly source: BoardSourceKind } | { readonly kind: 'board'; readonly board: Board };

/** The Boards view: boards grouped by where they were found, each with chip, MAC, role and state. */
export class BoardTreeProvider implements vscode.TreeDataProvider<BoardTreeNode>, Disposable {
  private readonly changed = new vscode.EventEmitter<BoardTreeNode | undefined>();
  private readonly subscription: Disposable;
  readonly onDidChangeTreeData = this.changed.event;

  constructor(private readonly registry: BoardRegistry) {
    this.subscription = registry.onDidChange(() => this.changed.fire(undefined));
  }

  /**
   * Boards grouped by where they were found (USB, remote, virtual lab) when they come from more than one
   * place; from one, the rows sit at the top level: a group's indent would cost the width an IP needs.
   */
  getChildren(node?: BoardTreeNode): BoardTreeNode[] {
    // By name, numbers in order ("…:02" before "…:10"): the order ports were found in changes from run to run.
    const boards = [...this.registry.list()].sort((a, b) => boardLabel(a).localeCompare(boardLabel(b), undefined, { numeric: true }) || a.port.path.localeCompare(b.port.path));
    if (!node) {
      const sources = [...new Set(boards.map((b) => b.port.source))];
      if (sources.length === 1) return boards.map((board) => ({ kind: 'board', board }));
      return sources.map((source) => ({ kind: 'group', source }));
    }
    if (node.kind === 'group') return boards.filter((b) => b.port.source === node.source).map((board) => ({ kind: 'board', board }));
    return [];
  }

  getParent(node: BoardTreeNode): BoardTreeNode | undefined {
    if (node.kind === 'group' || new Set(this.registry.list().map((b) => b.port.source)).size <= 1) return undefined;
    return { kind: 'group', source: node.board.port.source };
  }

  getTreeItem(node: BoardTreeNode): vscode.TreeItem {
    if (node.kind === 'group') {
      const item = new vscode.TreeItem(GROUP_LABELS[node.source], vscode.TreeItemCollapsibleState.Expanded);
      item.id = `group:${node.source}`;
      item.contextValue = `group.${node.source}`;
      item.iconPath = new vscode.ThemeIcon(node.source === 'usb' ? 'plug' : node.source === 'virtual' ? 'beaker' : 'remote');
      return item;
    }
    return boardItem(node.board);
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}

/**
 * A row reads most important first, so a narrow sidebar cuts the least: the board's short name, then its
 * role and what it is doing (an IP once provisioned). The port, the full MAC and the rest are in the tooltip.
 */
function boardItem(b: Board): vscode.TreeItem {
  const item = new vscode.TreeItem(boardLabel(b), vscode.TreeItemCollapsibleState.None);
  item.id = `board:${b.port.path}`;
  // A provisioned board's IP comes first (its icon says it is done): at the default sidebar width the name and
  // an IP fit, a role word before the IP does not.
  // A failed board likewise leads with its reason in a few words; the whole reason is in the tooltip.
  const a = b.activity;
  const parts = a.kind === 'provisioned' ? [a.ip, b.role] : a.kind === 'failed' ? [shortFailureText(a.reason), b.role] : [b.role, describeActivity(a)];
  item.description = parts.filter((p) => p !== 'none').join(' · ');
  item.contextValue = `board.${b.role}`;
  item.iconPath = iconFor(b);
  item.tooltip = tooltipFor(b);
  const said = a.kind === 'provisioned' ? `${b.role === 'none' ? '' : `${b.role} · `}IP ${a.ip}` : a.kind === 'failed' ? `${b.role === 'none' ? '' : `${b.role} · `}${describeActivity(a)}` : item.description;
  item.accessibilityInformation = { label: `${boardLabel(b)}, ${said}, ${shortPath(b.port.path)}` };
  return item;
}

/** The board's name: the one the user gave it (Rename Board), else chip and the last three MAC bytes. */
export function boardLabel(b: Board): string {
  return b.name;
}

function shortPath(path: string): string {
  return path.replace(/^\/dev\//, '').replace(/^rfc2217:\/\//, '');
}

function iconFor(b: Board): vscode.ThemeIcon {
  switch (b.activity.kind) {
    case 'identifying':
    case 'building':
    case 'flashing':
      return new vscode.ThemeIcon('sync~spin');
    case 'monitoring':
      return new vscode.ThemeIcon('pulse');
    case 'provisioned':
      return new vscode.ThemeIcon('pass-filled', new vscode.ThemeColor('testing.iconPassed'));
    case 'failed':
      return new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed'));
    case 'idle':
      return new vscode.ThemeIcon(b.role === 'responder' ? 'broadcast' : b.role === 'initiator' ? 'plug' : 'circuit-board');
  }
}

function tooltipFor(b: Board): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, true);
  md.appendMarkdown(`**${escape(boardLabel(b))}**\n\n`);
  const rows: Array<[string, string | undefined]> = [
    ['Port', b.port.path],
    ['Device', b.port.description],
    ['Chip', b.chipInfo ? `${b.chipInfo.chip}${b.chipInfo.revision ? ` (revision ${b.chipInfo.revision})` : ''}` : 'not identified yet (Identify Board)'],
    ['MAC', b.chipInfo?.mac],
    ['Flash', b.chipInfo?.flashSize],
    ['USB', b.port.vendorId ? `${b.port.vendorId}:${b.port.productId}${b.port.serialNumber ? `, serial ${b.port.serialNumber}` : ''}` : undefined],
    ['Role', b.role],
    ['State', describeActivity(b.activity)],
    ['Firmware', b.firmware],
  ];
  for (const [k, v] of rows) if (v) md.appendMarkdown(`${k}: ${escape(v)}  \n`);
  return md;
}

function escape(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, (c) => `\\${c}`);
}
