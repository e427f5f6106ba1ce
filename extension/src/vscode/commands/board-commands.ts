import * as vscode from 'vscode';
import { selectBoards } from '../../core/provision/pair-selection';
import { boardLabel } from '../board-tree';
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
    registerCommand(ctx, 'espnow.provisionPair', () => provision(ctx, 'Provision Pair', 1)),
    registerCommand(ctx, 'espnow.provisionFleet', () => provision(ctx, 'Provision Fleet', Infinity)),
  ];
}

async function provision(ctx: CommandContext, name: string, maxInitiators: number): Promise<void> {
  const sel = selectBoards(ctx.registry.list());
  if (sel.problems.length > 0) {
    const choice = await vscode.window.showErrorMessage(`ESP-NOW: ${name} cannot start. ${sel.problems.join(' ')}`, 'Start Virtual Lab', 'Show Boards');
    if (choice === 'Start Virtual Lab') await vscode.commands.executeCommand('espnow.lab.start');
    if (choice === 'Show Boards') await vscode.commands.executeCommand('espnow.boards.focus');
    return;
  }
  const initiators = sel.initiators.slice(0, maxInitiators).map(boardLabel).join(', ');
  notBuiltYet(ctx, name, `it would provision ${initiators} from responder ${boardLabel(sel.responder!)}; build, flash and monitor land in the next stages.`);
}
