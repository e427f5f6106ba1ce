// What both runners (code-server here, @vscode/test-electron on a desktop) prepare the same way.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Compiles test/integration/suite with tsc and returns the test entry VS Code loads. The suites import the
 * extension's API types, so tsc type-checks extension sources too; errors there (someone mid-change) are
 * `npm run typecheck`'s to report, and do not stop the suites, which only use the bundle in dist/.
 */
export function buildSuites(repoRoot) {
  const tsc = join(repoRoot, 'node_modules/typescript/bin/tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', join(repoRoot, 'test/integration/tsconfig.json'), '--pretty', 'false'], { cwd: repoRoot, encoding: 'utf8' });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  if (r.status !== 0) {
    const files = [...out.matchAll(/^(\S+?\.ts)\(\d+,\d+\): error/gm)].map((m) => m[1]);
    const ours = files.filter((f) => f.startsWith('test/integration/'));
    // Exit code 2 means "errors, but output emitted" (noEmitOnError is off); anything else is tsc failing.
    if (r.status !== 2 || files.length === 0 || ours.length > 0) {
      process.stdout.write(out);
      throw new Error('compiling test/integration/suite failed (tsc output above)');
    }
    console.log(`vscode-host: warning: ${files.length} type error(s) outside the suites (${[...new Set(files)].join(', ')}); npm run typecheck reports them`);
  }
  return join(repoRoot, 'out/test/integration/suite/index.js');
}

/**
 * A workspace of its own: an empty folder, as a new user opens one. Nothing of the checkout is in it (no
 * firmware/, no settings), so the extension must find everything in its install folder.
 */
export function makeWorkspace(tmp, name = 'workspace') {
  const ws = join(tmp, name);
  mkdirSync(ws, { recursive: true });
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
