import * as vscode from 'vscode';
import { boardArgument, registerCommand, type CommandContext } from '../command-context';

/** Refresh Boards and Open Monitor. */
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
  ];
}
