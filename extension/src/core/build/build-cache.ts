import { createHash, createHmac, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, link, lstat, mkdir, mkdtemp, readdir, readFile, readlink, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ProvisionError } from '../common/errors';
import { readBuildInfo, writeBuildInfo, type BuildInfo } from './build-info';
import { DEFAULT_CACHE_LIMITS, evictOldBuilds, lastUsed, purgeBuildsHolding, sweepStaleTemps, tmpPrefix, touchBuild, writeSecretTags, type CacheLimits } from './cache-hygiene';

/** Which builder produced a cached build: the real ESP-IDF, or the image packer for virtual boards. */
export type BuilderKind = 'idf' | 'virtual';

/** Everything a build's output depends on. */
export interface BuildInputs {
  /** From firmwareSourceHash(). */
  readonly firmwareHash: string;
  readonly target: string;
  /** renderSdkconfig() output: it holds the secrets, so it only ever enters the key through a keyed hash. */
  readonly sdkconfigText: string;
  readonly builder: BuilderKind;
  readonly idfVersion?: string;
}

/** The file every complete build folder holds; a cache entry without it is an interrupted build. */
const MARKER = 'flasher_args.json';
const SALT_FILE = '.key-salt';
const KEY_RE = /^[0-9a-f]{16,128}$/;

/**
 * Folders and files under firmware/ that builds write, so they must not change the hash: host and
 * fuzz build output, ESP-IDF's default build folder, its generated sdkconfig and component lock file
 * (dependencies.lock, written into the project), downloaded components.
 */
const SKIP_DIRS = new Set(['build', '.git', 'node_modules', 'managed_components', '.cache']);
const SKIP_FILES = new Set(['sdkconfig', 'sdkconfig.old', 'dependencies.lock', '.DS_Store']);

/** One source file of the firmware project. */
export interface FirmwareSourceFile {
  /** '/'-separated path relative to the project folder. */
  readonly rel: string;
  readonly abs: string;
  readonly link: boolean;
}

/** The source files under `firmwareDir` (build outputs excluded), sorted by path. */
export async function firmwareSourceFiles(firmwareDir: string): Promise<FirmwareSourceFile[]> {
  const files: FirmwareSourceFile[] = [];
  const walk = async (dir: string, rel: string): Promise<void> => {
    for (const e of await readdir(dir, { withFileTypes: true })) {
      const childRel = rel ? `${rel}/${e.name}` : e.name;
      const abs = join(dir, e.name);
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name) && !e.name.startsWith('build-')) await walk(abs, childRel);
      } else if ((e.isFile() || e.isSymbolicLink()) && !SKIP_FILES.has(e.name)) {
        files.push({ rel: childRel, abs, link: e.isSymbolicLink() });
      }
    }
  };
  await walk(firmwareDir, '');
  return files.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
}

/**
 * sha256 over every source file under `firmwareDir` (firmwareSourceFiles()), each as path and content,
 * so any edit, rename, addition or removal changes it.
 */
export async function firmwareSourceHash(firmwareDir: string): Promise<string> {
  const h = createHash('sha256');
  for (const f of await firmwareSourceFiles(firmwareDir)) {
    // A symlink counts by where it points, not by following it out of the tree.
    const body = f.link ? Buffer.from(`symlink:${await readlink(f.abs)}`) : await readFile(f.abs);
    h.update(`${f.rel}\0${body.length}\0`).update(body);
  }
  return h.digest('hex');
}

/**
 * The cache key of a build: an HMAC of its inputs under a random salt kept in the cache root (0600).
 * The key shows up in paths and logs; the salt means it cannot be used to test guesses of a weak Wi-Fi
 * password offline, as a plain hash of the sdkconfig could.
 */
export async function buildCacheKey(cacheRoot: string, inputs: BuildInputs): Promise<string> {
  const salt = await cacheSalt(cacheRoot);
  const fields = [inputs.builder, inputs.idfVersion ?? '', inputs.target, inputs.firmwareHash, inputs.sdkconfigText];
  const mac = createHmac('sha256', salt);
  for (const f of fields) mac.update(`${Buffer.byteLength(f)}:`).update(f).update('\0');
  return mac.digest('hex');
}

/** The cache's salt if it has one (nothing is created). */
async function existingSalt(cacheRoot: string): Promise<Buffer | undefined> {
  const salt = await readFile(join(cacheRoot, SALT_FILE)).catch(() => undefined);
  return salt && salt.length >= 16 ? salt : undefined;
}

/**
 * Removes every cached build that holds one of `secrets` (or whose secrets are unknown): run when the user
 * clears or replaces the Wi-Fi password or the pair key. Returns how many builds went.
 */
export async function forgetSecrets(cacheRoot: string, secrets: readonly string[]): Promise<number> {
  return purgeBuildsHolding(cacheRoot, await existingSalt(cacheRoot), secrets);
}

async function cacheSalt(cacheRoot: string): Promise<Buffer> {
  await ensurePrivateDir(cacheRoot);
  const file = join(cacheRoot, SALT_FILE);
  try {
    const salt = await readFile(file);
    if (salt.length >= 16) return salt;
  } catch {
    // Created below.
  }
  const salt = randomBytes(32);
  // Written aside, then hard-linked into place: link() fails if the name exists, so when two builds
  // start at once both end up with the first complete salt, never a half-written one.
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  await writeFile(tmp, salt, { mode: 0o600 });
  try {
    await link(tmp, file);
    return salt;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    return readFile(file);
  } finally {
    await rm(tmp, { force: true });
  }
}

/** The outcome of cachedBuild(). */
export interface CachedBuild {
  /** The complete build folder, `<cacheRoot>/<key>`. */
  readonly dir: string;
  /** True when an earlier build was reused and `produce` was not called. */
  readonly hit: boolean;
}

/** What cachedBuild needs besides the key. */
export interface CachedBuildOptions {
  /** The secrets the build embeds (Wi-Fi password, pair key): tagged so forgetSecrets() can find it. */
  readonly secrets?: readonly string[];
  readonly limits?: CacheLimits;
  /** What the build is, for people picking one later (listCachedBuilds). */
  readonly info?: BuildInfo;
}

/** The folder of a complete earlier build of `key` (marked used), or undefined; never builds. */
export async function findCachedBuild(cacheRoot: string, key: string): Promise<string | undefined> {
  // The key becomes a path component: only a hex digest may, never anything that could climb out.
  if (!KEY_RE.test(key)) throw new ProvisionError('internal', `Invalid build cache key "${key.slice(0, 20)}".`);
  const dir = join(cacheRoot, key);
  if (!existsSync(join(dir, MARKER))) return undefined;
  await touchBuild(dir);
  return dir;
}

/**
 * Returns `<cacheRoot>/<key>` when it holds a complete build; otherwise calls `produce` on a fresh
 * private temp folder next to it and renames that into place, so a build killed halfway never looks
 * complete. Every folder is 0700: they hold the sdkconfig and the app image with the secrets. If
 * another build of the same key lands first, its folder is kept and ours is dropped. Temp folders of
 * killed builds are swept first, and the least recently used builds beyond the limits go afterwards.
 */
export async function cachedBuild(cacheRoot: string, key: string, produce: (dir: string) => Promise<void>, options: CachedBuildOptions = {}): Promise<CachedBuild> {
  const limits = options.limits ?? DEFAULT_CACHE_LIMITS;
  await ensurePrivateDir(cacheRoot);
  await sweepStaleTemps(cacheRoot, limits);
  const found = await findCachedBuild(cacheRoot, key);
  if (found) return { dir: found, hit: true };
  const dir = join(cacheRoot, key);

  const tmp = await mkdtemp(join(cacheRoot, tmpPrefix(key)));
  try {
    await chmod(tmp, 0o700);
    await produce(tmp);
    if (!existsSync(join(tmp, MARKER))) throw new ProvisionError('build', `The build finished without writing ${MARKER}.`);
    await writeSecretTags(tmp, await cacheSalt(cacheRoot), options.secrets ?? []);
    if (options.info) await writeBuildInfo(tmp, options.info);
    await touchBuild(tmp);
    await chmod(tmp, 0o700);
    await moveIntoPlace(tmp, dir);
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
  await evictOldBuilds(cacheRoot, dir, limits);
  return { dir, hit: false };
}

/**
 * Renames a finished temp folder to `dir`, whose file `marker` says it is complete. A `dir` without the
 * marker is an interrupted earlier attempt and is replaced; a complete one that landed first is kept.
 */
export async function moveIntoPlace(tmp: string, dir: string, marker = MARKER): Promise<void> {
  if (existsSync(dir) && !existsSync(join(dir, marker))) await rm(dir, { recursive: true, force: true });
  try {
    await rename(tmp, dir);
  } catch (e) {
    // rename onto a non-empty folder fails: a concurrent build of the same inputs finished first.
    const code = (e as NodeJS.ErrnoException).code;
    if ((code === 'ENOTEMPTY' || code === 'EEXIST') && existsSync(join(dir, marker))) {
      await rm(tmp, { recursive: true, force: true });
      return;
    }
    throw e;
  }
}

/** Creates a folder (and parents) and makes the folder itself owner-only whatever the umask. */
export async function ensurePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const st = await lstat(dir);
  if (!st.isDirectory()) throw new ProvisionError('config', `The build cache ${dir} is not a folder.`);
  if ((st.mode & 0o777) !== 0o700) await chmod(dir, 0o700);
}

/** A complete cached build and what it is. */
export interface ListedBuild extends BuildInfo {
  readonly dir: string;
  /** When it was last built or flashed from (ms since the epoch). */
  readonly lastUsedMs: number;
}

/**
 * The complete builds in the cache, most recently used first, optionally only those for one chip and
 * builder. Builds made before build info existed, or whose info is unreadable, are left out: nobody could
 * tell what they are.
 */
export async function listCachedBuilds(cacheRoot: string, filter: { readonly target?: string; readonly builder?: 'idf' | 'virtual' } = {}): Promise<ListedBuild[]> {
  const names = await readdir(cacheRoot).catch((): string[] => []);
  const out: ListedBuild[] = [];
  for (const name of names) {
    if (!KEY_RE.test(name)) continue;
    const dir = join(cacheRoot, name);
    const info = await readBuildInfo(dir);
    if (!info) continue;
    if (filter.target && info.target !== filter.target) continue;
    if (filter.builder && info.builder !== filter.builder) continue;
    if (!existsSync(join(dir, MARKER))) continue;
    const lastUsedMs = (await lastUsed(dir)) || Date.parse(info.builtAt) || 0;
    out.push({ ...info, dir, lastUsedMs });
  }
  return out.sort((a, b) => b.lastUsedMs - a.lastUsedMs);
}

