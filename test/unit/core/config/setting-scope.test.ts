import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { USER_ONLY_SETTINGS, userOnlyGetter, type SettingLayers } from '../../../../extension/src/core/config/setting-scope';
import { readSettings } from '../../../../extension/src/core/config/settings';

/** A configuration as VS Code merges it (workspace folder over workspace over user over default). */
function config(layers: Record<string, SettingLayers>) {
  const get = (key: string) => {
    const l = layers[key];
    return l ? (l.workspaceFolderValue ?? l.workspaceValue ?? l.globalValue ?? l.defaultValue) : undefined;
  };
  return { get, inspect: (key: string) => layers[key] };
}

test('a workspace cannot choose a clear-text mode, an ESP-IDF folder or a password; the user can', () => {
  const c = config({
    'espnow.security': { defaultValue: 'secure', workspaceValue: 'espressif-5.4' },
    'espnow.idfPath': { defaultValue: '', workspaceFolderValue: '/tmp/evil-idf' },
    'espnow.wifi.password': { defaultValue: '', workspaceValue: 'from-repo' },
    'espnow.wifi.ssid': { defaultValue: '', workspaceValue: 'lab-net' },
  });
  const ignored: string[] = [];
  const s = readSettings(userOnlyGetter(c.get, c.inspect, (k) => ignored.push(k)));
  assert.equal(s.security, 'secure');
  assert.equal(s.idfPath, '');
  assert.equal(s.wifiPasswordInSettings, '');
  assert.equal(s.wifiSsid, 'lab-net', 'ordinary settings still follow the workspace');
  assert.deepEqual(ignored.sort(), ['espnow.idfPath', 'espnow.security', 'espnow.wifi.password']);

  const user = config({ 'espnow.security': { defaultValue: 'secure', globalValue: 'espressif-5.3', workspaceValue: 'espressif-4.4' } });
  assert.equal(readSettings(userOnlyGetter(user.get, user.inspect)).security, 'espressif-5.3');
});

test('package.json gives every user-only setting machine or application scope and restricts it in untrusted workspaces', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '../../../../package.json'), 'utf8')) as {
    contributes: { configuration: { properties: Record<string, { scope?: string }> } };
    capabilities?: { untrustedWorkspaces?: { supported?: unknown; restrictedConfigurations?: string[] } };
  };
  for (const key of USER_ONLY_SETTINGS) {
    assert.ok(['machine', 'application'].includes(pkg.contributes.configuration.properties[key]?.scope ?? ''), `${key} scope`);
    assert.ok(pkg.capabilities?.untrustedWorkspaces?.restrictedConfigurations?.includes(key), `${key} restricted`);
  }
  assert.equal(pkg.capabilities?.untrustedWorkspaces?.supported, 'limited');
});
