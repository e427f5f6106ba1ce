import * as vscode from 'vscode';
import type { LabController } from '../lab-controller';
import { registerCommand, type CommandContext } from '../command-context';

/** Start/Stop Virtual Lab. */
export function registerLabCommands(ctx: CommandContext, lab: LabController): vscode.Disposable[] {
  return [
    registerCommand(ctx, 'espnow.lab.start', async (count?: unknown) => {
      const n = (count === undefined ? ctx.settings().labBoardCount : count) as number;
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
