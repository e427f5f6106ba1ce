// Test entry for a VS Code extension host: VS Code loads this module and awaits `run()` (the contract of
// --extensionTestsPath, used by @vscode/test-electron and by our code-server runner alike).
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import { reloadMarker } from './helpers';

/**
 * Where the report goes. console.log reaches the terminal under @vscode/test-electron; under code-server the
 * extension host's stdout is the server's log, so the runner passes a file (ESPNOW_TEST_LOG) it follows.
 */
function sink(): (line: string) => void {
  const file = process.env.ESPNOW_TEST_LOG;
  return (line) => {
    console.log(line);
    if (file) fs.appendFileSync(file, `${line}\n`);
  };
}

const { EVENT_SUITE_BEGIN, EVENT_TEST_PASS, EVENT_TEST_FAIL, EVENT_TEST_PENDING, EVENT_RUN_END } = Mocha.Runner.constants;

/** A spec-like reporter that writes whole lines through `sink`, so the two transports print the same. */
class LineReporter extends Mocha.reporters.Base {
  constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
    super(runner, options);
    const out = sink();
    const indent = (s: Mocha.Suite | Mocha.Test) => '  '.repeat(Math.max(0, s.titlePath().length - 1));
    runner.on(EVENT_SUITE_BEGIN, (s: Mocha.Suite) => s.title && out(`${indent(s)}${s.title}`));
    runner.on(EVENT_TEST_PASS, (t: Mocha.Test) => out(`${indent(t)}✓ ${t.title} (${t.duration ?? 0} ms)`));
    runner.on(EVENT_TEST_PENDING, (t: Mocha.Test) => out(`${indent(t)}- ${t.title} (skipped)`));
    runner.on(EVENT_TEST_FAIL, (t: Mocha.Test, err: Error) => {
      out(`${indent(t)}✗ ${t.title}`);
      // The message and the first frames locate a failure; the rest is the extension host's internals.
      for (const l of String(err?.stack ?? err).split('\n').slice(0, 6)) out(`${indent(t)}    ${l}`);
    });
    runner.once(EVENT_RUN_END, () => {
      const s = this.stats;
      out(`\n${s.passes} passing, ${s.failures} failing, ${s.pending} pending (${s.duration ?? 0} ms)`);
      const results = process.env.ESPNOW_TEST_RESULTS;
      if (results) fs.writeFileSync(results, JSON.stringify({ passed: s.passes, failed: s.failures, pending: s.pending }));
    });
  }
}

export function run(): Promise<void> {
  // ESPNOW_TEST_GREP runs only the tests whose titles match (while working on one).
  const grep = process.env.ESPNOW_TEST_GREP;
  const mocha = new Mocha({ ui: 'bdd', timeout: 20_000, color: false, reporter: LineReporter, ...(grep ? { grep } : {}) });
  // A window opened after the first one left its reload marker only checks what survived the reload.
  const marker = reloadMarker();
  const afterReload = marker !== undefined && fs.existsSync(marker);
  const files = fs.readdirSync(__dirname).filter((n) => (afterReload ? n === 'reload.test.js' : n.endsWith('.test.js')));
  for (const f of files.sort()) {
    mocha.addFile(path.join(__dirname, f));
  }
  return new Promise((resolve, reject) => {
    try {
      mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} integration test(s) failed`)) : resolve()));
    } catch (e) {
      reject(e instanceof Error ? e : new Error(String(e)));
    }
  });
}
