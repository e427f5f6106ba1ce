import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { IdfFirmwareBuilder, VirtualFirmwareBuilder } from '../../../../extension/src/core/build/firmware-builder';
import type { FirmwareConfig } from '../../../../extension/src/core/build/sdkconfig';
import { ProvisionError } from '../../../../extension/src/core/common/errors';

const REPO = resolve(__dirname, '../../../..');
const STANDIN = join(REPO, 'test/support/idf-standin');
const PASSWORD = 'builder-secret-pw';
const CONFIG: FirmwareConfig = { role: 'responder', security: 'secure', ssid: 'lab', password: PASSWORD, channel: 1, pairKey: '5a'.repeat(32) };
const env = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({ PATH: `${dirname(process.execPath)}:${process.env.PATH ?? '/usr/bin:/bin'}`, IDF_STANDIN_NODE: process.execPath, ...extra });

/** A private copy of the ESP-IDF project files the stand-in reads, so a test can edit them. */
function setup(t: { after: (fn: () => void) => void }): { firmwareDir: string; cacheRoot: string } {
  const root = mkdtempSync(join(tmpdir(), 'fw-builder-test-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const firmwareDir = join(root, 'firmware');
  cpSync(join(REPO, 'firmware/main'), join(firmwareDir, 'main'), { recursive: true });
  copyFileSync(join(REPO, 'firmware/CMakeLists.txt'), join(firmwareDir, 'CMakeLists.txt'));
  copyFileSync(join(REPO, 'firmware/sdkconfig.defaults'), join(firmwareDir, 'sdkconfig.defaults'));
  return { firmwareDir, cacheRoot: join(root, 'cache') };
}

test('IDF builder: second identical build is a cache hit; config, target and firmware edits miss', async (t) => {
  const { firmwareDir, cacheRoot } = setup(t);
  const argsLog = join(dirname(cacheRoot), 'args.txt');
  const builder = new IdfFirmwareBuilder({ idfPath: STANDIN, firmwareDir, cacheRoot, env: env({ IDF_STANDIN_ARGS_LOG: argsLog }) });
  assert.equal(builder.kind, 'idf');
  const lines: string[] = [];
  const first = await builder.build('esp32', CONFIG, { onOutput: (l) => lines.push(l) });
  assert.equal(first.cached, false);
  assert.equal(first.toolchain, 'ESP-IDF 5.4.1', 'the stand-in\'s version.cmake');
  assert.ok(first.durationMs >= 0);
  assert.ok(existsSync(join(first.buildDir, 'flasher_args.json')));
  assert.equal(statSync(first.buildDir).mode & 0o777, 0o700);
  assert.equal(statSync(cacheRoot).mode & 0o777, 0o700);
  assert.ok(!first.buildDir.includes(PASSWORD));
  assert.ok(lines.length > 0 && lines.every((l) => !l.includes(PASSWORD)));

  rmSync(argsLog);
  const again = await builder.build('esp32', CONFIG);
  assert.deepEqual({ dir: again.buildDir, cached: again.cached }, { dir: first.buildDir, cached: true });
  assert.equal(existsSync(argsLog), false, 'idf.py not run on a hit');

  const otherPw = await builder.build('esp32', { ...CONFIG, password: 'another-pw-123' });
  assert.equal(otherPw.cached, false);
  assert.notEqual(otherPw.buildDir, first.buildDir);
  const otherTarget = await builder.build('esp32s3', CONFIG);
  assert.equal(otherTarget.cached, false);
  assert.equal((JSON.parse(readFileSync(join(otherTarget.buildDir, 'flasher_args.json'), 'utf8')) as { extra_esptool_args: { chip: string } }).extra_esptool_args.chip, 'esp32s3');
  writeFileSync(join(firmwareDir, 'main', 'added.c'), '/* a source edit */\n');
  const edited = await builder.build('esp32', CONFIG);
  assert.equal(edited.cached, false);
  assert.notEqual(edited.buildDir, first.buildDir);
});

test('IDF builder: concurrent builds of one key share one idf.py run', async (t) => {
  const { firmwareDir, cacheRoot } = setup(t);
  const builder = new IdfFirmwareBuilder({ idfPath: STANDIN, firmwareDir, cacheRoot, env: env() });
  const [a, b] = await Promise.all([builder.build('esp32c3', CONFIG), builder.build('esp32c3', CONFIG)]);
  assert.equal(a.buildDir, b.buildDir);
  assert.deepEqual([a.cached, b.cached].sort(), [false, true]);
});

test('IDF builder: missing ESP-IDF is a config error naming espnow.idfPath, failures are build errors without secrets', async (t) => {
  const { firmwareDir, cacheRoot } = setup(t);
  const missing = new IdfFirmwareBuilder({ idfPath: '', firmwareDir, cacheRoot, env: env() });
  await assert.rejects(missing.build('esp32', CONFIG), (e: unknown) => e instanceof ProvisionError && e.kind === 'config' && /espnow\.idfPath/.test(e.describe()));
  const failing = new IdfFirmwareBuilder({ idfPath: STANDIN, firmwareDir, cacheRoot, env: env({ IDF_STANDIN_FAIL: '1', IDF_STANDIN_ECHO_CONFIG: '1' }) });
  const lines: string[] = [];
  await assert.rejects(failing.build('esp32', CONFIG, { onOutput: (l) => lines.push(l) }), (e: unknown) => e instanceof ProvisionError && e.kind === 'build' && !e.describe().includes(PASSWORD));
  // The compiler's message names the project the user has, not the private copy the build ran on.
  assert.ok(lines.includes(`${firmwareDir}/main/espnow_prov_main.c:42:5: error: 'esp_now_bogus' undeclared (first use in this function)`), lines.join('\n'));
  // A failure caches nothing: the next good build runs.
  const good = new IdfFirmwareBuilder({ idfPath: STANDIN, firmwareDir, cacheRoot, env: env() });
  assert.equal((await good.build('esp32', CONFIG)).cached, false);
});

test('virtual builder: packs the shipped wasm module and the config into an image set, through the cache', async (t) => {
  const { cacheRoot } = setup(t);
  const wasmPath = join(cacheRoot, '..', 'espnow_prov.wasm');
  // The module's bytes are what the image carries: any bytes do for the packer.
  writeFileSync(wasmPath, Buffer.from('0061736d01000000', 'hex'));
  const builder = new VirtualFirmwareBuilder({ wasmPath, cacheRoot });
  const initiator = { ...CONFIG, role: 'initiator' as const, password: '', ssid: '' };
  const first = await builder.build('esp32', initiator);
  assert.equal(first.cached, false);
  assert.equal(first.toolchain, 'WebAssembly (virtual boards)');
  assert.ok(existsSync(join(first.buildDir, 'flasher_args.json')));
  assert.equal(statSync(first.buildDir).mode & 0o777, 0o700);
  const app = readFileSync(join(first.buildDir, 'espnow_prov.bin'));
  assert.equal(statSync(join(first.buildDir, 'espnow_prov.bin')).mode & 0o777, 0o600, 'the app holds the secrets');
  assert.ok(app.includes(Buffer.from('ESPNWASM0061736d', 'latin1').subarray(0, 8)) && app.includes(Buffer.from('0061736d01000000', 'hex')), 'the app carries the module');
  const again = await builder.build('esp32', initiator);
  assert.equal(again.cached, true);
  assert.equal(again.buildDir, first.buildDir);
  const responder = await builder.build('esp32', CONFIG);
  assert.equal(responder.cached, false);
  assert.notEqual(responder.buildDir, first.buildDir);
  // A new firmware (an updated extension) is a new build, not a stale cache hit.
  writeFileSync(wasmPath, Buffer.from('0061736d01000000000a', 'hex'));
  assert.equal((await builder.build('esp32', initiator)).cached, false);
});

test('virtual builder: a missing module is a build error saying what to do; an unknown chip is a config error', async (t) => {
  const { cacheRoot } = setup(t);
  const builder = new VirtualFirmwareBuilder({ wasmPath: join(cacheRoot, 'nowhere.wasm'), cacheRoot });
  await assert.rejects(builder.build('esp32', CONFIG), (e: unknown) => e instanceof ProvisionError && e.kind === 'build' && /firmware is missing.*nowhere\.wasm/.test(e.message) && /Reinstall/.test(e.describe()));
  await assert.rejects(builder.build('esp32h2', CONFIG), (e: unknown) => e instanceof ProvisionError && e.kind === 'config' && /esp32h2/.test(e.message));
});
