#!/usr/bin/env node
// Runs every *.test.ts under the given folders (or the given test files) with node:test through tsx. Node 20's
// --test takes no globs, so the files are collected here; an empty folder is an error, not a silent pass.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const roots = process.argv.slice(2);
const files = [];
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (name.endsWith('.test.ts')) files.push(p);
  }
};
for (const r of roots) {
  if (statSync(r).isDirectory()) walk(r);
  else files.push(r);
}
if (files.length === 0) {
  console.error(`run-node-tests: no *.test.ts under ${roots.join(', ')}`);
  process.exit(1);
}
const reporter = process.env.CI ? 'spec' : 'spec';
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', `--test-reporter=${reporter}`, ...files], { stdio: 'inherit' });
process.exit(r.status ?? 1);
