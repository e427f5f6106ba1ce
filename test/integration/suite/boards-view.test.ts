import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { api } from './helpers';

describe('Boards view', () => {
  it('opens from its activity bar container and takes focus', async () => {
    await api();
    const registered = new Set(await vscode.commands.getCommands(true));
    // VS Code creates these for every contributed container and view; they are missing if the manifest's
    // views do not resolve.
    assert.ok(registered.has('workbench.view.extension.espnow'), 'no command for the espnow view container');
    assert.ok(registered.has('espnow.boards.focus'), 'no focus command for the espnow.boards view');
    await vscode.commands.executeCommand('workbench.view.extension.espnow');
    await vscode.commands.executeCommand('espnow.boards.focus');
  });
});
