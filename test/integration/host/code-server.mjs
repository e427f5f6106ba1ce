// Starts and stops code-server, the VS Code host our integration tests run in here (no internet, so
// @vscode/test-electron cannot download VS Code; code-server installs from npm). See FACTS.md.
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** Where scripts/install-code-server.sh puts it. */
export function codeServerBin(repoRoot) {
  const bin = process.env.CODE_SERVER_BIN ?? join(repoRoot, '.cache/code-server/node_modules/.bin/code-server');
  if (!existsSync(bin)) {
    throw new Error(`code-server not found at ${bin}. Install it with: bash scripts/install-code-server.sh`);
  }
  return bin;
}

/**
 * The environment of a user's editor: this process's, without what npm adds when a script runs (npm_*
 * variables, INIT_CWD, node_modules/.bin folders of the checkout on PATH), so nothing in the editor can
 * find the checkout through its environment.
 */
export function userEnv(repoRoot) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^npm_/i.test(k) || k === 'INIT_CWD' || k === 'ESPNOW_VSIX') continue;
    env[k] = v;
  }
  if (repoRoot && env.PATH) env.PATH = env.PATH.split(':').filter((d) => d && !d.startsWith(repoRoot)).join(':');
  return env;
}

/**
 * Installs a VSIX the way a user does (`code-server --install-extension`) into the given extensions and
 * user data folders. Throws with code-server's output unless it reports the install.
 */
export function installExtension({ bin, vsix, extensionsDir, userDataDir, cwd, env = process.env }) {
  mkdirSync(extensionsDir, { recursive: true });
  mkdirSync(userDataDir, { recursive: true });
  const r = spawnSync(bin, ['--extensions-dir', extensionsDir, '--user-data-dir', userDataDir, '--install-extension', vsix], {
    cwd,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...env, XDG_CONFIG_HOME: join(cwd, 'xdg-config'), XDG_DATA_HOME: join(cwd, 'xdg-data') },
  });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  if (r.status !== 0 || !/successfully installed/i.test(out)) {
    throw new Error(`code-server --install-extension ${vsix} failed (exit ${r.status}):\n${out}`);
  }
  const installed = readdirSync(extensionsDir).filter((n) => statSync(join(extensionsDir, n)).isDirectory());
  if (installed.length !== 1) throw new Error(`expected one extension in ${extensionsDir}, found: ${installed.join(', ') || 'none'}`);
  return join(extensionsDir, installed[0]);
}

/** A port nothing listens on right now. code-server gets it a moment later; a lost race fails startup loudly. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Starts code-server with throwaway user data and extension folders, so nothing from the machine (or an
 * earlier run) leaks into the test, and waits until it answers /healthz. It runs in `tmp` (never the
 * checkout) with `baseEnv` (default: this process's environment) plus `env`. `userSettings` join the
 * defaults below; `userDataDir` / `extensionsDir` default to folders in `tmp`.
 * Returns { port, url(folder, payload), stop(), logTail() }. stop() kills the whole process group (the
 * server forks the extension host, a pty host and file watchers) and is safe to call twice.
 */
export async function startCodeServer({ bin, tmp, env = {}, baseEnv = process.env, userSettings = {}, userDataDir, extensionsDir, startTimeoutMs = 60_000 }) {
  const port = await freePort();
  const userData = userDataDir ?? join(tmp, 'user-data');
  const extensions = extensionsDir ?? join(tmp, 'extensions');
  mkdirSync(join(userData, 'User'), { recursive: true });
  mkdirSync(extensions, { recursive: true });
  // User settings live on the server side. They keep the workbench quiet and deterministic: no welcome
  // page, no trust prompt (an untrusted folder would restrict the extension), no update or telemetry pings.
  writeFileSync(
    join(userData, 'User/settings.json'),
    JSON.stringify(
      {
        'workbench.startupEditor': 'none',
        'workbench.tips.enabled': false,
        'security.workspace.trust.enabled': false,
        'telemetry.telemetryLevel': 'off',
        'update.mode': 'none',
        'extensions.autoCheckUpdates': false,
        'extensions.autoUpdate': false,
        'workbench.enableExperiments': false,
        'chat.commandCenter.enabled': false,
        'window.commandCenter': false,
        ...userSettings,
      },
      null,
      2,
    ),
  );
  const logFile = join(tmp, 'code-server.log');
  const logStream = createWriteStream(logFile);
  const args = [
    '--bind-addr', `127.0.0.1:${port}`,
    '--auth', 'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--config', join(tmp, 'config.yaml'),
    '--user-data-dir', userData,
    '--extensions-dir', extensions,
  ];
  const child = spawn(bin, args, {
    // Own process group, so stop() can signal everything code-server forked.
    detached: true,
    cwd: tmp,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...baseEnv,
      // code-server writes a default config and state under XDG folders; keep them out of $HOME.
      XDG_CONFIG_HOME: join(tmp, 'xdg-config'),
      XDG_DATA_HOME: join(tmp, 'xdg-data'),
      ...env,
    },
  });
  child.stdout.pipe(logStream);
  child.stderr.pipe(logStream);
  let exited = child.exitCode !== null;
  const exitPromise = new Promise((resolve) => child.once('exit', (code, signal) => { exited = true; resolve({ code, signal }); }));
  // Last-resort cleanup if the runner dies between start and stop (uncaught error, process.exit()).
  const killSync = () => { if (!exited) try { process.kill(-child.pid, 'SIGKILL'); } catch { /* already gone */ } };
  process.on('exit', killSync);

  const stop = async () => {
    process.off('exit', killSync);
    if (!exited) {
      try { process.kill(-child.pid, 'SIGTERM'); } catch { /* already gone */ }
      const t = setTimeout(killSync, 5_000);
      await exitPromise;
      clearTimeout(t);
    }
    // The group may outlive its leader (the extension host ignores SIGTERM while tests hang): make sure.
    try { process.kill(-child.pid, 'SIGKILL'); } catch { /* all gone */ }
    await new Promise((r) => logStream.end(r));
  };
  const logTail = (lines = 40) => {
    try { return readFileSync(logFile, 'utf8').split('\n').slice(-lines).join('\n'); } catch { return ''; }
  };

  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + startTimeoutMs;
  for (;;) {
    if (exited) {
      await stop();
      throw new Error(`code-server exited during startup:\n${logTail()}`);
    }
    try {
      const res = await fetch(`${base}/healthz`);
      if (res.ok) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`code-server did not answer ${base}/healthz within ${startTimeoutMs / 1000}s:\n${logTail()}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }

  /**
   * The workbench URL for a folder. `payload` entries (extensionDevelopmentPath, extensionTestsPath) are
   * server paths, passed as vscode-remote URIs of this server, as the desktop's CLI flags would be.
   */
  const url = (folder, payload = {}) => {
    const entries = Object.entries(payload).map(([k, p]) => [k, `vscode-remote://127.0.0.1:${port}${p}`]);
    const q = new URLSearchParams({ folder });
    if (entries.length) q.set('payload', JSON.stringify(entries));
    return `${base}/?${q}`;
  };
  return { port, url, stop, logTail, logFile, userDataDir: userData, extensionsDir: extensions };
}
