import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { INTERRUPTED_EXIT, runDemoCommand } from '../../../extension/src/cli/commands/demo';
import { ProvisionError } from '../../../extension/src/core/common/errors';
import { assertNothingLeft } from '../../support/lab/resources';
import { TEST_PRODUCT_PATHS as paths } from '../../support/lab/virtual-firmware';

function capture(onOut?: (line: string) => void) {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: {
      out: (l: string) => {
        out.push(l);
        onOut?.(l);
      },
      err: (l: string) => err.push(l),
    },
    out,
    err,
  };
}

/** Fixed, so the test can look for them; shaped like the random ones a real run uses. */
const secrets = { password: 'demo-secret-pw-417', pairKey: 'c0ffee'.repeat(10) + 'beef' };

function assertNoSecrets(text: string): void {
  assert.ok(!text.includes(secrets.password), 'the Wi-Fi password never shows');
  assert.ok(!text.includes(secrets.pairKey), 'the pair key never shows');
}

/** Every file under dir, read as text. */
function readTree(dir: string): string {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => readFileSync(join(e.parentPath ?? e.path, e.name), 'latin1'))
    .join('\n');
}

test('espnow-prov demo provisions a virtual pair end to end, and leaves nothing running', { timeout: 120_000 }, async () => {
  const baseline = process.getActiveResourcesInfo();
  const sigints = process.listenerCount('SIGINT');
  const { io, out, err } = capture();
  let work = '';
  const code = await runDemoCommand(['--timeout', '60'], io, { paths, secrets, onWorkDir: (d) => (work = d) });
  const text = out.join('\n');
  assert.equal(code, 0, `${text}\n${err.join('\n')}`);
  assert.match(text, /Identifying every board/);
  assert.match(text, /ESP32-S3 \(QFN56\).*MAC 24:0a:c4/);
  assert.match(text, /PROV_EVT: credentials_received/);
  assert.match(text, /initiator +IP 192\.168\.4\.100/);
  assert.doesNotMatch(text, /CONFIG_ESPNOW_WIFI_PASSWORD|CONFIG_ESPNOW_PAIR_KEY/);
  assertNoSecrets(`${text}\n${err.join('\n')}`);
  assert.ok(work !== '' && !existsSync(work), 'the temporary folder with the secrets is removed');
  assert.equal(process.listenerCount('SIGINT'), sigints, 'the run removes its signal handlers');
  await assertNothingLeft(baseline, 3000);
});

test('Ctrl+C during the demo stops the lab, removes the folder with the secrets and exits 130', { timeout: 120_000 }, async () => {
  const baseline = process.getActiveResourcesInfo();
  const signals = new EventEmitter();
  let work = '';
  let secretsWereOnDisk = false;
  const { io, out, err } = capture((line) => {
    if (!line.includes('Monitoring every board')) return;
    // Proves the run had written what the cleanup must remove, then interrupts it mid-provisioning.
    secretsWereOnDisk = readTree(work).includes(secrets.password);
    signals.emit('SIGINT');
  });
  const code = await runDemoCommand(['--timeout', '60'], io, { paths, secrets, signals, onWorkDir: (d) => (work = d) });
  assert.equal(code, INTERRUPTED_EXIT, `${out.join('\n')}\n${err.join('\n')}`);
  assert.ok(secretsWereOnDisk, 'the build folder held the password before the interrupt');
  assert.ok(!existsSync(work), 'the temporary folder is removed');
  assert.match(err.join('\n'), /Interrupted/);
  assert.doesNotMatch(out.join('\n'), /Provisioned/);
  assertNoSecrets(`${out.join('\n')}\n${err.join('\n')}`);
  assert.equal(signals.listenerCount('SIGINT') + signals.listenerCount('SIGTERM'), 0, 'the handlers are removed');
  await assertNothingLeft(baseline, 3000);
});

test('espnow-prov demo names a bad argument', async () => {
  const { io } = capture();
  await assert.rejects(runDemoCommand(['--mode', 'wpa3'], io, { paths }), /--mode "wpa3" is not one of secure, espressif-4\.4, espressif-5\.3, espressif-5\.4/);
  await assert.rejects(runDemoCommand(['--initiators', '0'], io, { paths }), (e: unknown) => e instanceof ProvisionError && /--initiators is "0"\. Use a whole number from 1 to 32/.test(e.describe()));
});
