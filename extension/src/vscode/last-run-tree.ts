import * as vscode from 'vscode';
import type { Disposable } from '../core/common/disposable';
import type { RunSummary, RunSummaryRow } from '../core/provision/run-summary';

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

  getChildren(node?: LastRunNode): LastRunNode[] {
    if (!this.current || node?.kind === 'board') return [];
    if (!node) return [{ kind: 'run', run: this.current }];
    return node.run.rows.map((row) => ({ kind: 'board', row }));
  }

  getParent(node: LastRunNode): LastRunNode | undefined {
    return node.kind === 'board' && this.current ? { kind: 'run', run: this.current } : undefined;
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
  const item = new vscode.TreeItem(`${run.title} ${OUTCOME_WORDS[run.outcome]}`, vscode.TreeItemCollapsibleState.Expanded);
  item.id = 'lastRun:run';
  const at = run.endedAt.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  item.description = [at, run.times].filter(Boolean).join(' · ');
  item.iconPath = run.outcome === 'succeeded' ? new vscode.ThemeIcon('pass-filled', new vscode.ThemeColor('testing.iconPassed')) : run.outcome === 'failed' ? new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed')) : new vscode.ThemeIcon('circle-slash');
  item.tooltip = `${run.title} ${OUTCOME_WORDS[run.outcome]}${run.outcome === 'succeeded' ? '' : ` while ${run.stage}`} at ${run.endedAt.toLocaleString()}\n${run.times}`;
  item.contextValue = 'lastRun.run';
  return item;
}

function rowItem(row: RunSummaryRow): vscode.TreeItem {
  const item = new vscode.TreeItem(row.board, vscode.TreeItemCollapsibleState.None);
  item.id = `lastRun:board:${row.board}`;
  item.description = row.text;
  item.iconPath = row.ip ? new vscode.ThemeIcon('pass-filled', new vscode.ThemeColor('testing.iconPassed')) : row.fault ? new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed')) : new vscode.ThemeIcon('circle-outline');
  item.tooltip = `${row.board}: ${row.text}${row.hint ? `\n${row.hint}` : ''}`;
  item.accessibilityInformation = { label: `${row.board}, ${row.text}` };
  item.contextValue = row.ip ? 'lastRun.board.ip' : 'lastRun.board';
  return item;
}
