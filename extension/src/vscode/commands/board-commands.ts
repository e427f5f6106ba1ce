import * as vscode from 'vscode';
import { boardArgument, notBuiltYet, registerCommand, type CommandContext } from '../command-context';

/** Commands about boards and the workflow. Stages that are not built yet say so, naming what is missing. */
export function registerBoardCommands(ctx: CommandContext): vscode.Disposable[] {
  return [
    registerCommand(ctx, 'espnow.refreshBoards', async () => {
      await ctx.discovery.refresh();
      const n = ctx.registry.list().length;
      void vscode.window.setStatusBarMessage(`ESP-NOW: ${n} board${n === 1 ? '' : 's'} connected`, 3000);
      return n;
    }),
    registerCommand(ctx, 'espnow.openMonitor', async (arg) => {
      const board = await boardArgument(ctx, arg, 'Open monitor');
      if (board) ctx.monitors.show(board);
    }),
    registerCommand(ctx, 'espnow.buildFirmware', () => notBuiltYet(ctx, 'Build Firmware', 'building firmware/ per role with idf.py comes with the build stage.')),
  ];
}
