import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { api, plugFakeSource, reloadMarker, until, usbBoard } from './helpers';

const BOARD = usbBoard('/dev/ttyRELOAD', 'RELOAD');

/**
 * Roles must survive a window reload: the first window sets one and leaves a marker; the runners then open
 * the workspace in a new window (a new extension host, a new model), where only this file runs.
 */
describe('Roles across a window reload', () => {
  it('are kept in workspace state for the next window', async function () {
    const marker = reloadMarker();
    assert.ok(marker, 'the suites must run with a workspace folder open (the runners open one)');
    const a = await api();
    const fake = await plugFakeSource(a);
    try {
      fake.source.set([BOARD]);
      await until('the test board is listed', () => a.boards.find(BOARD.path), a.boards.onDidChange);
      if (!fs.existsSync(marker)) {
        await vscode.commands.executeCommand('espnow.setRoleInitiator', BOARD.path);
        assert.equal(a.boards.find(BOARD.path)?.role, 'initiator');
        fs.mkdirSync(path.dirname(marker), { recursive: true });
        fs.writeFileSync(marker, JSON.stringify({ path: BOARD.path, role: 'initiator' }));
        return;
      }
      fs.rmSync(marker);
      assert.equal(a.boards.find(BOARD.path)?.role, 'initiator', 'the role set before the reload is gone');
      await vscode.commands.executeCommand('espnow.setRoleNone', BOARD.path);
    } finally {
      await fake.remove();
    }
  });
});
