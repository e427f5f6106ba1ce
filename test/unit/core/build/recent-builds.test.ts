import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listCachedBuilds } from '../../../../extension/src/core/build/build-cache';
import { BUILD_INFO_FILE, keyFingerprint } from '../../../../extension/src/core/build/build-info';
import { VirtualFirmwareBuilder } from '../../../../extension/src/core/build/firmware-builder';
import type { FirmwareConfig } from '../../../../extension/src/core/build/sdkconfig';

const PASSWORD = 'recent-builds-secret';
const RESPONDER: FirmwareConfig = { role: 'responder', security: 'secure', ssid: 'lab-net', password: PASSWORD, channel: 6, pairKey: '3c'.repeat(32) };
const INITIATOR: FirmwareConfig = { ...RESPONDER, role: 'initiator', ssid: '', password: '', channel: 0 };

test('recent builds: each build says what it is; listed by chip and builder, most recently used first', async (t) => {
  const cacheRoot = mkdtempSync(join(tmpdir(), 'recent-builds-'));
  t.after(() => rmSync(cacheRoot, { recursive: true, force: true }));
  // The module's bytes are what the image carries: any bytes do for the packer (no wasm build needed).
  const wasmPath = join(cacheRoot, '..', `recent-builds-${process.pid}.wasm`);
  writeFileSync(wasmPath, Buffer.from('0061736d01000000', 'hex'));
  t.after(() => rmSync(wasmPath, { force: true }));
  const builder = new VirtualFirmwareBuilder({ wasmPath, cacheRoot });
  const c3Responder = await builder.build('esp32c3', RESPONDER);
  const c3Initiator = await builder.build('esp32c3', INITIATOR);
  const s3Initiator = await builder.build('esp32s3', INITIATOR);

  // The info file names role, chip, toolchain, the network and the key's fingerprint, never a secret.
  const infoText = readFileSync(join(c3Responder.buildDir, BUILD_INFO_FILE), 'utf8');
  assert.ok(!infoText.includes(PASSWORD) && !infoText.includes('3c3c3c'), infoText);
  const [listed] = await listCachedBuilds(cacheRoot, { target: 'esp32c3', builder: 'virtual' }).then((l) => l.filter((b) => b.role === 'responder'));
  assert.deepEqual([listed.network, listed.keyId], ['lab-net', keyFingerprint(RESPONDER.pairKey)]);
  assert.match(listed.keyId ?? '', /^[0-9a-f]{8}$/);
  assert.notEqual(keyFingerprint('3c'.repeat(32)), keyFingerprint('3d'.repeat(32)), 'two fleets\' keys tell apart');
  assert.equal(statSync(join(c3Responder.buildDir, BUILD_INFO_FILE)).mode & 0o777, 0o600);

  // Using the older responder build again puts it first.
  const old = new Date(Date.now() - 60_000);
  utimesSync(join(c3Responder.buildDir, '.last-used'), old, old);
  utimesSync(join(c3Initiator.buildDir, '.last-used'), new Date(Date.now() - 30_000), new Date(Date.now() - 30_000));
  let c3 = await listCachedBuilds(cacheRoot, { target: 'esp32c3', builder: 'virtual' });
  assert.deepEqual(c3.map((b) => [b.role, b.target, b.builder, b.toolchain]), [
    ['initiator', 'esp32c3', 'virtual', 'WebAssembly (virtual boards)'],
    ['responder', 'esp32c3', 'virtual', 'WebAssembly (virtual boards)'],
  ]);
  await builder.build('esp32c3', RESPONDER); // a cache hit marks it used
  c3 = await listCachedBuilds(cacheRoot, { target: 'esp32c3' });
  assert.deepEqual(c3.map((b) => b.dir), [c3Responder.buildDir, c3Initiator.buildDir]);

  assert.deepEqual((await listCachedBuilds(cacheRoot, { target: 'esp32s3' })).map((b) => b.dir), [s3Initiator.buildDir]);
  assert.deepEqual(await listCachedBuilds(cacheRoot, { target: 'esp32c3', builder: 'idf' }), [], 'virtual images are not offered for real boards');
  assert.equal((await listCachedBuilds(cacheRoot)).length, 3);

  // A build whose info is unreadable, or an interrupted one, is not offered.
  writeFileSync(join(s3Initiator.buildDir, BUILD_INFO_FILE), '{ not json');
  rmSync(join(c3Initiator.buildDir, 'flasher_args.json'));
  assert.deepEqual((await listCachedBuilds(cacheRoot)).map((b) => b.dir), [c3Responder.buildDir]);
  assert.deepEqual(await listCachedBuilds(join(cacheRoot, 'missing')), []);
});
