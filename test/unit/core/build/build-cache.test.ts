import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCacheKey, cachedBuild, firmwareSourceHash, type BuildInputs } from '../../../../extension/src/core/build/build-cache';

function tempRoot(t: { after: (fn: () => void) => void }): string {
  const root = mkdtempSync(join(tmpdir(), 'build-cache-test-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  return root;
}

const fakeBuild = async (dir: string) => {
  writeFileSync(join(dir, 'app.bin'), 'image');
  writeFileSync(join(dir, 'flasher_args.json'), '{}');
};

const KEY = 'ab'.repeat(32);

test('a miss builds into a temp sibling and renames; a hit reuses the folder without calling produce', async (t) => {
  const root = join(tempRoot(t), 'cache');
  let calls = 0;
  let producedIn = '';
  const first = await cachedBuild(root, KEY, async (dir) => {
    calls++;
    producedIn = dir;
    assert.notEqual(dir, join(root, KEY), 'built beside, not in place');
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    await fakeBuild(dir);
  });
  assert.deepEqual(first, { dir: join(root, KEY), hit: false });
  assert.equal(existsSync(producedIn), false, 'temp folder renamed away');
  assert.equal(statSync(root).mode & 0o777, 0o700);
  assert.equal(statSync(first.dir).mode & 0o777, 0o700);
  const second = await cachedBuild(root, KEY, () => {
    calls++;
    return Promise.resolve();
  });
  assert.deepEqual(second, { dir: join(root, KEY), hit: true });
  assert.equal(calls, 1);
});

test('a failed or incomplete build leaves nothing that looks complete', async (t) => {
  const root = tempRoot(t);
  await assert.rejects(cachedBuild(root, KEY, async (dir) => {
    writeFileSync(join(dir, 'half.o'), 'x');
    throw new Error('compiler crashed');
  }), /compiler crashed/);
  await assert.rejects(cachedBuild(root, KEY, (dir) => Promise.resolve(writeFileSync(join(dir, 'app.bin'), 'x'))), (e: unknown) => (e as { kind?: string }).kind === 'build');
  assert.deepEqual(readdirSync(root).filter((n) => n !== '.key-salt'), []);
  // A leftover folder without flasher_args.json (an older interrupted layout) is replaced.
  mkdirSync(join(root, KEY));
  writeFileSync(join(root, KEY, 'stale'), 'x');
  const r = await cachedBuild(root, KEY, fakeBuild);
  assert.equal(r.hit, false);
  assert.equal(existsSync(join(r.dir, 'stale')), false);
});

test('two builds of the same key racing: both succeed, one folder stays', async (t) => {
  const root = tempRoot(t);
  const [a, b] = await Promise.all([cachedBuild(root, KEY, fakeBuild), cachedBuild(root, KEY, fakeBuild)]);
  assert.equal(a.dir, b.dir);
  assert.ok(existsSync(join(a.dir, 'flasher_args.json')));
  assert.deepEqual(readdirSync(root).filter((n) => n.startsWith('.tmp-')), []);
});

test('keys that could leave the cache root are refused', async (t) => {
  const root = tempRoot(t);
  for (const bad of ['../escape', 'ABCDEF0123456789', '', 'ab/cd'.repeat(8)]) {
    await assert.rejects(cachedBuild(root, bad, fakeBuild), (e: unknown) => (e as { kind?: string }).kind === 'internal');
  }
});

test('the key changes with every input, is stable otherwise, and never shows the secrets', async (t) => {
  const root = tempRoot(t);
  const secret = 'CONFIG_ESPNOW_WIFI_PASSWORD="sekrit-pass"\n';
  const base: BuildInputs = { firmwareHash: 'f'.repeat(64), target: 'esp32', sdkconfigText: secret, builder: 'idf', idfVersion: '5.4.1' };
  const k = await buildCacheKey(root, base);
  assert.match(k, /^[0-9a-f]{64}$/);
  assert.equal(await buildCacheKey(root, { ...base }), k);
  const variants: Partial<BuildInputs>[] = [{ firmwareHash: 'e'.repeat(64) }, { target: 'esp32s3' }, { sdkconfigText: secret.replace('sekrit', 'sekret') }, { builder: 'virtual' }, { idfVersion: '5.3.2' }, { idfVersion: undefined }];
  const keys = new Set([k]);
  for (const v of variants) keys.add(await buildCacheKey(root, { ...base, ...v }));
  assert.equal(keys.size, variants.length + 1);
  // Salted per cache: the same inputs under another cache root give another key.
  assert.notEqual(await buildCacheKey(join(root, 'other'), base), k);
  assert.equal(statSync(join(root, '.key-salt')).mode & 0o777, 0o600);
});

test('the firmware hash covers content and paths, and skips build output', async (t) => {
  const fw = join(tempRoot(t), 'firmware');
  mkdirSync(join(fw, 'main'), { recursive: true });
  writeFileSync(join(fw, 'CMakeLists.txt'), 'project(x)\n');
  writeFileSync(join(fw, 'main', 'a.c'), 'int a;\n');
  const h0 = await firmwareSourceHash(fw);
  // Build output does not count.
  mkdirSync(join(fw, 'build'));
  writeFileSync(join(fw, 'build', 'x.o'), 'obj');
  mkdirSync(join(fw, 'host', 'build-asan'), { recursive: true });
  writeFileSync(join(fw, 'host', 'build-asan', 'y.o'), 'obj');
  writeFileSync(join(fw, 'sdkconfig'), 'CONFIG_X=y\n');
  assert.equal(await firmwareSourceHash(fw), h0);
  writeFileSync(join(fw, 'main', 'a.c'), 'int a = 1;\n');
  const h1 = await firmwareSourceHash(fw);
  assert.notEqual(h1, h0);
  // Same content under another name is another tree.
  rmSync(join(fw, 'main', 'a.c'));
  writeFileSync(join(fw, 'main', 'b.c'), 'int a = 1;\n');
  assert.notEqual(await firmwareSourceHash(fw), h1);
});
