import * as vscode from 'vscode';
import { notBuiltYet, registerCommand, type CommandContext } from '../command-context';

/** Start/Stop Virtual Lab. */
export function registerLabCommands(ctx: CommandContext): vscode.Disposable[] {
  return [
    registerCommand(ctx, 'espnow.lab.start', () => notBuiltYet(ctx, 'Start Virtual Lab', 'the virtual lab is being built.')),
    registerCommand(ctx, 'espnow.lab.stop', () => notBuiltYet(ctx, 'Stop Virtual Lab', 'the virtual lab is being built.')),
  ];
}
