import { chmodSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { writePrivateFileSync } from '../core/common/private-file';
import type { SecretStore } from '../core/config/pair-keys';

/** Where the CLI keeps secrets unless --secrets-dir says otherwise. */
export function defaultSecretsDir(): string {
  return join(homedir(), '.config', 'espnow-prov', 'secrets');
}

/**
 * The CLI's secret store: one 0600 file per secret in a 0700 folder of the user's (default
 * ~/.config/espnow-prov/secrets), the stand-in for the editor's SecretStorage on rigs.
 */
export class FileSecretStore implements SecretStore {
  constructor(readonly dir: string) {}

  /** Where a secret lives (its name made safe for a file name). */
  pathOf(name: string): string {
    return join(this.dir, name.replace(/[^A-Za-z0-9._-]/g, '_'));
  }

  async get(name: string): Promise<string | undefined> {
    try {
      return readFileSync(this.pathOf(name), 'utf8').trim();
    } catch {
      return undefined;
    }
  }

  async store(name: string, value: string): Promise<void> {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    chmodSync(this.dir, 0o700);
    writePrivateFileSync(this.pathOf(name), `${value}\n`);
  }

  async delete(name: string): Promise<void> {
    rmSync(this.pathOf(name), { force: true });
  }

  /** Every secret kept here (for redaction: a monitor hides every fleet key this user has). */
  all(): string[] {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch {
      return [];
    }
    const values: string[] = [];
    for (const n of names) {
      try {
        const v = readFileSync(join(this.dir, n), 'utf8').trim();
        if (v) values.push(v);
      } catch {
        // A file that went away or cannot be read holds nothing to hide.
      }
    }
    return values;
  }
}
