import * as vscode from 'vscode';
import type { Disposable } from '../core/common/disposable';
import { splitRunBoardName, type RunSummary, type RunSummaryRow } from '../core/provision/run-summary';

export type LastRunNode = { readonly kind: 'run'; readonly run: RunSummary } | { readonly kind: 'board'; readonly row: RunSummaryRow };

/**
 * The Last Run view: the latest Provision Pair / Fleet run, one row per board (its IP, or why not), kept
 * until the next run, so a result outlives its notification. Rows with an IP offer Copy IP Address.
 */
export class LastRunTreeProvider implements vscode.TreeDataProvider<LastRunNode>, Disposable {
  private readonly changed = new vscode.EventEmitter<LastRunNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private current: RunSummary | undefined;

  /** Replaces the shown run. */
  show(run: RunSummary): void {
    this.current = run;
    this.changed.fire(undefined);
  }

  /** For tests and the UI: the run on show. */
  get run(): RunSummary | undefined {
    return this.current;
  }

  /** The run's line, then one line per board, all at the top level: an indent would cost the width an IP needs. */
  getChildren(node?: LastRunNode): LastRunNode[] {
    if (!this.current || node) return [];
    return [{ kind: 'run', run: this.current }, ...this.current.rows.map((row): LastRunNode => ({ kind: 'board', row }))];
  }

  getParent(): LastRunNode | undefined {
    return undefined;
  }

  getTreeItem(node: LastRunNode): vscode.TreeItem {
    return node.kind === 'run' ? runItem(node.run) : rowItem(node.row);
  }

  dispose(): void {
    this.changed.dispose();
  }
}

const OUTCOME_WORDS: Record<RunSummary['outcome'], string> = { succeeded: 'succeeded', failed: 'failed', cancelled: 'cancelled' };

function runItem(run: RunSummary): vscode.TreeItem {
  const item = new vscode.TreeItem(`${run.title} ${OUTCOME_WORDS[run.outcome]}`, vscode.TreeItemCollapsibleState.None);
  item.id = 'lastRun:run';
  const at = run.endedAt.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  item.description = [at, run.times].filter(Boolean).join(' · ');
  item.iconPath = run.outcome === 'succeeded' ? new vscode.ThemeIcon('pass-filled', new vscode.ThemeColor('testing.iconPassed')) : run.outcome === 'failed' ? new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed')) : new vscode.ThemeIcon('circle-slash');
  item.tooltip = `${run.title} ${OUTCOME_WORDS[run.outcome]}${run.outcome === 'succeeded' ? '' : ` while ${run.stage}`} at ${run.endedAt.toLocaleString()}\n${run.times}`;
  item.contextValue = 'lastRun.run';
  return item;
}

/** Like a Boards row, most important first: the board's name, then its IP or reason, then its part in the run. */
function rowItem(row: RunSummaryRow): vscode.TreeItem {
  const { part, name } = splitRunBoardName(row.board);
  const item = new vscode.TreeItem(name ?? part, vscode.TreeItemCollapsibleState.None);
  item.id = `lastRun:board:${row.board}`;
  // The outcome first in a few words (the bare IP: the icon says it succeeded; a reason's short form), then
  // the board's part in the run. The whole text is in the tooltip and the accessible label.
  item.description = name ? `${row.short} · ${part}` : row.short;
  item.iconPath = row.ip ? new vscode.ThemeIcon('pass-filled', new vscode.ThemeColor('testing.iconPassed')) : row.fault ? new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed')) : new vscode.ThemeIcon('circle-outline');
  item.tooltip = `${row.board}: ${row.text}${row.hint ? `\n${row.hint}` : ''}`;
  item.accessibilityInformation = { label: `${row.board}, ${row.text}` };
  item.contextValue = row.ip ? 'lastRun.board.ip' : 'lastRun.board';
  return item;
}
