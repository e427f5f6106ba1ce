import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, readlink, rm, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ProvisionError } from '../common/errors';
import { ensurePrivateDir, firmwareSourceFiles, moveIntoPlace } from './build-cache';

/** Written last into a complete copy; a folder without it is an interrupted copy. */
const MARKER = '.espnow-project-copy';
const HASH_RE = /^[0-9a-f]{16,128}$/;
/** Copies unused this long are removed when a new one is made (an older extension version's). */
const STALE_MS = 24 * 60 * 60 * 1000;

/**
 * A writable copy of the ESP-IDF project at `sourceDir`, in `<cacheRoot>/projects/`, named by `sourceHash`
 * (firmwareSourceHash of `sourceDir`). ESP-IDF writes into the project folder (the component manager's
 * dependencies.lock), and the installed extension's folder may be read-only, so builds run on this copy.
 * Keyed by content, a new extension version gets a fresh copy while concurrent builds share one. Folders
 * are 0700: builds of this project hold the user's secrets next to it.
 */
export async function writableFirmwareProject(sourceDir: string, cacheRoot: string, sourceHash: string): Promise<string> {
  if (!HASH_RE.test(sourceHash)) throw new ProvisionError('internal', `Invalid firmware hash "${sourceHash.slice(0, 20)}".`);
  // Inside the cache root, whose folder is private: never a shared folder another user could have made.
  const copiesRoot = join(cacheRoot, 'projects');
  await ensurePrivateDir(cacheRoot);
  await ensurePrivateDir(copiesRoot);
  const dir = join(copiesRoot, sourceHash.slice(0, 32));
  if (existsSync(join(dir, MARKER))) {
    // Marks the copy as in use, so pruning by another version spares it.
    const now = new Date();
    await utimes(join(dir, MARKER), now, now);
    return dir;
  }
  const tmp = await mkdtemp(join(copiesRoot, '.tmp-'));
  try {
    await copyProject(sourceDir, tmp);
    await writeFile(join(tmp, MARKER), `${sourceHash}\n`, { mode: 0o600 });
    await moveIntoPlace(tmp, dir, MARKER);
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    if (e instanceof ProvisionError) throw e;
    throw new ProvisionError('build', `Cannot copy the firmware project from ${sourceDir} to ${copiesRoot}.`, undefined, 'Check free disk space and the permissions of the extension storage folder.', { cause: e });
  }
  await pruneStale(copiesRoot, dir);
  return dir;
}

/** The files firmwareSourceHash covers, so the copy is exactly what the hash names. */
async function copyProject(sourceDir: string, to: string): Promise<void> {
  for (const f of await firmwareSourceFiles(sourceDir)) {
    const dest = join(to, ...f.rel.split('/'));
    await mkdir(dirname(dest), { recursive: true, mode: 0o700 });
    if (f.link) await symlink(await readlink(f.abs), dest);
    else await copyFile(f.abs, dest);
  }
}

async function pruneStale(copiesRoot: string, keep: string): Promise<void> {
  const now = Date.now();
  for (const name of await readdir(copiesRoot)) {
    const dir = join(copiesRoot, name);
    const tmp = name.startsWith('.tmp-');
    if (dir === keep || !(tmp || HASH_RE.test(name))) continue;
    // A copy counts from its last use; a temp folder (a copy killed halfway) from its making.
    const used = await stat(tmp ? dir : join(dir, MARKER)).then((s) => s.mtimeMs, () => 0);
    if (now - used > STALE_MS) await rm(dir, { recursive: true, force: true });
  }
}
