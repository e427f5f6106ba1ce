import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

test('npm run package writes a VSIX under 5 MB with the linux-x64 serialport prebuild and no sources', async () => {
  const r = spawnSync('npm', ['run', '-s', 'package'], { cwd: root, encoding: 'utf8' });
  assert.equal(r.status, 0, `npm run package failed:\n${r.stdout}\n${r.stderr}`);
  const { version, name } = (await import(join(root, 'package.json'), { with: { type: 'json' } })).default as { version: string; name: string };
  const vsix = join(root, `${name}-${version}.vsix`);
  const { listZip, checkVsix } = (await import(join(root, 'scripts', 'vsix-contents.mjs'))) as {
    listZip: (f: string) => Array<{ name: string; size: number }>;
    checkVsix: (f: string) => string[];
  };
  assert.deepEqual(checkVsix(vsix), []);
  const names = listZip(vsix).map((e) => e.name);
  assert.ok(names.some((n) => n.startsWith('extension/dist/prebuilds/linux-x64/') && n.endsWith('.node')));
  assert.ok(!names.some((n) => n.includes('node_modules/')));
  const size = statSync(vsix).size;
  assert.ok(size < 5 * 1024 * 1024);
  console.log(`VSIX size: ${(size / 1024).toFixed(0)} KiB, ${names.length} files`);
});
