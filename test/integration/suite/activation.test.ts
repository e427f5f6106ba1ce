import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { api, extension } from './helpers';

describe('Activation', () => {
  it('activates and returns its API', async () => {
    const a = await api();
    assert.equal(extension().isActive, true);
    assert.equal(typeof a.boards.list, 'function');
    assert.equal(typeof a.boards.onDidChange, 'function');
    assert.equal(typeof a.addDiscoverySource, 'function');
  });

  it('registers every command its manifest contributes', async () => {
    await api();
    const contributed = (extension().packageJSON.contributes.commands as Array<{ command: string }>).map((c) => c.command);
    assert.ok(contributed.length >= 14, `only ${contributed.length} commands in package.json`);
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.filter((c) => !registered.has(c));
    assert.deepEqual(missing, [], `contributed but not registered: ${missing.join(', ')}`);
  });
});
