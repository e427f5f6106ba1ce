// What both runners (code-server here, @vscode/test-electron on a desktop) prepare the same way.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Compiles test/integration/suite with tsc and returns the test entry VS Code loads. */
export function buildSuites(repoRoot) {
  const tsc = join(repoRoot, 'node_modules/typescript/bin/tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', join(repoRoot, 'test/integration/tsconfig.json')], { cwd: repoRoot, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('compiling test/integration/suite failed (tsc output above)');
  return join(repoRoot, 'out/test/integration/suite/index.js');
}

/** A workspace of its own: a real folder with workspace settings, as a user would open. */
export function makeWorkspace(tmp) {
  const ws = join(tmp, 'workspace');
  mkdirSync(join(ws, '.vscode'), { recursive: true });
  writeFileSync(join(ws, '.vscode/settings.json'), JSON.stringify({ 'espnow.wifi.ssid': 'test-network', 'espnow.lab.boardCount': 2 }, null, 2));
  return ws;
}

/** The counts the test entry (suite/index.ts) writes when the run ends; undefined if it never got there. */
export function readResults(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}
