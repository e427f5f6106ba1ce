import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { buildWithIdf, checkIdfVersion, idfVersion, redactor, resolveIdfPath } from '../../../../extension/src/core/build/idf-build';
import type { FirmwareConfig } from '../../../../extension/src/core/build/sdkconfig';
import { ProvisionError } from '../../../../extension/src/core/common/errors';
import { REDACTED } from '../../../../extension/src/core/monitor/redactor';

const REPO = resolve(__dirname, '../../../..');
const STANDIN = join(REPO, 'test/support/idf-standin');
const FIRMWARE = join(REPO, 'firmware');
const PASSWORD = 'hunter2-very-secret';
const PAIR_KEY = '0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0';
const CONFIG: FirmwareConfig = { role: 'responder', security: 'secure', ssid: 'lab net', password: PASSWORD, channel: 6, pairKey: PAIR_KEY };

/** The environment of a user shell without ESP-IDF exported, plus the stand-in's knobs. */
function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { PATH: `${dirname(process.execPath)}:${process.env.PATH ?? '/usr/bin:/bin'}`, HOME: process.env.HOME, IDF_STANDIN_NODE: process.execPath, ...extra };
  return e;
}

function freshDir(t: { after: (fn: () => void) => void }): string {
  const root = mkdtempSync(join(tmpdir(), 'idf-build-test-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  return join(root, 'build');
}

function assertNoSecret(texts: readonly string[]): void {
  for (const s of texts) {
    assert.ok(!s.includes(PASSWORD), `password leaked in: ${s}`);
    assert.ok(!s.toLowerCase().includes(PAIR_KEY), `pair key leaked in: ${s}`);
  }
}

test('builds with the stand-in ESP-IDF: flasher_args.json for the target, fragment 0600, secrets only in files', async (t) => {
  const buildDir = freshDir(t);
  const argsLog = join(dirname(buildDir), 'args.txt');
  const lines: string[] = [];
  const out = await buildWithIdf({ idfPath: STANDIN, env: env({ IDF_STANDIN_ARGS_LOG: argsLog }), firmwareDir: FIRMWARE, target: 'esp32c3', config: CONFIG, buildDir, onOutput: (l) => lines.push(l) });
  assert.equal(out, buildDir);
  const flasher = JSON.parse(readFileSync(join(buildDir, 'flasher_args.json'), 'utf8')) as { extra_esptool_args: { chip: string }; app: { file: string } };
  assert.equal(flasher.extra_esptool_args.chip, 'esp32c3');
  assert.ok(existsSync(join(buildDir, flasher.app.file)));
  assert.equal(statSync(join(buildDir, 'sdkconfig.fragment')).mode & 0o777, 0o600);
  assert.equal(statSync(buildDir).mode & 0o777, 0o700);
  // The merged sdkconfig has the project defaults and the fragment on top.
  const merged = readFileSync(join(buildDir, 'sdkconfig'), 'utf8');
  assert.match(merged, /^CONFIG_IDF_TARGET="esp32c3"$/m);
  assert.match(merged, /^CONFIG_PARTITION_TABLE_SINGLE_APP=y$/m);
  assert.match(merged, /^CONFIG_ESPNOW_ROLE_RESPONDER=y$/m);
  assert.match(merged, /^CONFIG_ESPNOW_CHANNEL=6$/m);
  // The command line ESP-IDF got: project, build folder, sdkconfig in the build folder, defaults + fragment.
  const args = readFileSync(argsLog, 'utf8').trim().split('\n');
  assert.deepEqual(args, ['-C', FIRMWARE, '-B', buildDir, '-D', `SDKCONFIG=${buildDir}/sdkconfig`, '-D', `SDKCONFIG_DEFAULTS=${FIRMWARE}/sdkconfig.defaults;${buildDir}/sdkconfig.fragment`, '-D', 'IDF_TARGET=esp32c3', 'build']);
  assert.ok(lines.some((l) => l.includes('Project build complete')));
  assert.ok(!lines.some((l) => l.includes('Adding ESP-IDF tools to PATH')), 'export.sh chatter is dropped');
  assert.equal(lines[0], `ESP-IDF 5.4.1 at ${STANDIN}, target esp32c3`, 'the build output starts with the ESP-IDF in use');
  assertNoSecret(lines);
});

/** A copy of the stand-in whose tools/cmake/version.cmake says `version` (major.minor.patch). */
function standinAt(t: { after: (fn: () => void) => void }, version: string): string {
  const root = mkdtempSync(join(tmpdir(), 'idf-standin-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const dir = join(root, 'esp-idf');
  cpSync(STANDIN, dir, { recursive: true });
  // idf.py finds the repository from its own path: the copy's execs the original.
  writeFileSync(join(dir, 'tools/idf.py'), `#!/usr/bin/env bash\nIDF_PATH="${STANDIN}" exec "${STANDIN}/tools/idf.py" "$@"\n`, { mode: 0o755 });
  const [major, minor, patch] = version.split('.');
  writeFileSync(join(dir, 'tools/cmake/version.cmake'), `set(IDF_VERSION_MAJOR ${major})\nset(IDF_VERSION_MINOR ${minor})\nset(IDF_VERSION_PATCH ${patch})\n`);
  return dir;
}

test('ESP-IDF older than 5.1 is refused before anything runs, naming the version found and the fix', async (t) => {
  for (const old of ['4.4.7', '5.0.9']) {
    const idf = standinAt(t, old);
    const buildDir = freshDir(t);
    const lines: string[] = [];
    await assert.rejects(
      buildWithIdf({ idfPath: idf, env: env(), firmwareDir: FIRMWARE, target: 'esp32', config: CONFIG, buildDir, onOutput: (l) => lines.push(l) }),
      (e: unknown) =>
        e instanceof ProvisionError && e.kind === 'config' && e.message.includes(`ESP-IDF ${old} at ${idf} is too old`) &&
        e.message.includes('needs ESP-IDF 5.1 or later') && /Install ESP-IDF 5\.1 or later .*espnow\.idfPath/.test(e.hint ?? '') &&
        (e.hint ?? '').includes('espressif-4.4'),
    );
    assert.deepEqual(lines, [], 'nothing was run');
    assert.ok(!existsSync(join(buildDir, 'sdkconfig.fragment')), 'no secrets were written for a build that cannot run');
  }
  for (const ok of ['5.1.0', '5.3.2', '5.5.1', '6.0.0', '6.1.0', '10.0.0']) assert.doesNotThrow(() => checkIdfVersion(ok, '/idf'));
  assert.doesNotThrow(() => checkIdfVersion(undefined, '/idf'), 'an unreadable version is not refused');
});

test('ESP-IDF 6.0 builds, and its version leads the output', async (t) => {
  const idf = standinAt(t, '6.0.1');
  const lines: string[] = [];
  await buildWithIdf({ idfPath: idf, env: env(), firmwareDir: FIRMWARE, target: 'esp32s3', config: CONFIG, buildDir: freshDir(t), onOutput: (l) => lines.push(l) });
  assert.equal(lines[0], `ESP-IDF 6.0.1 at ${idf}, target esp32s3`);
});

test('a missing ESP-IDF is a config error naming espnow.idfPath', async (t) => {
  const buildDir = freshDir(t);
  await assert.rejects(buildWithIdf({ idfPath: '', env: env(), firmwareDir: FIRMWARE, target: 'esp32', config: CONFIG, buildDir }), (e: unknown) => {
    assert.ok(e instanceof ProvisionError);
    assert.equal(e.kind, 'config');
    assert.match(e.describe(), /espnow\.idfPath/);
    return true;
  });
  const notIdf = dirname(buildDir);
  assert.throws(() => resolveIdfPath(notIdf, env()), (e: unknown) => e instanceof ProvisionError && e.kind === 'config' && /tools\/idf\.py/.test(e.message) && /espnow\.idfPath/.test(e.describe()));
  // $IDF_PATH is the fallback when the setting is empty.
  assert.equal(resolveIdfPath('  ', env({ IDF_PATH: STANDIN })), STANDIN);
  assert.equal(existsSync(buildDir), false, 'nothing written before ESP-IDF is found');
});

test('a failing build is a build error with the last lines of output and a hint, secrets redacted', async (t) => {
  const buildDir = freshDir(t);
  const lines: string[] = [];
  const err = await buildWithIdf({ idfPath: STANDIN, env: env({ IDF_STANDIN_FAIL: '1', IDF_STANDIN_ECHO_CONFIG: '1' }), firmwareDir: FIRMWARE, target: 'esp32', config: CONFIG, buildDir, onOutput: (l) => lines.push(l) }).then(
    () => assert.fail('expected a failure'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof ProvisionError);
  assert.equal(err.kind, 'build');
  assert.match(err.message, /exit 2/);
  assert.match(err.message, /ninja: build stopped: subcommand failed/);
  assert.match(err.message, /esp_now_bogus/);
  assert.ok(err.message.split('\n').length <= 21, 'only the tail');
  assert.ok(err.hint && err.hint.length > 0);
  // The stand-in printed the merged sdkconfig: the guard kept the secrets out of every line.
  assert.ok(lines.some((l) => l.startsWith(`CONFIG_ESPNOW_WIFI_PASSWORD=${REDACTED}`)));
  assertNoSecret([...lines, err.message, err.describe()]);
});

test('a broken ESP-IDF install (export.sh fails) hints at install.sh', async (t) => {
  const buildDir = freshDir(t);
  await assert.rejects(buildWithIdf({ idfPath: STANDIN, env: env({ IDF_STANDIN_EXPORT_FAIL: '1' }), firmwareDir: FIRMWARE, target: 'esp32', config: CONFIG, buildDir }), (e: unknown) => {
    assert.ok(e instanceof ProvisionError);
    assert.equal(e.kind, 'build');
    assert.match(e.hint ?? '', /install\.sh/);
    return true;
  });
});

test('cancelling kills the whole process tree and throws cancelled', async (t) => {
  const buildDir = freshDir(t);
  const pidFile = join(dirname(buildDir), 'sleep.pid');
  const ac = new AbortController();
  const started = Date.now();
  const p = buildWithIdf({ idfPath: STANDIN, env: env({ IDF_STANDIN_HANG: '1', IDF_STANDIN_PIDFILE: pidFile }), firmwareDir: FIRMWARE, target: 'esp32', config: CONFIG, buildDir, signal: ac.signal, onOutput: (l) => {
    if (l.includes('Building C object')) setTimeout(() => ac.abort(), 50);
  } });
  await assert.rejects(p, (e: unknown) => e instanceof ProvisionError && e.kind === 'cancelled');
  assert.ok(Date.now() - started < 10_000);
  const pid = Number(readFileSync(pidFile, 'utf8'));
  assert.ok(pid > 0);
  // The grandchild (sleep 300) must be gone, not only bash.
  let alive = true;
  for (let i = 0; i < 50 && alive; i++) {
    try {
      process.kill(pid, 0);
      await new Promise((r) => setTimeout(r, 50));
    } catch {
      alive = false;
    }
  }
  assert.equal(alive, false, `sleep ${pid} survived the cancel`);
});

test('an already aborted signal starts nothing; a build folder inside the sources is refused', async (t) => {
  const buildDir = freshDir(t);
  const ac = new AbortController();
  ac.abort();
  await assert.rejects(buildWithIdf({ idfPath: STANDIN, env: env(), firmwareDir: FIRMWARE, target: 'esp32', config: CONFIG, buildDir, signal: ac.signal }), (e: unknown) => e instanceof ProvisionError && e.kind === 'cancelled');
  assert.equal(existsSync(buildDir), false);
  await assert.rejects(buildWithIdf({ idfPath: STANDIN, env: env(), firmwareDir: FIRMWARE, target: 'esp32', config: CONFIG, buildDir: join(FIRMWARE, 'build-x') }), (e: unknown) => e instanceof ProvisionError && e.kind === 'config' && /inside the firmware sources/.test(e.message));
  assert.equal(existsSync(join(FIRMWARE, 'build-x')), false);
});

test('the stand-in refuses set-target on our folder, like the real fullclean (why -D IDF_TARGET is used)', async (t) => {
  const { spawnSync } = await import('node:child_process');
  const buildDir = freshDir(t);
  const { mkdirSync, writeFileSync } = await import('node:fs');
  mkdirSync(buildDir, { recursive: true });
  writeFileSync(join(buildDir, 'sdkconfig.fragment'), 'CONFIG_ESPNOW_CHANNEL=1\n');
  const r = spawnSync('bash', ['-c', '. "$IDF_PATH/export.sh" >/dev/null && idf.py -C "$1" -B "$2" set-target esp32 build', 'x', FIRMWARE, buildDir], { env: env({ IDF_PATH: STANDIN }), encoding: 'utf8' });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /doesn't seem to be a CMake build directory/);
});

test('idfVersion reads tools/cmake/version.cmake; redactor covers config lines and raw values', async () => {
  assert.equal(await idfVersion(STANDIN), '5.4.1');
  assert.equal(await idfVersion(REPO), undefined);
  const r = redactor({ password: PASSWORD, pairKey: PAIR_KEY.toUpperCase() });
  assert.equal(r(`CONFIG_ESPNOW_PAIR_KEY="${PAIR_KEY}"`), `CONFIG_ESPNOW_PAIR_KEY=${REDACTED}`);
  assert.equal(r(`error near ${PASSWORD}!`), `error near ${REDACTED}!`);
  assert.equal(r(`key ${PAIR_KEY}`), `key ${REDACTED}`);
  assert.equal(redactor({ password: 'ab', pairKey: PAIR_KEY })('a cab b'), 'a cab b');
});
