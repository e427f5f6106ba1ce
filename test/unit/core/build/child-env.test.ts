import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildChildEnv } from '../../../../extension/src/core/build/child-env';
import { buildWithIdf } from '../../../../extension/src/core/build/idf-build';
import type { FirmwareConfig } from '../../../../extension/src/core/build/sdkconfig';
import { scriptedIdf } from '../../../support/scripted-idf';

const FIRMWARE = join(resolve(__dirname, '../../../..'), 'firmware');
const PASSWORD = 'p4ss-in-the-env';
const PAIR_KEY = 'ab'.repeat(32);
const CONFIG: FirmwareConfig = { role: 'responder', security: 'secure', ssid: 'home', password: PASSWORD, channel: 1, pairKey: PAIR_KEY };

/** What the editor or a CLI user's shell may carry. */
const PARENT: NodeJS.ProcessEnv = {
  PATH: process.env.PATH,
  HOME: '/home/u',
  LANG: 'C.UTF-8',
  LC_ALL: 'C.UTF-8',
  IDF_TOOLS_PATH: '/home/u/.espressif',
  https_proxy: 'http://proxy:3128',
  ESPNOW_WIFI_PASSWORD: PASSWORD,
  ESPNOW_PAIR_KEY: PAIR_KEY,
  GITHUB_TOKEN: 'ghp_xxxxxxxxxxxxxxxx',
  AWS_SECRET_ACCESS_KEY: 'abc/def',
  VSCODE_IPC_HOOK: '/run/user/1000/vscode.sock',
  IDF_MY_NOTE: `pw=${PASSWORD.toUpperCase()}`,
};

test('a build child gets what ESP-IDF needs and no secret, by name or by value', () => {
  const env = buildChildEnv(PARENT, [PASSWORD, PAIR_KEY], { IDF_PATH: '/idf', IDF_TARGET: 'esp32' });
  assert.deepEqual(Object.keys(env).sort(), ['HOME', 'IDF_PATH', 'IDF_TARGET', 'IDF_TOOLS_PATH', 'LANG', 'LC_ALL', 'PATH', 'https_proxy'].sort());
});

test('the processes of a real ESP-IDF build path see no secret in their environment', async (t) => {
  // An ESP-IDF whose idf.py writes out the environment it was given.
  const { idf, root } = scriptedIdf(t, 'env > "$IDF_ENV_DUMP"\nexit 3');
  const dump = join(root, 'env.txt');
  await assert.rejects(buildWithIdf({ idfPath: idf, env: { ...PARENT, IDF_ENV_DUMP: dump }, firmwareDir: FIRMWARE, target: 'esp32', config: CONFIG, buildDir: join(root, 'build') }));
  const seen = readFileSync(dump, 'utf8');
  for (const leak of [PASSWORD, PASSWORD.toUpperCase(), PAIR_KEY, 'ESPNOW_', 'GITHUB_TOKEN', 'AWS_SECRET', 'VSCODE_IPC_HOOK']) assert.ok(!seen.includes(leak), `child saw ${leak}`);
  assert.match(seen, /^IDF_PATH=/m);
  assert.match(seen, /^IDF_TARGET=esp32$/m);
  assert.match(seen, /^IDF_TOOLS_PATH=\/home\/u\/\.espressif$/m);
});
