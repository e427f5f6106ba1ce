import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runDemoCommand } from '../../../extension/src/cli/commands/demo';
import { assertNothingLeft } from '../../support/lab/link-client';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) }, out, err };
}

test('espnow-prov demo provisions a virtual pair end to end, and leaves nothing running', { timeout: 120_000 }, async () => {
  const baseline = process.getActiveResourcesInfo();
  const { io, out, err } = capture();
  const code = await runDemoCommand(['--timeout', '60'], io);
  const text = out.join('\n');
  assert.equal(code, 0, `${text}\n${err.join('\n')}`);
  assert.match(text, /Identifying every board/);
  assert.match(text, /ESP32-S3 \(QFN56\).*MAC 24:0a:c4/);
  assert.match(text, /PROV_EVT: credentials_received/);
  assert.match(text, /initiator +IP 192\.168\.4\.100/);
  assert.doesNotMatch(text, /CONFIG_ESPNOW_WIFI_PASSWORD|CONFIG_ESPNOW_PAIR_KEY/);
  await assertNothingLeft(baseline, 3000);
});

test('espnow-prov demo names a bad argument', async () => {
  const { io } = capture();
  await assert.rejects(runDemoCommand(['--mode', 'wpa3'], io), /--mode "wpa3" is not one of secure, espressif-5\.3, espressif-5\.4/);
  await assert.rejects(runDemoCommand(['--initiators', '0'], io), /--initiators "0" must be a whole number from 1 to 8/);
});
