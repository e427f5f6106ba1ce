import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { firmwareSourceFiles, firmwareSourceHash } from '../../../../extension/src/core/build/build-cache';
import { IdfFirmwareBuilder } from '../../../../extension/src/core/build/firmware-builder';
import { writableFirmwareProject } from '../../../../extension/src/core/build/firmware-project';
import type { FirmwareConfig } from '../../../../extension/src/core/build/sdkconfig';

const REPO = resolve(__dirname, '../../../..');
const STANDIN = join(REPO, 'test/support/idf-standin');
const CONFIG: FirmwareConfig = { role: 'initiator', security: 'secure', ssid: '', password: '', channel: 0, pairKey: '5a'.repeat(32) };
const env = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({ PATH: `${dirname(process.execPath)}:${process.env.PATH ?? '/usr/bin:/bin'}`, IDF_STANDIN_NODE: process.execPath, ...extra });

/** An installed extension's firmware project (what the VSIX ships), read-only like a system install. */
function installed(t: { after: (fn: () => void) => void }): { project: string; cacheRoot: string } {
  const root = mkdtempSync(join(tmpdir(), 'fw-project-test-'));
  t.after(() => {
    chmodTree(join(root, 'ext'), 0o755, 0o644);
    rmSync(root, { recursive: true, force: true });
  });
  const project = join(root, 'ext', 'firmware');
  for (const part of ['CMakeLists.txt', 'sdkconfig.defaults', 'main', 'core']) cpSync(join(REPO, 'firmware', part), join(project, part), { recursive: true });
  chmodTree(join(root, 'ext'), 0o555, 0o444);
  return { project, cacheRoot: join(root, 'cache') };
}

function chmodTree(dir: string, dirMode: number, fileMode: number): void {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) chmodTree(join(dir, e.name), dirMode, fileMode);
    else chmodSync(join(dir, e.name), fileMode);
  }
  chmodSync(dir, dirMode);
}

test('the project is copied once per content into private folders of the cache, and the copy is writable', async (t) => {
  const { project, cacheRoot } = installed(t);
  const hash = await firmwareSourceHash(project);
  const copy = await writableFirmwareProject(project, cacheRoot, hash);
  assert.equal(dirname(copy), join(cacheRoot, 'projects'));
  const files = async (d: string) => (await firmwareSourceFiles(d)).map((f) => [f.rel, readFileSync(f.abs, 'utf8')]).filter(([rel]) => rel !== '.espnow-project-copy');
  assert.deepEqual(await files(copy), await files(project), 'the copy holds exactly the hashed files');
  for (const d of [cacheRoot, join(cacheRoot, 'projects'), copy, join(copy, 'main'), join(copy, 'core')]) assert.equal(statSync(d).mode & 0o777, 0o700, d);
  writeFileSync(join(copy, 'dependencies.lock'), 'target: esp32\n');

  const again = await writableFirmwareProject(project, cacheRoot, hash);
  assert.equal(again, copy);
  assert.ok(existsSync(join(copy, 'dependencies.lock')), 'a second build reuses the copy instead of copying again');
  assert.deepEqual(readdirSync(join(cacheRoot, 'projects')), [readdirSync(join(cacheRoot, 'projects'))[0]], 'no temp folder is left behind');
});

test('a new project version gets a fresh copy; copies unused for a day are removed then, recent ones kept', async (t) => {
  const { project, cacheRoot } = installed(t);
  const old = await writableFirmwareProject(project, cacheRoot, 'a'.repeat(64));
  const recent = await writableFirmwareProject(project, cacheRoot, 'b'.repeat(64));
  const twoDaysAgo = new Date(Date.now() - 2 * 24 * 3600 * 1000);
  utimesSync(join(old, '.espnow-project-copy'), twoDaysAgo, twoDaysAgo);
  const current = await writableFirmwareProject(project, cacheRoot, await firmwareSourceHash(project));
  assert.ok(existsSync(current));
  assert.ok(!existsSync(old), 'the stale copy is removed');
  assert.ok(existsSync(recent), 'a copy used recently (by another running version) stays');
});

test('concurrent requests for one project share a single copy', async (t) => {
  const { project, cacheRoot } = installed(t);
  const hash = await firmwareSourceHash(project);
  const dirs = await Promise.all([1, 2, 3, 4].map(() => writableFirmwareProject(project, cacheRoot, hash)));
  assert.equal(new Set(dirs).size, 1);
  assert.deepEqual(readdirSync(join(cacheRoot, 'projects')), [hash.slice(0, 32)]);
});

test('IDF builder builds the installed project from its copy: ESP-IDF writes there, never into the install folder', async (t) => {
  const { project, cacheRoot } = installed(t);
  const argsLog = join(dirname(cacheRoot), 'args.txt');
  const builder = new IdfFirmwareBuilder({ idfPath: STANDIN, firmwareDir: project, cacheRoot, env: env({ IDF_STANDIN_ARGS_LOG: argsLog }) });
  const r = await builder.build('esp32c3', CONFIG);
  assert.ok(existsSync(join(r.buildDir, 'flasher_args.json')));
  const args = readFileSync(argsLog, 'utf8').split('\n');
  const projectArg = args[args.indexOf('-C') + 1];
  assert.equal(dirname(projectArg), join(cacheRoot, 'projects'));
  assert.match(readFileSync(join(projectArg, 'dependencies.lock'), 'utf8'), /target: esp32c3/);
  assert.ok(!existsSync(join(project, 'dependencies.lock')), 'the install folder is untouched');
});
