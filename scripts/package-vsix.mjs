#!/usr/bin/env node
// Writes the VSIX (vsce runs vscode:prepublish, the production build) and checks what is in
// it: the native serialport prebuild for linux-x64, the bundle, and nothing else of the source tree.
import { statSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { checkVsix } from './vsix-contents.mjs';

const root = join(import.meta.dirname, '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const out = join(root, `${pkg.name}-${pkg.version}.vsix`);
const vsce = join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
const r = spawnSync(process.execPath, [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--no-rewrite-relative-links', '--out', out], { cwd: root, stdio: 'inherit' });
if (r.status !== 0) process.exit(r.status ?? 1);

const problems = checkVsix(out);
const size = statSync(out).size;
console.log(`VSIX ${out}: ${(size / 1024 / 1024).toFixed(2)} MB`);
if (problems.length) {
  for (const p of problems) console.error(`package: ${p}`);
  process.exit(1);
}

