import { randomBytes } from 'node:crypto';
import { renameSync, rmSync, writeFileSync } from 'node:fs';

/**
 * Writes a file only its owner can read, for anything holding a secret (keys, passwords, tokens). It is
 * written aside, created 0600 (`wx`: never an existing file, whose mode would stick), then renamed over
 * the target: a reader never sees half a file, and an older, wider-open file is replaced, not reused.
 */
export function writePrivateFileSync(target: string, data: string | Uint8Array): void {
  const tmp = `${target}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    writeFileSync(tmp, data, { mode: 0o600, flag: 'wx' });
    renameSync(tmp, target);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}
