import * as vscode from 'vscode';
import { selectBoards } from '../../core/provision/pair-selection';
import type { ProvisionResult } from '../../core/provision/provision-workflow';
import { registerCommand, type CommandContext } from '../command-context';
import type { LabController } from '../lab-controller';
import { runProvisioning, type ProvisionPlaces } from '../provision-run';

/**
 * Provision Pair (the responder and the first initiator), Provision Fleet (every initiator) and Update
 * Credentials (every board, only its NVS partition rewritten: no build, the app stays).
 */
export function registerProvisionCommands(ctx: CommandContext, lab: LabController, places: ProvisionPlaces): vscode.Disposable[] {
  let running = false;
  const provision = async (name: string, fleet: boolean, updateOnly = false): Promise<ProvisionResult | undefined> => {
    if (running) {
      void vscode.window.showWarningMessage(`ESP-NOW: a provisioning run is in progress; wait for it or cancel it.`);
      return undefined;
    }
    const sel = selectBoards(ctx.registry.list());
    if (sel.problems.length > 0) {
      const choice = await vscode.window.showErrorMessage(`ESP-NOW: ${name} cannot start. ${sel.problems.join(' ')}`, 'Start Virtual Lab', 'Show Boards');
      if (choice === 'Start Virtual Lab') await vscode.commands.executeCommand('espnow.lab.start');
      if (choice === 'Show Boards') await vscode.commands.executeCommand('espnow.boards.focus');
      return undefined;
    }
    running = true;
    try {
      const initiators = fleet ? sel.initiators : sel.initiators.slice(0, 1);
      const result = await runProvisioning(ctx, lab, places, sel.responder!, initiators, { updateOnly });
      report(ctx, name, result);
      return result;
    } finally {
      running = false;
    }
  };
  return [
    registerCommand(ctx, 'espnow.provisionPair', () => provision('Provision Pair', false)),
    registerCommand(ctx, 'espnow.provisionFleet', () => provision('Provision Fleet', true)),
    registerCommand(ctx, 'espnow.updateCredentials', () => provision('Update Credentials', true, true)),
  ];
}

function report(ctx: CommandContext, name: string, r: ProvisionResult): void {
  const t = r.timings;
  const secs = (ms: number | undefined) => (ms === undefined ? '-' : `${(ms / 1000).toFixed(1)} s`);
  const times = `build ${secs(t.building)}, flash ${secs(t.flashing)}, provisioning ${secs(t.following)}`;
  if (r.outcome === 'succeeded') {
    const ips = [...r.ips].map(([board, ip]) => `${board} has IP ${ip}`).join('; ');
    ctx.log.info(`${name} succeeded: ${ips} (${times})`);
    void vscode.window.showInformationMessage(`ESP-NOW: ${name} done: ${ips}. (${times})`);
  } else if (r.outcome === 'cancelled') {
    ctx.log.warn(`${name} cancelled while ${r.stage}`);
    void vscode.window.showWarningMessage(`ESP-NOW: ${name} cancelled while ${r.stage}. The tree shows where each board was left.`);
  } else {
    for (const reason of r.reasons) ctx.log.error(`${name} failed (${r.stage}): ${reason}`);
    void vscode.window.showErrorMessage(`ESP-NOW: ${name} failed while ${r.stage}: ${r.reasons.join(' ')}`, 'Show Log').then((c) => c && ctx.log.show());
  }
}
