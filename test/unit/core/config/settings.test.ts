import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readSettings } from '../../../../extension/src/core/config/settings';
import { resolveWifiCredentials, WIFI_PASSWORD_SECRET } from '../../../../extension/src/core/config/credentials';
import { ProvisionError } from '../../../../extension/src/core/common/errors';
import { FLASH_BAUDS } from '../../../../extension/src/core/config/input-checks';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { homedir } from 'node:os';

const from = (o: Record<string, unknown>) => (k: string) => o[k];
const noSecrets = { get: async () => undefined };

test('defaults apply when nothing is set', () => {
  const s = readSettings(from({}));
  assert.equal(s.security, 'secure');
  assert.equal(s.flashBaud, 921600);
  assert.equal(s.wifiChannel, 0);
  assert.deepEqual(s.remotePorts, []);
});

test('bad values name the setting and what to do', () => {
  const cases: Array<[Record<string, unknown>, RegExp]> = [
    [{ 'espnow.wifi.channel': 14 }, /espnow\.wifi\.channel.*0 to 13/],
    [{ 'espnow.security': 'wpa' }, /espnow\.security.*secure, espressif-4\.4, espressif-5\.3, espressif-5\.4/],
    [{ 'espnow.wifi.ssid': 'x'.repeat(33) }, /espnow\.wifi\.ssid is 33 bytes long/],
    [{ 'espnow.remotePorts': 'rfc2217://a:1' }, /espnow\.remotePorts must be a list/],
    [{ 'espnow.flashBaud': 1.5 }, /espnow\.flashBaud/],
  ];
  for (const [raw, re] of cases) {
    assert.throws(() => readSettings(from(raw)), (e: unknown) => e instanceof ProvisionError && e.kind === 'config' && re.test(e.describe()));
  }
});

test('the secret store wins over settings.json, which warns', async () => {
  const s = readSettings(from({ 'espnow.wifi.ssid': 'lab', 'espnow.wifi.password': 'from-settings' }));
  const secret = { get: async (k: string) => (k === WIFI_PASSWORD_SECRET ? 'from-secret' : undefined) };
  const a = await resolveWifiCredentials(s, secret);
  assert.equal(a.password, 'from-secret');
  assert.equal(a.passwordSource, 'secret-storage');
  assert.equal(a.warning, undefined);
  const b = await resolveWifiCredentials(s, noSecrets);
  assert.equal(b.passwordSource, 'settings');
  assert.match(b.warning ?? '', /Set Wi-Fi Password/);
  assert.ok(!(b.warning ?? '').includes('from-settings'), 'the warning never contains the password');
});

test('a stored empty password means an open network and wins over settings.json', async () => {
  const s = readSettings(from({ 'espnow.wifi.ssid': 'guest', 'espnow.wifi.password': 'from-settings' }));
  const openStored = { get: async (k: string) => (k === WIFI_PASSWORD_SECRET ? '' : undefined) };
  const c = await resolveWifiCredentials(s, openStored);
  assert.equal(c.password, '');
  assert.equal(c.passwordSource, 'secret-storage');
  assert.equal(c.warning, undefined);
});

test('missing SSID and a too-short password are config errors', async () => {
  await assert.rejects(resolveWifiCredentials(readSettings(from({})), noSecrets), /espnow\.wifi\.ssid is empty/);
  const s = readSettings(from({ 'espnow.wifi.ssid': 'lab', 'espnow.wifi.password': 'short' }));
  await assert.rejects(resolveWifiCredentials(s, noSecrets), (e: unknown) => e instanceof ProvisionError && /8 to 63/.test(e.describe()) && !e.describe().includes('short'));
  const open = await resolveWifiCredentials(readSettings(from({ 'espnow.wifi.ssid': 'guest' })), noSecrets);
  assert.equal(open.passwordSource, 'none');
});

test('the editor and the CLI refuse the same values: package.json offers exactly the flash bauds the check takes', () => {
  const pkg = JSON.parse(readFileSync(join(__dirname, '../../../../package.json'), 'utf8')) as { contributes: { configuration: { properties: Record<string, { enum?: number[] }> } } };
  assert.deepEqual(pkg.contributes.configuration.properties['espnow.flashBaud'].enum, FLASH_BAUDS);
  const refuses = (raw: Record<string, unknown>, re: RegExp) => assert.throws(() => readSettings(from(raw)), (e: unknown) => e instanceof ProvisionError && re.test(e.describe()));
  refuses({ 'espnow.flashBaud': 12345 }, /^Setting espnow\.flashBaud is 12345\. Use one of 115200/);
  refuses({ 'espnow.wifi.ssid': '无线网络无线网络无线网络' }, /^Setting espnow\.wifi\.ssid is 36 bytes long \(12 characters\)/);
  refuses({ 'espnow.wifi.ssid': 'lab\n' }, /^Setting espnow\.wifi\.ssid holds a control character/);
});

test('a password is measured in bytes: 40 "é" are 80 bytes, and the error never shows it', async () => {
  const s = readSettings(from({ 'espnow.wifi.ssid': 'lab', 'espnow.wifi.password': 'é'.repeat(40) }));
  await assert.rejects(resolveWifiCredentials(s, noSecrets), (e: unknown) => e instanceof ProvisionError && /^Setting espnow\.wifi\.password is 80 bytes long/.test(e.describe()) && !e.describe().includes('é'));
  const ok = readSettings(from({ 'espnow.wifi.ssid': 'lab', 'espnow.wifi.password': 'é'.repeat(31) }));
  assert.equal((await resolveWifiCredentials(ok, noSecrets)).password, 'é'.repeat(31));
});

test('the monitor log folder is absolute or empty; ~ is the home folder; a relative one is refused by name', () => {
  const read = (v: unknown) => readSettings((k) => (k === 'espnow.monitor.logFolder' ? v : undefined));
  assert.equal(read(undefined).monitorLogFolder, '');
  assert.equal(read('/var/log/espnow').monitorLogFolder, '/var/log/espnow');
  assert.equal(read('~/espnow-logs').monitorLogFolder, join(homedir(), 'espnow-logs'));
  assert.throws(() => read('logs'), (e: unknown) => e instanceof ProvisionError && e.kind === 'config' && /espnow\.monitor\.logFolder is a relative path \("logs"\)/.test(e.message));
  assert.equal(read(undefined).monitorLogToFile, false);
});
