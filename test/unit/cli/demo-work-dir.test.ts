import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { makeDemoWorkDir } from '../../../extension/src/cli/demo-work-dir';

const root = mkdtempSync(join(tmpdir(), 'demo-dirs-'));
after(() => rmSync(root, { recursive: true, force: true }));

test('a demo killed with SIGKILL leaves its folder; the next demo removes it', async () => {
  const tmpRoot = join(root, 'killed');
  mkdirSync(tmpRoot);
  // A demo stand-in: makes its folder as the demo does, puts a secret in it, and waits to be killed.
  const script = `
    const { makeDemoWorkDir } = require(${JSON.stringify(require.resolve('../../../extension/src/cli/demo-work-dir'))});
    const { writeFileSync } = require('node:fs');
    const { dir } = makeDemoWorkDir(${JSON.stringify(tmpRoot)});
    writeFileSync(dir + '/flash.bin', 'CONFIG_ESPNOW_WIFI_PASSWORD="demo-secret"');
    console.log(dir);
    setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['--import', 'tsx', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const dir = await new Promise<string>((resolve) => child.stdout.once('data', (d: Buffer) => resolve(d.toString().trim())));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
  assert.ok(existsSync(join(dir, 'flash.bin')), 'SIGKILL left the secret behind');

  const next = makeDemoWorkDir(tmpRoot);
  assert.equal(next.removedStale, 1);
  assert.equal(existsSync(dir), false);
  assert.equal(statSync(next.dir).mode & 0o777, 0o700);
  assert.match(next.dir, new RegExp(`espnow-demo-${process.pid}-`));
});

test('running demos, other folders and recent old-style folders stay; old old-style ones go', () => {
  const tmpRoot = join(root, 'mixed');
  mkdirSync(tmpRoot);
  const deadPid = spawnSync(process.execPath, ['-e', '']).pid;
  const names = {
    dead: `espnow-demo-${deadPid}-abc123`,
    running: `espnow-demo-${process.ppid}-def456`,
    legacyOld: 'espnow-demo-Ab12Cd',
    legacyNew: 'espnow-demo-Ef34Gh',
    other: 'espnow-demo-notes',
  };
  for (const n of Object.values(names)) mkdirSync(join(tmpRoot, n));
  writeFileSync(join(tmpRoot, 'espnow-demo-file'), 'not a folder');
  const longAgo = new Date(Date.now() - 2 * 3600_000);
  utimesSync(join(tmpRoot, names.legacyOld), longAgo, longAgo);

  const { dir, removedStale } = makeDemoWorkDir(tmpRoot);
  assert.equal(removedStale, 2);
  assert.deepEqual(readdirSync(tmpRoot).sort(), [names.legacyNew, names.running, names.other, 'espnow-demo-file', dir.slice(tmpRoot.length + 1)].sort());
});
