import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { api, extension, plugFakeSource, uniqueName, until, usbBoard } from './helpers';

describe('Activation', () => {
  it('activates, and its API sees a board a discovery source reports come and go', async () => {
    const a = await api();
    assert.equal(extension().isActive, true);
    const { source, remove } = await plugFakeSource(a);
    const path = `/dev/ttyACTIVATION${uniqueName('')}`;
    source.set([usbBoard(path, uniqueName('act'))]);
    const board = await until('the reported board is listed', () => a.boards.find(path), a.boards.onDidChange);
    assert.equal(board.port.source, 'usb');
    await remove();
    assert.equal(a.boards.find(path), undefined, 'an unplugged board leaves the list');
  });

  it('is the copy installed from the VSIX, with nothing of the checkout around it', function () {
    // Set by the code-server runner, which installs the packaged VSIX; a run on an extension folder under
    // development (the desktop runner, ESPNOW_EXT_PATH) has nothing installed to check.
    const installed = process.env.ESPNOW_INSTALLED_EXTENSION;
    if (!installed) this.skip();
    assert.equal(extension().extensionPath, installed, 'the extension host loaded another copy than the installed one');
    for (const dir of [installed, process.cwd(), ...(vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath)]) {
      for (const part of ['extension/src', 'firmware/host', 'node_modules', 'webpack.config.js']) {
        assert.ok(!fs.existsSync(path.join(dir, part)), `${path.join(dir, part)} exists: the test would not show the product works without a checkout`);
      }
    }
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
