// Runs the same mocha suites as run-code-server.mjs, in desktop VS Code via @vscode/test-electron.
// It downloads VS Code into .vscode-test/ on first use, so it needs internet (not available in our CI,
// which uses code-server instead). On a Linux machine without a display, run it under xvfb-run.
//
// Env: VSCODE_VERSION (default 'stable'; the engines floor is 1.100.0, e.g. VSCODE_VERSION=1.100.3).
import { runTests } from '@vscode/test-electron';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSuites, makeWorkspace, readResults } from './host/suites.mjs';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const tmp = mkdtempSync(join(tmpdir(), 'espnow-desktop-'));
const results = join(tmp, 'mocha-results.json');
let code = 1;
let passed = 0;
let failed = 0;
try {
  const extensionTestsPath = buildSuites(repoRoot);
  const ws = makeWorkspace(tmp);
  const options = {
    version: process.env.VSCODE_VERSION ?? 'stable',
    extensionDevelopmentPath: repoRoot,
    extensionTestsPath,
    extensionTestsEnv: { ESPNOW_TEST_RESULTS: results },
    launchArgs: [
      ws,
      // Only our extension: installed ones would slow the host and could claim the same ports.
      '--disable-extensions',
      '--disable-workspace-trust',
      // A fresh profile per run (roles in workspace state must not carry over between runs), shared by
      // the two windows below so the second sees what the first stored.
      '--user-data-dir', join(tmp, 'user-data'),
    ],
  };
  code = await runTests(options);
  count();
  // suite/reload.test.ts left a marker: a second window on the same workspace checks what survived.
  if (existsSync(join(ws, '.vscode/espnow-reload-check.json'))) {
    code = await runTests(options);
    count();
  }
} catch (e) {
  // runTests rejects when VS Code exits non-zero (failing tests) as well as when it cannot start.
  console.error(`vscode-desktop: ${e?.message ?? e}`);
  count();
} finally {
  console.log(`vscode-host: ${passed} passed, ${failed} failed`);
  rmSync(tmp, { recursive: true, force: true });
}
process.exit(code === 0 && failed === 0 ? 0 : 1);

/** Adds up the counts a window's test run wrote, and forgets them for the next window. */
function count() {
  const r = readResults(results);
  passed += r?.passed ?? 0;
  failed += r?.failed ?? 1;
  rmSync(results, { force: true });
}
