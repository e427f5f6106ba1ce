import * as vscode from 'vscode';
import type { Role } from '../../core/boards/board';
import { boardLabel } from '../board-tree';
import { boardArgument, registerCommand, type CommandContext } from '../command-context';

const ROLE_COMMANDS: Array<[string, Role]> = [
  ['espnow.setRoleResponder', 'responder'],
  ['espnow.setRoleInitiator', 'initiator'],
  ['espnow.setRoleNone', 'none'],
];

export function registerRoleCommands(ctx: CommandContext): vscode.Disposable[] {
  return ROLE_COMMANDS.map(([id, role]) =>
    registerCommand(ctx, id, async (arg) => {
      const board = await boardArgument(ctx, arg, `Set role: ${role}`);
      if (!board) return;
      const demoted = await ctx.registry.setRole(board.port.path, role);
      const moved = demoted.length > 0 ? ` (it was ${demoted.join(', ')}; there is one responder)` : '';
      ctx.log.info(`role of ${board.port.path} (${board.identity}) set to ${role}${moved}`);
      void vscode.window.setStatusBarMessage(`ESP-NOW: ${boardLabel(board)} is now ${role === 'none' ? 'without a role' : `the ${role}`}${moved}`, 4000);
    }),
  );
}
