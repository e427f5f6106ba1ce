import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exitCodeOf, isProvisionError } from '../core/common/errors';
import { CliUsageError, type CliIo } from './cli-io';

/** What the system says about a path the user gave (a file where a folder belongs, no permission). */
const PATH_ERRORS: Record<string, string> = {
  ENOTDIR: 'a file is in the way where a folder belongs',
  EISDIR: 'it is a folder, not a file',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'the file system is read-only',
  ENOENT: 'no such file or folder',
  EEXIST: 'it already exists',
  ENOSPC: 'no space left on the device',
};

/**
 * Prints an error the way a Unix tool does: one line (plus the usage for bad arguments), no stack trace
 * for anything the user can fix. Only a bug (an error of no known kind) gets its stack, written to a file
 * that the one line names. Returns the exit code.
 */
export function reportError(command: string, usage: string, e: unknown, io: CliIo): number {
  const prefix = `espnow-prov ${command}:`;
  if (e instanceof CliUsageError) {
    io.err(`${prefix} ${e.message}\n\nUsage: ${usage}`);
    return exitCodeOf.config;
  }
  if (isProvisionError(e)) {
    io.err(`${prefix} ${e.describe()}`);
    return exitCodeOf[e.kind];
  }
  const sys = e as NodeJS.ErrnoException;
  const meaning = typeof sys?.code === 'string' ? PATH_ERRORS[sys.code] : undefined;
  if (meaning && typeof sys.path === 'string') {
    io.err(`${prefix} cannot use ${sys.path}: ${meaning} (${sys.code}).`);
    return exitCodeOf.config;
  }
  const message = e instanceof Error ? e.message : String(e);
  io.err(`${prefix} internal error: ${message.split('\n')[0]} (a bug: please report it with ${writeReport(command, e) ?? 'the command line'}).`);
  return exitCodeOf.internal;
}

/** The full report of a bug, in a private file; undefined when even that fails. */
function writeReport(command: string, e: unknown): string | undefined {
  try {
    const file = join(mkdtempSync(join(tmpdir(), 'espnow-prov-error-')), 'report.txt');
    const detail = e instanceof Error ? (e.stack ?? e.message) : String(e);
    writeFileSync(file, `espnow-prov ${command}\n${new Date().toISOString()}\n${detail}\n`, { mode: 0o600 });
    return file;
  } catch {
    return undefined;
  }
}
