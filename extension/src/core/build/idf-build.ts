import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { ProvisionError } from '../common/errors';
import { REDACTED, Redactor, type Secret } from '../monitor/redactor';
import { buildChildEnv } from './child-env';
import { renderSdkconfig, type FirmwareConfig } from './sdkconfig';

/** What one real ESP-IDF build needs. */
export interface IdfBuildRequest {
  /** The ESP-IDF checkout (setting `espnow.idfPath`); empty or absent falls back to `$IDF_PATH`. */
  readonly idfPath?: string;
  /** The environment the build runs in (default: this process's). */
  readonly env?: NodeJS.ProcessEnv;
  /** The ESP-IDF project (firmware/, holding CMakeLists.txt and sdkconfig.defaults). */
  readonly firmwareDir: string;
  /** ESP-IDF target name: esp32, esp32s3, esp32c3. */
  readonly target: string;
  readonly config: FirmwareConfig;
  /**
   * A fresh or empty build folder outside the workspace and outside firmwareDir: it receives the
   * sdkconfig with the secrets and the app image that embeds them.
   */
  readonly buildDir: string;
  readonly signal?: AbortSignal;
  /** Each output line of export.sh and idf.py, with secrets redacted. */
  readonly onOutput?: (line: string) => void;
}

const SETTING = 'espnow.idfPath';
const TAIL_LINES = 20;
/** How long idf.py and its children get to stop after SIGTERM before SIGKILL. */
const KILL_GRACE_MS = 3000;

/**
 * The build script, run by `bash -c` with the paths as positional arguments ($1..$4) so that no path
 * is ever spliced into shell text. export.sh's stdout is dropped (it lists every tool it adds) but its
 * stderr stays, since that is where it says why the environment is broken.
 *
 * `-D IDF_TARGET=<t>` on a fresh build folder, not `set-target <t>`: set-target runs fullclean first,
 * and fullclean refuses a non-empty folder without a CMakeCache.txt ("doesn't seem to be a CMake build
 * directory"), which is exactly what our folder is once the fragment is in it. ESP-IDF documents
 * set-target as fullclean + moving sdkconfig aside + `-DIDF_TARGET=<t> reconfigure`; with a fresh folder
 * and an sdkconfig that does not exist yet, the -D form is the same thing without the refusal.
 * SDKCONFIG_DEFAULTS takes a ';' separated list, later files overriding earlier ones, so the fragment
 * (role, credentials, keys) wins over the project defaults.
 */
const SCRIPT = [
  '. "$IDF_PATH/export.sh" >/dev/null || { echo "ESP-IDF export.sh failed (tools not installed?)" >&2; exit 90; }',
  'exec idf.py -C "$1" -B "$2" -D "SDKCONFIG=$2/sdkconfig" -D "SDKCONFIG_DEFAULTS=$3" -D "IDF_TARGET=$4" build',
].join('\n');

/**
 * Finds ESP-IDF: the given path, else `$IDF_PATH`. Throws a 'config' error naming where the path comes from
 * (`source`: the setting in the editor, `--idf-path` on the command line) when neither is set or the folder
 * holds no `tools/idf.py`.
 */
export function resolveIdfPath(idfPath: string | undefined, env: NodeJS.ProcessEnv = process.env, source: string = SETTING): string {
  const chosen = idfPath?.trim() || env.IDF_PATH?.trim();
  const cli = source.startsWith('--');
  const what = cli ? source : `the setting ${source}`;
  if (!chosen) {
    const virtual = cli ? 'or pass --builder virtual for lab boards, which need no ESP-IDF' : 'or use virtual boards, which need no ESP-IDF';
    throw new ProvisionError('config', `ESP-IDF was not found: ${cli ? `${source} is not given` : `${what} is empty`} and IDF_PATH is not set.`, undefined, `${cli ? 'Pass' : 'Set'} ${source} to your ESP-IDF folder (the one holding export.sh and tools/idf.py), ${virtual}.`);
  }
  const dir = resolve(chosen);
  if (!existsSync(join(dir, 'tools', 'idf.py'))) {
    const from = idfPath?.trim() ? what : 'IDF_PATH';
    throw new ProvisionError('config', `ESP-IDF was not found at ${dir} (from ${from}): it holds no tools/idf.py.`, undefined, `Point ${source} at the root of an ESP-IDF ${MIN_IDF_VERSION.major}.${MIN_IDF_VERSION.minor} (or later) checkout.`);
  }
  return dir;
}

/** The oldest ESP-IDF the firmware builds with: 5.1 (esp_now_recv_info_t receive callback, esp_random.h). */
export const MIN_IDF_VERSION = { major: 5, minor: 1 } as const;

/** The ESP-IDF version from tools/cmake/version.cmake ("5.4.1"), or undefined when it cannot be read. */
export async function idfVersion(idfDir: string): Promise<string | undefined> {
  try {
    const text = await readFile(join(idfDir, 'tools', 'cmake', 'version.cmake'), 'utf8');
    const part = (name: string) => new RegExp(`set\\s*\\(\\s*IDF_VERSION_${name}\\s+(\\d+)\\s*\\)`).exec(text)?.[1];
    const [major, minor, patch] = [part('MAJOR'), part('MINOR'), part('PATCH')];
    return major && minor ? `${major}.${minor}.${patch ?? '0'}` : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Refuses an ESP-IDF older than MIN_IDF_VERSION with a 'config' error that names the version found and the
 * fix. An unreadable version passes: a checkout without version.cmake is unusual but not known to be old.
 */
export function checkIdfVersion(version: string | undefined, idfDir: string): void {
  const m = version ? /^(\d+)\.(\d+)/.exec(version) : null;
  if (!m) return;
  const [major, minor] = [Number(m[1]), Number(m[2])];
  const { major: needMajor, minor: needMinor } = MIN_IDF_VERSION;
  if (major > needMajor || (major === needMajor && minor >= needMinor)) return;
  throw new ProvisionError(
    'config',
    `ESP-IDF ${version} at ${idfDir} is too old: the firmware needs ESP-IDF ${needMajor}.${needMinor} or later.`,
    undefined,
    `Install ESP-IDF ${needMajor}.${needMinor} or later (5.5 or 6.0 recommended) and point ${SETTING} (or IDF_PATH) at it. ` +
      'To provision Espressif devices built with ESP-IDF 4.4 or 5.0, keep the newer ESP-IDF for this firmware and set espnow.security to espressif-4.4.',
  );
}

/**
 * Builds the firmware for one role with the user's ESP-IDF. Writes the rendered sdkconfig fragment
 * (0600) into `buildDir`, runs export.sh and idf.py under bash, streams output lines (secrets redacted)
 * and returns `buildDir`, which then holds flasher_args.json. Failures are 'build' errors carrying the
 * last lines of output; an abort kills the whole process tree and throws 'cancelled'.
 */
export async function buildWithIdf(req: IdfBuildRequest): Promise<string> {
  const env = req.env ?? process.env;
  const idfDir = resolveIdfPath(req.idfPath, env);
  const firmwareDir = resolve(req.firmwareDir);
  const buildDir = resolve(req.buildDir);
  checkPaths(firmwareDir, buildDir, req.target);
  const fragmentText = renderSdkconfig(req.config);
  const version = await idfVersion(idfDir);
  checkIdfVersion(version, idfDir);
  if (req.signal?.aborted) throw cancelled(req.target);

  await mkdir(buildDir, { recursive: true, mode: 0o700 });
  await chmod(buildDir, 0o700);
  const fragment = join(buildDir, 'sdkconfig.fragment');
  await writeFile(fragment, fragmentText, { mode: 0o600 });
  await chmod(fragment, 0o600);

  const defaults = [join(firmwareDir, 'sdkconfig.defaults'), fragment].join(';');
  const redact = redactor(req.config);
  const tail: string[] = [];
  const onLine = (raw: string) => {
    const line = redact(raw);
    tail.push(line);
    if (tail.length > TAIL_LINES) tail.shift();
    req.onOutput?.(line);
  };
  // Only what ESP-IDF needs (child-env.ts): no secrets reach bash, idf.py or the compilers through the
  // environment. IDF_TARGET in the environment must agree with the CMake cache or ESP-IDF stops, so a
  // user's own IDF_TARGET (e.g. from their shell profile) is overridden rather than inherited.
  const childEnv = buildChildEnv(env, [req.config.password, req.config.pairKey], { IDF_PATH: idfDir, IDF_TARGET: req.target });
  onLine(`ESP-IDF ${version ?? 'of unknown version (no tools/cmake/version.cmake)'} at ${idfDir}, target ${req.target}`);
  const code = await runTree('bash', ['-c', SCRIPT, 'espnow-idf-build', firmwareDir, buildDir, defaults, req.target], childEnv, onLine, req.signal);
  if (code === 'aborted') throw cancelled(req.target);
  if (code !== 0) {
    throw new ProvisionError('build', `ESP-IDF build for ${req.target} (${req.config.role}) failed (exit ${code}):\n${tail.join('\n')}`, undefined, hintFor(tail, idfDir, firmwareDir));
  }
  if (!existsSync(join(buildDir, 'flasher_args.json'))) {
    throw new ProvisionError('build', `ESP-IDF build for ${req.target} finished but left no flasher_args.json in ${buildDir}.`, undefined, `Check that the project builds in an ESP-IDF terminal with this ESP-IDF (${version ?? 'version unknown'}).`);
  }
  return buildDir;
}

function checkPaths(firmwareDir: string, buildDir: string, target: string): void {
  if (!/^esp32[a-z0-9]*$/.test(target)) throw new ProvisionError('config', `Unknown ESP-IDF target "${target}".`, undefined, 'Use esp32, esp32s3 or esp32c3.');
  if (!existsSync(join(firmwareDir, 'CMakeLists.txt'))) throw new ProvisionError('build', `No ESP-IDF project at ${firmwareDir} (no CMakeLists.txt).`, undefined, 'Run this from a checkout of the project: the firmware sources are needed to build.');
  // ';' separates SDKCONFIG_DEFAULTS entries: a path holding one would be split into two wrong files.
  for (const p of [firmwareDir, buildDir]) {
    if (p.includes(';')) throw new ProvisionError('config', `The path ${p} contains ';', which ESP-IDF's SDKCONFIG_DEFAULTS list cannot hold.`);
  }
  const rel = relative(firmwareDir, buildDir);
  if (rel === '' || (!rel.startsWith('..') && !isAbsolute(rel))) {
    throw new ProvisionError('config', `The build folder ${buildDir} is inside the firmware sources; it would hold secrets in the workspace.`);
  }
}

/**
 * Redacts the password and pair key from a line, in every form the monitor's Redactor knows (literal, C /
 * Kconfig / CMake / shell escaping, JSON \u, percent-encoding, hex), and any sdkconfig line that sets them.
 * They should never appear (nothing prints the sdkconfig) but a verbose tool or a CMake error quoting a
 * config line could, escaped as CMake or the shell escapes it, and the output goes to a log panel and into
 * the error message.
 */
export function redactor(config: Pick<FirmwareConfig, 'password' | 'pairKey'>): (line: string) => string {
  // Very short passwords would blank out ordinary words; the config-line rule below still covers them.
  const secrets: Secret[] = [
    { kind: 'password' as const, value: config.password },
    { kind: 'pair-key' as const, value: config.pairKey },
  ].filter((s) => s.value.length >= 4);
  const r = new Redactor(secrets);
  return (line) => r.redact(line.replace(/(CONFIG_ESPNOW_(?:WIFI_PASSWORD|PAIR_KEY)\s*[=:]\s*).*/g, `$1${REDACTED}`));
}

function hintFor(tail: readonly string[], idfDir: string, firmwareDir: string): string {
  const text = tail.join('\n');
  if (/export\.sh failed|install\.sh|is not installed|not found in PATH|No such file or directory.*export\.sh/i.test(text)) {
    return `ESP-IDF's tools look missing: run ${join(idfDir, 'install.sh')} once, then build again.`;
  }
  if (/bash: .*not found|spawn bash ENOENT/i.test(text)) return 'Building with ESP-IDF needs bash (Linux or macOS); use virtual boards or build in an ESP-IDF terminal.';
  return `Run \`idf.py -C ${firmwareDir} build\` in an ESP-IDF terminal to see the full log, and check that ${SETTING} points at ESP-IDF ${MIN_IDF_VERSION.major}.${MIN_IDF_VERSION.minor} or later.`;
}

function cancelled(target: string): ProvisionError {
  return new ProvisionError('cancelled', `ESP-IDF build for ${target} was cancelled.`);
}

/**
 * Runs a command in its own process group, splitting stdout and stderr into lines. On abort the whole
 * group gets SIGTERM, then SIGKILL after a grace period: idf.py starts cmake, ninja and compilers, and
 * killing only bash would leave them writing into a folder we are about to delete.
 */
function runTree(cmd: string, args: string[], env: NodeJS.ProcessEnv, onLine: (line: string) => void, signal?: AbortSignal): Promise<number | 'aborted'> {
  return new Promise((resolvePromise) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: process.platform !== 'win32' });
    let aborted = false;
    let killTimer: NodeJS.Timeout | undefined;
    const killGroup = (sig: NodeJS.Signals) => {
      try {
        if (child.pid !== undefined && process.platform !== 'win32') process.kill(-child.pid, sig);
        else child.kill(sig);
      } catch {
        // Already gone.
      }
    };
    const onAbort = () => {
      aborted = true;
      killGroup('SIGTERM');
      killTimer = setTimeout(() => killGroup('SIGKILL'), KILL_GRACE_MS);
      killTimer.unref();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const splitters = [child.stdout, child.stderr].map((stream) => {
      let rest = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        const parts = (rest + chunk).split(/\r\n|\n|\r/);
        rest = parts.pop() ?? '';
        for (const p of parts) onLine(p);
      });
      return () => {
        if (rest) onLine(rest);
        rest = '';
      };
    });
    let settled = false;
    const finish = (result: number | 'aborted') => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      for (const flush of splitters) flush();
      if (aborted) {
        // bash is gone; make sure nothing it started outlives it.
        killGroup('SIGKILL');
        if (killTimer) clearTimeout(killTimer);
      }
      resolvePromise(aborted ? 'aborted' : result);
    };
    child.on('error', (e) => {
      onLine(`spawn ${cmd} failed: ${e.message}`);
      finish(127);
    });
    child.on('close', (code, sig) => finish(code ?? (sig ? 128 : 1)));
    if (signal?.aborted) onAbort();
  });
}
