import * as vscode from 'vscode';
import { isProvisionError } from '../../core/common/errors';
import { checkBoardName } from '../../core/config/input-checks';
import { boardArgument, registerCommand, type CommandContext } from '../command-context';

/** Refresh Boards, Open Monitor and Rename Board. */
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
    // A name given as the second argument (tests, keybindings) skips the input box.
    registerCommand(ctx, 'espnow.renameBoard', async (arg, nameArg) => {
      const board = await boardArgument(ctx, arg, 'Rename board');
      if (!board) return;
      const name =
        typeof nameArg === 'string'
          ? nameArg
          : await vscode.window.showInputBox({
              title: 'ESP-NOW: Rename Board',
              prompt: `A name for the board at ${board.port.path}, kept for this board (by its MAC) across ports. Empty: back to chip and MAC.`,
              value: board.name,
              validateInput: (v) => {
                if (v.trim() === '') return undefined;
                try {
                  checkBoardName(v.trim(), 'The name');
                  return undefined;
                } catch (e) {
                  return isProvisionError(e) ? e.describe() : String(e);
                }
              },
            });
      if (name === undefined) return;
      await ctx.registry.setName(board.port.path, name);
      ctx.log.info(`${board.port.path} (${board.identity}) is now called "${ctx.registry.get(board.port.path).name}"`);
    }),
  ];
}
