import * as vscode from 'vscode';
import type { BoardRegistry } from '../core/boards/board-registry';
import type { Disposable } from '../core/common/disposable';
import { describeSelection, selectBoards } from '../core/provision/pair-selection';
import { boardLabel } from './board-tree';

/** Shows the pair Provision Pair would use by name ("ESP-NOW: kitchen → ESP32-C3 00:00:02"); clicking it runs Provision Pair. */
export class PairStatusBar implements Disposable {
  private readonly item = vscode.window.createStatusBarItem('espnow.pair', vscode.StatusBarAlignment.Left, 50);
  private readonly subscription: Disposable;

  constructor(private readonly registry: BoardRegistry) {
    this.item.name = 'ESP-NOW pair';
    this.item.command = 'espnow.provisionPair';
    this.subscription = registry.onDidChange(() => this.update());
    this.update();
    this.item.show();
  }

  update(): void {
    const sel = selectBoards(this.registry.list());
    this.item.text = `$(radio-tower) ESP-NOW: ${describeSelection(sel, boardLabel)}`;
    const lines = [];
    if (sel.responder) lines.push(`Responder: ${boardLabel(sel.responder)} (${sel.responder.port.path})`);
    for (const i of sel.initiators) lines.push(`Initiator: ${boardLabel(i)} (${i.port.path})`);
    lines.push(...sel.problems);
    lines.push('', 'Click to run ESP-NOW: Provision Pair');
    this.item.tooltip = lines.join('\n');
  }

  /** For tests: what the status bar shows now. */
  get text(): string {
    return this.item.text;
  }

  dispose(): void {
    this.subscription.dispose();
    this.item.dispose();
  }
}
