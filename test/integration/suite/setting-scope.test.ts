import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { api, until } from './helpers';

/**
 * A repository's .vscode/settings.json must not choose a clear-text security mode, an ESP-IDF folder whose
 * scripts run, a Wi-Fi password, or real credentials for the lab: those come from the user's settings only.
 */
describe('Settings a workspace cannot set', function () {
  this.timeout(20_000);

  it('ignores a workspace value of espnow.security and the other user-only settings', async () => {
    const a = await api();
    const folder = vscode.workspace.workspaceFolders![0].uri.fsPath;
    const file = path.join(folder, '.vscode', 'settings.json');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const changed = new Promise<void>((resolve) => {
      const sub = vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('espnow') && (sub.dispose(), resolve()));
    });
    fs.writeFileSync(file, JSON.stringify({ 'espnow.security': 'espressif-5.4', 'espnow.idfPath': '/tmp/evil-idf', 'espnow.lab.useRealCredentials': true, 'espnow.wifi.ssid': 'from-the-repo' }));
    try {
      await changed;
      // The ordinary setting in the same file is taken: the file was read.
      await until('the workspace SSID is read', () => a.settings().wifiSsid === 'from-the-repo' || undefined, (l) => vscode.workspace.onDidChangeConfiguration(l), 10_000);
      const s = a.settings();
      assert.equal(s.security, 'secure', 'a workspace cannot switch to a clear-text mode');
      assert.equal(s.idfPath, '', 'nor point the build at its own ESP-IDF');
      assert.equal(s.labUseRealCredentials, false, 'nor hand the real password to the lab');
    } finally {
      fs.rmSync(file, { force: true });
    }
  });
});
