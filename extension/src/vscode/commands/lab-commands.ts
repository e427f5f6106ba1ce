import * as vscode from 'vscode';
import type { LabController } from '../lab-controller';
import { registerCommand, type CommandContext } from '../command-context';
import type { RunInProgress } from '../run-in-progress';

/** Start/Stop Virtual Lab; Stop asks first when a run is using the lab's boards. */
export function registerLabCommands(ctx: CommandContext, lab: LabController, runs: RunInProgress): vscode.Disposable[] {
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
    // Stopping the lab unplugs its boards: a run on them would fail for a reason the user chose, so ask first.
    registerCommand(ctx, 'espnow.lab.stop', async (confirmed?: unknown) => {
      const run = runs.usingLab();
      if (run && lab.isRunning) {
        const stop = 'Stop Lab and Run';
        if (confirmed !== true) {
          const choice = await vscode.window.showWarningMessage(`${run.name} is running on virtual boards. Stop the virtual lab and cancel the run?`, { modal: true }, stop);
          if (choice !== stop) return false;
        }
        // Cancelled, and ended, before its boards go: pulled from under a run that is still going, they
        // would make it end as failed ("connection dropped") instead of as the cancel the user chose.
        run.controller.abort();
        await run.ended;
      }
      const stopped = await lab.stop();
      void vscode.window.showInformationMessage(stopped ? 'ESP-NOW: virtual lab stopped.' : 'ESP-NOW: the virtual lab was not running.');
      return stopped;
    }),
  ];
}
