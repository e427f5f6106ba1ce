import { createHmac } from 'node:crypto';
import { lstat, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isProcessRunning } from '../common/process-alive';

/**
 * Keeping the build cache from hoarding secrets: every complete build holds the sdkconfig and an image with
 * the Wi-Fi password and pair key in it, so the cache is capped (least recently used goes first), a build
 * is removed when a secret it holds is cleared or replaced, and temp folders of builds that were killed are
 * swept. Builds are matched to secrets by keyed tags (HMAC under the cache's own salt), never by the
 * secret itself, so the tags file does not help anyone guess a weak password.
 */

/** Beside flasher_args.json in every build: one tag per secret the build holds. */
export const SECRET_TAGS_FILE = '.secret-tags';
/** Touched at every use of a build: what "least recently used" is measured by. */
const LAST_USED_FILE = '.last-used';
const KEY_RE = /^[0-9a-f]{16,128}$/;
/** `.tmp-<key16>-<pid>-<random>`: the pid tells whether the build that made it still runs. */
const TMP_RE = /^\.tmp-[0-9a-f]{16}-(\d+)-/;

export interface CacheLimits {
  /** Complete builds kept at most. */
  readonly maxEntries: number;
  /** Total bytes of complete builds kept at most (the newest build stays even if alone it is larger). */
  readonly maxBytes: number;
  /** Builds used this recently are never evicted: another process may be flashing from them. */
  readonly minAgeMs: number;
  /** Temp folders older than this are swept even if their pid runs (a reused pid). */
  readonly staleTmpMs: number;
}

/** 20 builds or 2 GiB (an ESP-IDF build folder is 50-200 MB; a virtual build under 1 MB). */
export const DEFAULT_CACHE_LIMITS: CacheLimits = { maxEntries: 20, maxBytes: 2 * 1024 ** 3, minAgeMs: 10 * 60_000, staleTmpMs: 24 * 3600_000 };

/** The name prefix of a temp build folder made by this process. */
export function tmpPrefix(key: string): string {
  return `.tmp-${key.slice(0, 16)}-${process.pid}-`;
}

export function secretTag(salt: Buffer, secret: string): string {
  return createHmac('sha256', salt).update('espnow-secret\0').update(secret).digest('hex');
}

/** Records which secrets a build folder holds (empty ones are not secrets). */
export async function writeSecretTags(dir: string, salt: Buffer, secrets: readonly string[]): Promise<void> {
  const tags = secrets.filter((s) => s !== '').map((s) => secretTag(salt, s));
  await writeFile(join(dir, SECRET_TAGS_FILE), tags.map((t) => `${t}\n`).join(''), { mode: 0o600 });
}

/** Marks a build as just used. */
export async function touchBuild(dir: string): Promise<void> {
  const file = join(dir, LAST_USED_FILE);
  const now = new Date();
  await utimes(file, now, now).catch(() => writeFile(file, '', { mode: 0o600 }));
}

/** When the build in `dir` was last made or used (ms since the epoch), 0 when unknown. */
export async function lastUsed(dir: string): Promise<number> {
  return stat(join(dir, LAST_USED_FILE)).then((s) => s.mtimeMs, () => 0);
}

/**
 * Removes every build holding one of `secrets`, and every build whose secrets are unknown (made before
 * tags existed). Returns how many builds went. Run when a secret is cleared or replaced by a new one.
 */
export async function purgeBuildsHolding(cacheRoot: string, salt: Buffer | undefined, secrets: readonly string[]): Promise<number> {
  const wanted = new Set(salt ? secrets.filter((s) => s !== '').map((s) => secretTag(salt, s)) : []);
  let removed = 0;
  for (const name of await listNames(cacheRoot)) {
    if (!KEY_RE.test(name)) continue;
    const dir = join(cacheRoot, name);
    const tags = await readFile(join(dir, SECRET_TAGS_FILE), 'utf8').then(
      (t) => t.split('\n').filter(Boolean),
      () => undefined,
    );
    if (tags === undefined || !salt || tags.some((t) => wanted.has(t))) {
      await rm(dir, { recursive: true, force: true });
      removed++;
    }
  }
  return removed;
}

/** Removes every build and temp folder (ESP-NOW: Clear Build Cache); keeps the salt. Returns the count. */
export async function clearBuildCache(cacheRoot: string): Promise<number> {
  let removed = 0;
  for (const name of await listNames(cacheRoot)) {
    if (!KEY_RE.test(name) && !name.startsWith('.tmp-') && name !== 'projects') continue;
    await rm(join(cacheRoot, name), { recursive: true, force: true });
    removed++;
  }
  return removed;
}

/** Sweeps temp folders of builds that no longer run (killed, crashed, power lost). Returns the count. */
export async function sweepStaleTemps(cacheRoot: string, limits: CacheLimits = DEFAULT_CACHE_LIMITS, now = Date.now()): Promise<number> {
  let removed = 0;
  for (const name of await listNames(cacheRoot)) {
    if (!name.startsWith('.tmp-')) continue;
    const dir = join(cacheRoot, name);
    const pid = Number(TMP_RE.exec(name)?.[1] ?? NaN);
    const age = now - (await stat(dir).then((s) => s.mtimeMs, () => now));
    // An unnamed pid is an older layout: only age tells.
    const dead = Number.isInteger(pid) ? !isProcessRunning(pid) : false;
    if (dead || age > limits.staleTmpMs) {
      await rm(dir, { recursive: true, force: true });
      removed++;
    }
  }
  return removed;
}

/**
 * Evicts least recently used builds until at most `maxEntries` remain and they fit in `maxBytes`. `keep`
 * (the build just made or used) and builds used within `minAgeMs` stay. Returns the folders removed.
 */
export async function evictOldBuilds(cacheRoot: string, keep: string, limits: CacheLimits = DEFAULT_CACHE_LIMITS, now = Date.now()): Promise<string[]> {
  const entries: { dir: string; used: number; bytes: number }[] = [];
  for (const name of await listNames(cacheRoot)) {
    if (!KEY_RE.test(name)) continue;
    const dir = join(cacheRoot, name);
    const used = (await lastUsed(dir)) || (await stat(dir).then((s) => s.mtimeMs, () => 0));
    entries.push({ dir, used, bytes: await treeBytes(dir) });
  }
  entries.sort((a, b) => b.used - a.used);
  const removed: string[] = [];
  let count = 0;
  let bytes = 0;
  for (const e of entries) {
    const fits = count < limits.maxEntries && bytes + e.bytes <= limits.maxBytes;
    if (fits || e.dir === keep || now - e.used < limits.minAgeMs) {
      count++;
      bytes += e.bytes;
      continue;
    }
    await rm(e.dir, { recursive: true, force: true });
    removed.push(e.dir);
  }
  return removed;
}

async function listNames(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch {
    return [];
  }
}

async function treeBytes(path: string): Promise<number> {
  const st = await lstat(path).catch(() => undefined);
  if (!st) return 0;
  if (!st.isDirectory()) return st.size;
  let total = 0;
  for (const name of await listNames(path)) total += await treeBytes(join(path, name));
  return total;
}
