import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runProvisionCommand } from '../../../extension/src/cli/commands/provision';
import { Lab } from '../../../extension/src/lab/lab';
import { labPrograms } from '../../../extension/src/lab/lab-programs';
import { assertNothingLeft } from '../../support/lab/resources';
import { TEST_PRODUCT_PATHS as paths } from '../../support/lab/virtual-firmware';

const PASSWORD = 'rig password 77';
const KEY = '0f'.repeat(32);

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) }, out, err };
}

test('espnow-prov provision takes a rig of lab boards to an IP, and no secret reaches the output', { timeout: 120_000 }, async () => {
  const baseline = process.getActiveResourcesInfo();
  const dir = mkdtempSync(join(tmpdir(), 'cli-provision-'));
  const lab = await Lab.start({ stateDir: join(dir, 'lab'), boards: [{ chip: 'esp32c3' }, { chip: 'esp32' }, { chip: 'esp32s3' }], programs: labPrograms, accessPoint: { ssid: 'rig-net', password: PASSWORD, channel: 11, security: 'wpa2-psk' } });
  const { io, out, err } = capture();
  try {
    const [r, i1, i2] = lab.boardList.map((b) => b.url);
    const code = await runProvisionCommand(
      ['--responder', r, '--initiator', i1, '--initiator', i2, '--ssid', 'rig-net', '--builder', 'virtual', '--build-cache', join(dir, 'cache'), '--timeout', '60', '--log-dir', join(dir, 'logs')],
      io,
      { paths, env: { ESPNOW_WIFI_PASSWORD: PASSWORD, ESPNOW_PAIR_KEY: KEY } },
    );
    const text = [...out, ...err].join('\n');
    assert.equal(code, 0, text);
    assert.match(text, /responder +ESP32-C3/);
    assert.match(text, /initiator 1 +IP 192\.168\.4\.\d+/);
    assert.match(text, /initiator 2 +IP 192\.168\.4\.\d+/);
    assert.match(text, /PROV_EVT: credentials_sent/, 'the monitors were followed');
    for (const secret of [PASSWORD, KEY]) assert.ok(!text.includes(secret), `${secret} reached the output`);
    // A monitor log per board, as the terminal printed it but without colors and with every secret redacted.
    const logs = readdirSync(join(dir, 'logs')).sort();
    assert.deepEqual(logs.map((f) => f.replace(/-\d{8}-\d{9}\.log$/, '')), ['initiator-1', 'initiator-2', 'responder']);
    const logText = logs.map((f) => readFileSync(join(dir, 'logs', f), 'utf8'));
    assert.match(logText[0], /PROV_EVT: credentials_received/);
    assert.match(logText[2], /PROV_EVT: credentials_sent/);
    for (const [n, f] of logs.entries()) {
      assert.equal(statSync(join(dir, 'logs', f)).mode & 0o777, 0o600);
      assert.ok(!logText[n].includes('\x1b') && ![PASSWORD, KEY].some((x) => logText[n].includes(x)), f);
    }
    assert.match(text, /initiator 1: monitor log .*initiator-1-\d{8}-\d{9}\.log/);
  } finally {
    lab.dispose();
  }
  await assertNothingLeft(baseline, 3000);
  rmSync(dir, { recursive: true, force: true });
});

test('espnow-prov provision names what is missing', async () => {
  const { io } = capture();
  await assert.rejects(runProvisionCommand(['--initiator', 'x', '--ssid', 's'], io, { paths, env: {} }), /--responder PORT is required/);
  await assert.rejects(runProvisionCommand(['--responder', 'a', '--ssid', 's'], io, { paths, env: {} }), /At least one --initiator/);
  await assert.rejects(runProvisionCommand(['--responder', 'a', '--initiator', 'b'], io, { paths, env: {} }), /--ssid is required/);
  await assert.rejects(runProvisionCommand(['--responder', 'a', '--initiator', 'b', '--ssid', 's'], io, { paths, env: { ESPNOW_PAIR_KEY: 'abc' } }), /ESPNOW_PAIR_KEY must hold 64 hex digits in secure mode \(it has 3 characters\)/);
  await assert.rejects(runProvisionCommand(['--responder', 'a', '--initiator', 'b', '--ssid', 's', '--credentials-in', 'eeprom'], io, { paths, env: {} }), /--credentials-in "eeprom" is not one of nvs, menuconfig/);
  await assert.rejects(runProvisionCommand(['--responder', 'a', '--initiator', 'b', '--ssid', 's', '--credentials-in', 'menuconfig'], io, { paths, env: {} }, { updateOnly: true }), /update writes the boards' NVS partitions/);
  await assert.rejects(runProvisionCommand(['--responder', 'a', '--initiator', 'b', '--ssid', 's'], io, { paths, env: { ESPNOW_WIFI_PASSWORD: 'short', ESPNOW_PAIR_KEY: KEY } }), /ESPNOW_WIFI_PASSWORD is 5 bytes long/);
  await assert.rejects(runProvisionCommand(['--responder', 'a', '--initiator', 'b', '--ssid', 's', '--builder', 'make'], io, { paths, env: {} }), /--builder "make" must be idf or virtual/);
});

test('espnow-prov update: a new password reaches the rig with no build; the fleet key is kept per responder, never printed', { timeout: 180_000 }, async () => {
  const baseline = process.getActiveResourcesInfo();
  const dir = mkdtempSync(join(tmpdir(), 'cli-update-'));
  const lab = await Lab.start({ stateDir: join(dir, 'lab'), boards: [{ chip: 'esp32c3' }, { chip: 'esp32c3' }], programs: labPrograms, accessPoint: { ssid: 'rig-net', password: PASSWORD, channel: 6, security: 'wpa2-psk' } });
  try {
    const [r, i] = lab.boardList.map((b) => b.url);
    const args = ['--responder', r!, '--initiator', i!, '--ssid', 'rig-net', '--builder', 'virtual', '--build-cache', join(dir, 'cache'), '--secrets-dir', join(dir, 'secrets'), '--timeout', '60'];
    const first = capture();
    assert.equal(await runProvisionCommand(args, first.io, { paths, env: { ESPNOW_WIFI_PASSWORD: PASSWORD } }), 0, [...first.out, ...first.err].join('\n'));
    const keyLine = first.out.find((l) => /pair key of this fleet/.test(l));
    assert.ok(keyLine, 'says where the fleet key went');
    const keyFile = keyLine.split(': ').at(-1)!;
    assert.equal(statSync(keyFile).mode & 0o777, 0o600);
    const key = readFileSync(keyFile, 'utf8').trim();
    assert.match(key, /^[0-9a-f]{64}$/);
    assert.ok(![...first.out, ...first.err].join('\n').includes(key), 'the key is never printed');

    // The first run's monitors let go of the ports as they close; a rig's next command starts after that.
    await new Promise<void>((resolve) => {
      const check = () => lab.boardList.every((b) => !b.hostConnected) && (sub.dispose(), resolve());
      const sub = lab.onDidChangeBoards(check);
      check();
    });
    lab.setAccessPoint({ ssid: 'rig-net', password: 'a new rig password', channel: 6, security: 'wpa2-psk' });
    const update = capture();
    const code = await runProvisionCommand(args, update.io, { paths, env: { ESPNOW_WIFI_PASSWORD: 'a new rig password' } }, { updateOnly: true });
    const text = [...update.out, ...update.err].join('\n');
    assert.equal(code, 0, text);
    assert.match(text, /initiator +IP 192\.168\.4\.\d+/);
    assert.match(text, /Provisioned \(build -, flash/, 'no build stage');
    assert.equal(readFileSync(keyFile, 'utf8').trim(), key, 'the same fleet key the second time');
  } finally {
    lab.dispose();
  }
  await assertNothingLeft(baseline, 3000);
  rmSync(dir, { recursive: true, force: true });
});
