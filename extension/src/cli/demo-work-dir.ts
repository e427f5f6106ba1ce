import { lstatSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isProcessRunning } from '../core/common/process-alive';

/**
 * The demo's work folder holds the lab's flash files and the builds, with the demo's Wi-Fi password and
 * pair key in them. The demo removes it when it ends, but a demo killed with SIGKILL (or by a power cut)
 * cannot, so each folder carries its demo's pid in its name and the next demo removes the folders of
 * demos that no longer run.
 */
const PREFIX = 'espnow-demo-';
const WITH_PID = /^espnow-demo-(\d+)-[A-Za-z0-9]+$/;
/** Folders of older versions (no pid in the name): `espnow-demo-XXXXXX`, judged by age. */
const WITHOUT_PID = /^espnow-demo-[A-Za-z0-9]{6}$/;
const LEGACY_STALE_MS = 3600_000;

/** Removes stale demo folders, then makes `<tmpRoot>/espnow-demo-<pid>-XXXXXX` (0700, as mkdtemp does). */
export function makeDemoWorkDir(tmpRoot = tmpdir()): { dir: string; removedStale: number } {
  const removedStale = removeStaleDemoDirs(tmpRoot);
  return { dir: mkdtempSync(join(tmpRoot, `${PREFIX}${process.pid}-`)), removedStale };
}

/** Removes this user's demo folders whose demo is not running. Returns how many went. */
export function removeStaleDemoDirs(tmpRoot = tmpdir(), now = Date.now()): number {
  let names: string[];
  try {
    names = readdirSync(tmpRoot);
  } catch {
    return 0;
  }
  const uid = process.getuid?.();
  let removed = 0;
  for (const name of names) {
    if (!name.startsWith(PREFIX)) continue;
    const dir = join(tmpRoot, name);
    let st;
    try {
      st = lstatSync(dir);
    } catch {
      continue;
    }
    // Only real folders of this user: never follow a link, never touch another user's run.
    if (!st.isDirectory() || (uid !== undefined && st.uid !== uid)) continue;
    const pid = WITH_PID.exec(name)?.[1];
    const stale = pid !== undefined ? !isProcessRunning(Number(pid)) : WITHOUT_PID.test(name) && now - st.mtimeMs > LEGACY_STALE_MS;
    if (!stale) continue;
    rmSync(dir, { recursive: true, force: true });
    removed++;
  }
  return removed;
}
