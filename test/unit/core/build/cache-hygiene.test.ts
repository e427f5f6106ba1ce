import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cachedBuild, forgetSecrets } from '../../../../extension/src/core/build/build-cache';
import { clearBuildCache, type CacheLimits } from '../../../../extension/src/core/build/cache-hygiene';
import { VirtualFirmwareBuilder } from '../../../../extension/src/core/build/firmware-builder';
import type { FirmwareConfig } from '../../../../extension/src/core/build/sdkconfig';

function tempRoot(t: { after: (fn: () => void) => void }): string {
  const root = mkdtempSync(join(tmpdir(), 'cache-hygiene-test-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  return root;
}

/** Every file under `dir` whose bytes contain `needle`. */
function filesHolding(dir: string, needle: string): string[] {
  const hits: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && readFileSync(p).includes(needle)) hits.push(p);
    }
  };
  if (existsSync(dir)) walk(dir);
  return hits;
}

const key = (n: number): string => n.toString(16).padStart(2, '0').repeat(32);
const build = (bytes = 10) => async (dir: string) => {
  writeFileSync(join(dir, 'app.bin'), Buffer.alloc(bytes, 1));
  writeFileSync(join(dir, 'flasher_args.json'), '{}');
};
const setUsed = (dir: string, secondsAgo: number) => {
  const t = new Date(Date.now() - secondsAgo * 1000);
  utimesSync(join(dir, '.last-used'), t, t);
};

test('clearing or replacing a password removes every build holding it, and only those', async (t) => {
  const root = tempRoot(t);
  const wasm = join(root, 'firmware.wasm');
  writeFileSync(wasm, Buffer.from('\0asm\x01\0\0\0'));
  const cacheRoot = join(root, 'builds');
  const builder = new VirtualFirmwareBuilder({ wasmPath: wasm, cacheRoot });
  const config = (password: string): FirmwareConfig => ({ role: 'responder', security: 'secure', ssid: 'home', password, channel: 1, pairKey: '5a'.repeat(32) });
  await builder.build('esp32', config('old-pass-1234'));
  await builder.build('esp32s3', config('old-pass-1234'));
  const kept = await builder.build('esp32', config('new-pass-5678'));
  assert.ok(filesHolding(cacheRoot, 'old-pass-1234').length > 0, 'the builds do embed the password');

  assert.equal(await forgetSecrets(cacheRoot, ['old-pass-1234']), 2);
  assert.deepEqual(filesHolding(cacheRoot, 'old-pass-1234'), []);
  assert.ok(existsSync(join(kept.buildDir, 'flasher_args.json')), 'a build with another password stays');
  assert.equal((await builder.build('esp32', config('new-pass-5678'))).cached, true);
});

test('builds without tags (made before tags existed) count as holding any secret', async (t) => {
  const cacheRoot = tempRoot(t);
  const r = await cachedBuild(cacheRoot, key(1), build(), { secrets: ['pw-one'] });
  rmSync(join(r.dir, '.secret-tags'));
  assert.equal(await forgetSecrets(cacheRoot, ['something-else']), 1);
  assert.equal(existsSync(r.dir), false);
});

test('least recently used builds go beyond the count and size caps; recent and current ones stay', async (t) => {
  const cacheRoot = tempRoot(t);
  const limits: CacheLimits = { maxEntries: 2, maxBytes: 1 << 20, minAgeMs: 60_000, staleTmpMs: 3600_000 };
  const a = await cachedBuild(cacheRoot, key(1), build(), { limits });
  const b = await cachedBuild(cacheRoot, key(2), build(), { limits });
  setUsed(a.dir, 3000);
  setUsed(b.dir, 2000);
  // Using a again makes b the least recently used.
  await cachedBuild(cacheRoot, key(1), build(), { limits });
  const c = await cachedBuild(cacheRoot, key(3), build(), { limits });
  assert.deepEqual([existsSync(a.dir), existsSync(b.dir), existsSync(c.dir)], [true, false, true]);

  // A build used within minAgeMs is never evicted, even beyond the cap.
  const d = await cachedBuild(cacheRoot, key(4), build(), { limits });
  assert.ok(existsSync(a.dir) && existsSync(c.dir) && existsSync(d.dir));

  // Size: with room for just one 600 KB build, the older (small) ones go.
  setUsed(a.dir, 900);
  setUsed(c.dir, 800);
  setUsed(d.dir, 700);
  const big = await cachedBuild(cacheRoot, key(5), build(600 << 10), { limits: { ...limits, maxEntries: 10, maxBytes: (600 << 10) + 5 } });
  assert.deepEqual(readdirSync(cacheRoot).filter((n) => /^[0-9a-f]{64}$/.test(n)), [key(5)]);
  assert.ok(statSync(big.dir).isDirectory());
});

test('temp folders of killed builds are swept at the next build; a running build keeps its own', async (t) => {
  const cacheRoot = tempRoot(t);
  mkdirSync(cacheRoot, { recursive: true, mode: 0o700 });
  const deadPid = spawnSync(process.execPath, ['-e', '']).pid;
  const dead = join(cacheRoot, `.tmp-${'ab'.repeat(8)}-${deadPid}-x1y2z3`);
  const live = join(cacheRoot, `.tmp-${'cd'.repeat(8)}-${process.pid}-a1b2c3`);
  const old = join(cacheRoot, `.tmp-${'ef'.repeat(8)}-q1w2e3`);
  for (const d of [dead, live, old]) {
    mkdirSync(d);
    writeFileSync(join(d, 'sdkconfig'), 'CONFIG_ESPNOW_WIFI_PASSWORD="left behind"\n');
  }
  const longAgo = new Date(Date.now() - 2 * 24 * 3600_000);
  utimesSync(old, longAgo, longAgo);
  await cachedBuild(cacheRoot, key(1), build());
  assert.deepEqual([existsSync(dead), existsSync(live), existsSync(old)], [false, true, false]);

  assert.equal(await clearBuildCache(cacheRoot), 2);
  assert.deepEqual(readdirSync(cacheRoot), ['.key-salt']);
});
