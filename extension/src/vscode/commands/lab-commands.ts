import * as vscode from 'vscode';
import type { LabController } from '../lab-controller';
import { ProvisionError } from '../../core/common/errors';
import { registerCommand, type CommandContext } from '../command-context';

/** Start/Stop Virtual Lab. */
export function registerLabCommands(ctx: CommandContext, lab: LabController): vscode.Disposable[] {
  return [
    registerCommand(ctx, 'espnow.lab.start', async (count?: unknown) => {
      const n = count === undefined ? ctx.settings().labBoardCount : count;
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 32) {
        throw new ProvisionError('config', `Start Virtual Lab got ${JSON.stringify(count)} boards.`, undefined, 'Give a whole number from 1 to 32 (setting espnow.lab.boardCount).');
      }
      if (lab.isRunning) {
        void vscode.window.showInformationMessage('ESP-NOW: the virtual lab is already running.');
        return lab.current;
      }
      const started = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `ESP-NOW: starting ${n} virtual board${n === 1 ? '' : 's'}…` }, () => lab.start(n));
      const boards = await started.listBoards();
      void vscode.window.showInformationMessage(
        `ESP-NOW: virtual lab running: ${boards.map((b) => `${b.chipLabel} ${b.url}`).join(', ')}. Virtual boards join its access point with the lab password ${lab.labPassword()}, never your Wi-Fi password.`,
      );
      await vscode.commands.executeCommand('espnow.boards.focus');
      return started;
    }),
    registerCommand(ctx, 'espnow.lab.stop', async () => {
      const stopped = await lab.stop();
      void vscode.window.showInformationMessage(stopped ? 'ESP-NOW: virtual lab stopped.' : 'ESP-NOW: the virtual lab was not running.');
    }),
  ];
}
