import * as vscode from 'vscode';
import { forgetSecrets } from '../../core/build/build-cache';
import { pairKeySecretName } from '../../core/config/pair-keys';
import { ProvisionError } from '../../core/common/errors';
import { boardArgument, registerCommand, type CommandContext } from '../command-context';
import { boardLabel } from '../board-tree';

/**
 * Rotate Pair Key / Clear Pair Key on a responder: its fleet's key is replaced or forgotten. Builds holding
 * the old key leave the build cache. Devices already provisioned keep their Wi-Fi; from now on only
 * initiators given the new key are answered.
 */
export function registerPairKeyCommands(ctx: CommandContext, buildCacheRoot: string): vscode.Disposable[] {
  const responderOf = async (arg: unknown, purpose: string) => {
    const board = await boardArgument(ctx, arg, purpose);
    if (!board) return undefined;
    if (board.role !== 'responder') throw new ProvisionError('config', `${boardLabel(board)} is not a responder; pair keys belong to a responder's fleet.`, undefined, 'Run this on the board with the responder role.');
    return board;
  };
  const forgetOld = async (identity: string): Promise<void> => {
    const old = await ctx.secrets.get(pairKeySecretName(identity));
    if (!old) return;
    const n = await forgetSecrets(buildCacheRoot, [old.toLowerCase(), old]);
    if (n) ctx.log.info(`removed ${n} cached build(s) holding the previous pair key`);
  };
  return [
    registerCommand(ctx, 'espnow.rotatePairKey', async (arg?: unknown) => {
      const board = await responderOf(arg, 'Rotate the pair key of which responder?');
      if (!board) return;
      const ok = await vscode.window.showWarningMessage(
        `ESP-NOW: make a new pair key for the fleet of ${boardLabel(board)}? Initiators given the old key will no longer be answered; provision them again.`,
        { modal: true },
        'Rotate',
      );
      if (ok !== 'Rotate') return;
      await forgetOld(board.identity);
      await ctx.pairKeys.rotate(board.identity);
      ctx.log.info(`new pair key for the fleet of ${board.identity} (stored in secret storage)`);
      void vscode.window.showInformationMessage(`ESP-NOW: new pair key for ${boardLabel(board)}; the next Provision writes it to the boards.`);
    }),
    registerCommand(ctx, 'espnow.clearPairKey', async (arg?: unknown) => {
      const board = await responderOf(arg, 'Clear the pair key of which responder?');
      if (!board) return;
      await forgetOld(board.identity);
      await ctx.pairKeys.clear(board.identity);
      ctx.log.info(`pair key of the fleet of ${board.identity} removed from secret storage`);
      void vscode.window.showInformationMessage(`ESP-NOW: pair key of ${boardLabel(board)} cleared; a new one is made at its next secure run.`);
    }),
  ];
}
