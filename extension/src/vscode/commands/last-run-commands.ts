import * as vscode from 'vscode';
import { registerCommand, type CommandContext } from '../command-context';
import type { LastRunNode, LastRunTreeProvider } from '../last-run-tree';

/** Copy IP Address on a Last Run row (or of the only board with an IP when run from elsewhere). */
export function registerLastRunCommands(ctx: CommandContext, lastRun: LastRunTreeProvider): vscode.Disposable[] {
  return [
    registerCommand(ctx, 'espnow.copyIp', async (arg) => {
      const node = arg as Partial<LastRunNode> | undefined;
      const withIp = lastRun.run?.rows.filter((r) => r.ip) ?? [];
      const row = node?.kind === 'board' && node.row ? node.row : withIp.length === 1 ? withIp[0] : undefined;
      if (!row?.ip) {
        void vscode.window.showInformationMessage(withIp.length ? 'ESP-NOW: pick a board in Last Run to copy its IP address.' : 'ESP-NOW: no board of the last run has an IP address.');
        return undefined;
      }
      await vscode.env.clipboard.writeText(row.ip);
      void vscode.window.setStatusBarMessage(`ESP-NOW: copied ${row.ip} (${row.board})`, 3000);
      return row.ip;
    }),
  ];
}
