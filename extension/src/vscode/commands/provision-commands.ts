import * as vscode from 'vscode';
import { selectBoards } from '../../core/provision/pair-selection';
import type { ProvisionResult } from '../../core/provision/provision-workflow';
import { summarizeRun, type RunSummary } from '../../core/provision/run-summary';
import { registerCommand, settingNamedIn, SHOW_LOG_LINK, type CommandContext } from '../command-context';
import type { LabController } from '../lab-controller';
import { runProvisioning, type ProvisionPlaces } from '../provision-run';
import type { RunInProgress } from '../run-in-progress';

/** Where a finished run is kept for the user to read (the Last Run view). */
export interface RunShelf {
  show(run: RunSummary): void;
}

/**
 * Provision Pair (the responder and the first initiator), Provision Fleet (every initiator) and Update
 * Credentials (every board, only its NVS partition rewritten: no build, the app stays).
 */
export function registerProvisionCommands(ctx: CommandContext, lab: LabController, places: ProvisionPlaces, shelf: RunShelf, runs: RunInProgress): vscode.Disposable[] {
  const provision = async (name: string, command: string, fleet: boolean, updateOnly = false): Promise<ProvisionResult | undefined> => {
    const current = runs.current;
    if (current) {
      void vscode.window.showWarningMessage(`ESP-NOW: ${current.name} is running.`, 'Cancel It').then((c) => c && current.controller.abort());
      return undefined;
    }
    const sel = selectBoards(ctx.registry.list());
    if (sel.problems.length > 0) {
      // No Start Virtual Lab while the lab already runs: the boards are there, they lack roles.
      const actions = lab.isRunning ? ['Show Boards'] : ['Start Virtual Lab', 'Show Boards'];
      const choice = await vscode.window.showErrorMessage(`ESP-NOW: ${name} cannot start. ${sel.problems.join(' ')}`, ...actions);
      if (choice === 'Start Virtual Lab') await vscode.commands.executeCommand('espnow.lab.start');
      if (choice === 'Show Boards') await vscode.commands.executeCommand('espnow.boards.focus');
      return undefined;
    }
    const initiators = fleet ? sel.initiators : sel.initiators.slice(0, 1);
    const controller = new AbortController();
    const end = runs.begin({ name, controller, boards: [sel.responder!, ...initiators] });
    try {
      const result = await runProvisioning(ctx, lab, places, sel.responder!, initiators, { updateOnly, signal: controller.signal });
      const summary = summarizeRun(name, result, new Date());
      shelf.show(summary);
      report(ctx, command, summary, result);
      return result;
    } finally {
      end();
    }
  };
  return [
    registerCommand(ctx, 'espnow.provisionPair', () => provision('Provision Pair', 'espnow.provisionPair', false)),
    registerCommand(ctx, 'espnow.provisionFleet', () => provision('Provision Fleet', 'espnow.provisionFleet', true)),
    registerCommand(ctx, 'espnow.updateCredentials', () => provision('Update Credentials', 'espnow.updateCredentials', true, true)),
  ];
}

/**
 * One short message per run, naming boards by name; the whole table (every board, times per stage) stays in
 * the Last Run view. A failure offers Retry, the log, and the setting it names.
 */
function report(ctx: CommandContext, command: string, run: RunSummary, r: ProvisionResult): void {
  const name = run.title;
  if (r.outcome === 'succeeded') {
    const ips = run.rows.filter((row) => row.ip).map((row) => `${row.board} has IP ${row.ip}`).join('; ');
    ctx.log.info(`${name} succeeded: ${ips} (${run.times})`);
    void vscode.window.showInformationMessage(`ESP-NOW: ${name} done: ${ips}.`, 'Show Last Run').then((c) => c && vscode.commands.executeCommand('espnow.lastRun.focus'));
    return;
  }
  const faults = run.rows.filter((row) => row.fault);
  for (const reason of r.reasons) ctx.log.error(`${name} ${r.outcome} (${r.stage}): ${reason}`);
  const first = faults[0];
  const more = faults.length > 1 ? ` (+${faults.length - 1} more in Last Run)` : '';
  const text = r.outcome === 'cancelled' ? `ESP-NOW: ${name} cancelled while ${r.stage}.` : `ESP-NOW: ${name} failed: ${first ? `${first.board}: ${first.text}` : `while ${r.stage}`}${more}`;
  const setting = settingNamedIn(r.reasons.join(' '));
  if (setting && r.outcome === 'failed') {
    // A wrong setting: the message goes away when the setting is fixed, and offers the run again.
    ctx.notices.show(text.replace(/^ESP-NOW: /, ''), setting, [{ label: 'Retry', command }, SHOW_LOG_LINK]);
    return;
  }
  const actions = ['Retry', 'Show Log'];
  const shown = r.outcome === 'cancelled' ? vscode.window.showWarningMessage(text, ...actions) : vscode.window.showErrorMessage(text, ...actions);
  void shown.then((c) => {
    if (c === 'Retry') void vscode.commands.executeCommand(command);
    if (c === 'Show Log') ctx.log.show();
  });
}
