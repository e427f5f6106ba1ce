#!/usr/bin/env node
// Writes the VSIX (vsce runs vscode:prepublish, the production build) and checks what is in
// it: the native serialport prebuild for linux-x64, the bundle, and nothing else of the source tree.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join, relative } from 'node:path';
import { checkVsix } from './vsix-contents.mjs';

const root = join(import.meta.dirname, '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const out = join(root, `${pkg.name}-${pkg.version}.vsix`);
const vsce = join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
// The extension's details page shows the README in a frame that loads only https: and data: images, and
// there is no public URL for ours: the packaged README carries its PNGs inline (the repository's keeps links).
// vsce takes the path relative to the project; .cache/ is ignored by git and by .vscodeignore.
mkdirSync(join(root, '.cache'), { recursive: true });
const readmeDir = mkdtempSync(join(root, '.cache', 'vsix-readme-'));
const readme = join(readmeDir, 'README.md');
writeFileSync(
  readme,
  readFileSync(join(root, 'README.md'), 'utf8').replace(/!\[([^\]]*)\]\((media\/[^)\s]+\.png)\)/g, (_m, alt, file) => `![${alt}](data:image/png;base64,${readFileSync(join(root, file)).toString('base64')})`),
);
const r = spawnSync(process.execPath, [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--no-rewrite-relative-links', '--readme-path', relative(root, readme), '--out', out], { cwd: root, stdio: 'inherit' });
rmSync(readmeDir, { recursive: true, force: true });
if (r.status !== 0) process.exit(r.status ?? 1);

const problems = checkVsix(out);
const size = statSync(out).size;
console.log(`VSIX ${out}: ${(size / 1024 / 1024).toFixed(2)} MB`);
if (problems.length) {
  for (const p of problems) console.error(`package: ${p}`);
  process.exit(1);
}

