// Runs the integration suites inside a real VS Code extension host (code-server 4.100.3, the Node extension
// host of VS Code 1.100.3) and then the UI test, in Debian's Chromium, against what users install: the
// packaged VSIX (`npm run package`), installed with `code-server --install-extension` into fresh extensions
// and user-data folders, code-server running in a temporary folder (not the checkout) on an empty workspace.
// The suites and the UI test each get their own code-server, install and workspace, as two new users would.
//
// VS Code runs extensionTestsPath only together with extensionDevelopmentPath; the suites pass an empty
// folder there (it develops no extension), so the extension they reach by id is the installed one, and
// suite/activation.test.ts checks that it is.
//
// Env: ESPNOW_VSIX (test this VSIX instead of packaging one now), ESPNOW_VSCODE_TIMEOUT_MS (overall limit,
// default 15 min), ESPNOW_SKIP_UI=1, ESPNOW_SKIP_SUITES=1 (to work on one of the two), ESPNOW_KEEP_SCREENSHOT=1 (leave media/screenshot.png alone),
// ESPNOW_TEST_GREP (run only the host tests whose titles match), ESPNOW_TEST_VERBOSE=1 (forward every browser console line), ESPNOW_EXT_PATH / ESPNOW_TESTS_PATH (run an
// extension folder under development, or another test entry; used to check this harness against a fixture).
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchBrowser, newContext } from './host/browser.mjs';
import { codeServerBin, installExtension, startCodeServer, userEnv } from './host/code-server.mjs';
import { buildSuites, makeWorkspace, readResults } from './host/suites.mjs';
import { tailFile } from './host/tail.mjs';
import { packagedVsix } from './host/vsix.mjs';
import { runUiTest, SCREENSHOTS } from './ui-test.mjs';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const timeoutMs = Number(process.env.ESPNOW_VSCODE_TIMEOUT_MS ?? 900_000);
const verbose = process.env.ESPNOW_TEST_VERBOSE === '1';
const resultsDir = join(repoRoot, 'test-results');
const say = (s) => console.log(`vscode-host: ${s}`);

class Timeout extends Error {}
/** The page on screen now, for a screenshot of where a timed-out run was stuck. */
let currentPage;

/** Everything started is registered here and torn down in reverse order, whatever happened. */
const cleanups = [];
async function cleanup() {
  while (cleanups.length) {
    try { await cleanups.pop()(); } catch (e) { console.error(`vscode-host: cleanup failed: ${e?.message ?? e}`); }
  }
}

/**
 * Opens the workbench with the extension under development and the test entry, and resolves with the exit
 * code the workbench hands to window.codeAutomationExit when the test run ends.
 */
async function runSuites({ context, server, ws, extPath, testsPath }) {
  const page = await context.newPage();
  currentPage = page;
  const exitCode = new Promise((resolveExit) => {
    void page.exposeFunction('codeAutomationExit', (code) => resolveExit(Number(code)));
  });
  // The workbench's own log lines (extension host start, activation errors) when it runs for automation.
  await page.exposeFunction('codeAutomationLog', (type, msg) => {
    // The marketplace (open-vsx.org) is unreachable offline by design: not worth a line per lookup.
    // Closing a window cancels its pending writes: expected at every page close.
    if (!verbose && /open-vsx\.org|Long running operations during shutdown|Canceled: Canceled|^Canceled$/.test(String(msg))) return;
    if (verbose || type === 'error') console.log(`[workbench ${type}] ${msg}`);
  });
  page.on('console', (m) => {
    const text = m.text();
    // Extension host errors (activation failures, uncaught errors) surface here; the rest is noise.
    if (verbose || (m.type() === 'error' && !/Canceled: Canceled/.test(text) && /Extension Host|espnow-provision|Activating extension/i.test(text))) {
      console.log(`[browser ${m.type()}] ${text}`);
    }
  });
  page.on('pageerror', (e) => console.log(`[browser pageerror] ${e.message}`));
  await page.goto(server.url(ws, { extensionDevelopmentPath: extPath, extensionTestsPath: testsPath }));
  const code = await exitCode;
  return { code, page };
}

/**
 * One code-server with the extension: installed from the VSIX into `dir`'s own extensions and user-data
 * folders (installed mode), or none installed when an extension folder is under development.
 */
async function serverFor({ bin, dir, vsix, env }) {
  mkdirSync(dir, { recursive: true });
  const folders = { extensionsDir: join(dir, 'extensions'), userDataDir: join(dir, 'user-data') };
  let installed;
  if (vsix) {
    const t0 = Date.now();
    installed = installExtension({ bin, vsix, cwd: dir, env, ...folders });
    say(`installed ${vsix} into ${installed} in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  }
  const t0 = Date.now();
  const server = await startCodeServer({ bin, tmp: dir, baseEnv: env, env: { ESPNOW_INSTALLED_EXTENSION: installed ?? '' }, ...folders });
  cleanups.push(async () => {
    await server.stop();
    say(`code-server in ${dir} stopped`);
  });
  say(`code-server on port ${server.port} after ${((Date.now() - t0) / 1000).toFixed(1)}s (cwd ${dir})`);
  return server;
}

async function main() {
  const t0 = Date.now();
  const devPath = process.env.ESPNOW_EXT_PATH ? resolve(process.env.ESPNOW_EXT_PATH) : undefined;
  if (devPath) {
    const extMain = JSON.parse(readFileSync(join(devPath, 'package.json'), 'utf8')).main;
    if (extMain && !existsSync(join(devPath, extMain))) throw new Error(`${join(devPath, extMain)} is missing: build the extension first`);
    say(`testing the extension under development in ${devPath} (ESPNOW_EXT_PATH), not a VSIX`);
  }
  const vsix = devPath ? undefined : packagedVsix(repoRoot, say);
  const bin = codeServerBin(repoRoot);
  const testsPath = process.env.ESPNOW_TESTS_PATH ? resolve(process.env.ESPNOW_TESTS_PATH) : buildSuites(repoRoot);

  const tmp = mkdtempSync(join(tmpdir(), 'espnow-vscode-'));
  cleanups.push(() => rmSync(tmp, { recursive: true, force: true }));
  mkdirSync(resultsDir, { recursive: true });
  // The editor's environment, as a user's: no npm variables or checkout folders that could lead to the checkout.
  const env = userEnv(repoRoot);

  const suitesDir = join(tmp, 'suites');
  // The test entry (suite/index.ts) writes its report here: the remote extension host's stdout goes to
  // code-server's log, not ours, and browser console forwarding mangles and reorders lines.
  const testLog = join(tmp, 'mocha.log');
  const testResults = join(tmp, 'mocha-results.json');
  const server = await serverFor({ bin, dir: suitesDir, vsix, env: { ...env, ESPNOW_TEST_LOG: testLog, ESPNOW_TEST_RESULTS: testResults, ...(process.env.ESPNOW_TEST_GREP ? { ESPNOW_TEST_GREP: process.env.ESPNOW_TEST_GREP } : {}) } });
  const ws = makeWorkspace(suitesDir);
  // VS Code runs extensionTestsPath only with an extensionDevelopmentPath: an empty folder develops nothing.
  const extPath = devPath ?? join(tmp, 'no-extension-under-development');
  mkdirSync(extPath, { recursive: true });

  const browser = await launchBrowser(tmp);
  cleanups.push(() => browser.close());

  const tail = tailFile(testLog);
  cleanups.push(() => tail.stop());
  // One context for every suite window, so the second one is a reload of the first (same storage).
  const context = await newContext(browser);
  cleanups.push(() => context.close());
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  let suitesCode = 0;
  // suite/reload.test.ts leaves a marker in the workspace; a second window on the same workspace (a new
  // extension host reading the workspace state the first one wrote) then checks what survived the reload.
  const marker = join(ws, '.vscode/espnow-reload-check.json');
  const phases = process.env.ESPNOW_SKIP_SUITES === '1' ? [] : ['first window', 'after a window reload'];
  if (!phases.length) say('suites skipped (ESPNOW_SKIP_SUITES=1)');
  for (const phase of phases) {
    if (phase !== 'first window' && !existsSync(marker)) break;
    say(`running suites (${phase}) from ${testsPath} on the empty workspace ${ws}`);
    const suites = await runSuites({ context, server, ws, extPath, testsPath });
    // Closing the page is the window closing: the workbench flushes its storage for the next one.
    await suites.page.close({ runBeforeUnload: true }).catch(() => {});
    tail.flush();
    const results = readResults(testResults);
    rmSync(testResults, { force: true });
    passed += results?.passed ?? 0;
    failed += results?.failed ?? 0;
    skipped += results?.pending ?? 0;
    if (!results) {
      console.log('vscode-host: the test entry wrote no results (did it load? see the browser errors above)');
      console.log(`vscode-host: last lines of the code-server log:\n${server.logTail(30)}`);
      if (suites.code === 0) failed += 1; // a run that reports nothing has not shown anything works
    }
    if (suitesCode === 0) suitesCode = suites.code;
    say(`suites (${phase}) finished with exit code ${suites.code} after ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  }
  tail.stop();

  let uiOk = true;
  if (process.env.ESPNOW_SKIP_UI !== '1') {
    // A second new user: own install, own user data, own empty workspace, own browser profile.
    const uiDir = join(tmp, 'ui');
    const uiServer = await serverFor({ bin, dir: uiDir, vsix, env });
    const uiWs = makeWorkspace(uiDir);
    const uiContext = await newContext(browser);
    cleanups.push(() => uiContext.close());
    const page = await uiContext.newPage();
    currentPage = page;
    const screenshot = join(resultsDir, 'ui-provision-pair.png');
    for (const shot of SCREENSHOTS) rmSync(join(resultsDir, shot), { force: true }); // a stale picture must not pass for this run's
    // The extension's lab keeps its state (and control.json) in the extension's global storage.
    const { publisher, name } = JSON.parse(readFileSync(join(devPath ?? repoRoot, 'package.json'), 'utf8'));
    const labStateDir = join(uiServer.userDataDir, 'User/globalStorage', `${publisher}.${name}`.toLowerCase(), 'lab');
    const uiStart = Date.now();
    try {
      const payload = devPath ? { extensionDevelopmentPath: devPath } : {};
      await runUiTest({ page, url: uiServer.url(uiWs, payload), userSettingsFile: join(uiServer.userDataDir, 'User/settings.json'), labStateDir, screenshot, log: (s) => console.log(`  ${s}`) });
      passed += 1;
      console.log(`  ✓ UI: Start Virtual Lab, roles from the context menu, SSID in settings, Set Wi-Fi Password, Provision Pair to the initiator's IP, four boards and Provision Fleet to three IPs, one out of range and its reason (${((Date.now() - uiStart) / 1000).toFixed(1)}s)`);
      say(`screenshots: ${SCREENSHOTS.map((shot) => join(resultsDir, shot)).join(', ')}`);
      if (process.env.ESPNOW_KEEP_SCREENSHOT !== '1' && !devPath) {
        copyFileSync(screenshot, join(repoRoot, 'media/screenshot.png'));
        say('copied the screenshot of the successful run to media/screenshot.png (the README image)');
      }
    } catch (e) {
      uiOk = false;
      failed += 1;
      console.log(`  ✗ UI: ${e?.message ?? e}`);
      await page.screenshot({ path: join(resultsDir, 'ui-failure.png') }).catch(() => {});
      console.log(`    screenshot of the failure: ${join(resultsDir, 'ui-failure.png')}`);
    }
  }
  say(`total time ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  if (skipped > 0) say(`${skipped} skipped (see "skipped" above for why)`);
  say(`${passed} passed, ${failed} failed`);
  if (suitesCode !== 0) return suitesCode;
  return failed > 0 || !uiOk ? 1 : 0;
}

let timer;
const deadline = new Promise((_, reject) => {
  timer = setTimeout(() => reject(new Timeout(`gave up after ${timeoutMs / 1000}s (ESPNOW_VSCODE_TIMEOUT_MS): the test run never reported its exit code`)), timeoutMs);
});
// Ctrl+C or a CI cancel must not leave code-server and Chromium behind.
for (const [sig, num] of [['SIGINT', 2], ['SIGTERM', 15]]) {
  process.once(sig, () => {
    console.log(`vscode-host: ${sig}, cleaning up`);
    void cleanup().finally(() => process.exit(128 + num));
  });
}

let exitCode = 1;
try {
  exitCode = await Promise.race([main(), deadline]);
} catch (e) {
  console.log(`vscode-host: ${e instanceof Timeout ? 'TIMEOUT: ' : 'ERROR: '}${e?.message ?? e}`);
  if (e instanceof Timeout && currentPage) {
    const shot = join(resultsDir, 'timeout.png');
    if (await currentPage.screenshot({ path: shot, timeout: 5_000 }).then(() => true, () => false)) console.log(`vscode-host: the page at that moment: ${shot}`);
  }
  console.log('vscode-host: 0 passed, 1 failed');
} finally {
  clearTimeout(timer);
  await cleanup();
}
process.exit(exitCode);
