import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writePrivateFileSync } from '../core/common/private-file';

const FILE = 'wifi-password';

/**
 * The Wi-Fi password of a lab's access point: made for that lab on first use and kept in its 0700 state
 * folder (0600), so boards flashed with it still join after a restart. Virtual boards get this password
 * instead of the user's real one: the lab's access point only stands for the user's network, and a lab
 * board's flash file is one more place the password would otherwise live. Not a secret from the user (the
 * lab shows it in its log), only never the real one.
 */
export function labWifiPassword(stateDir: string): string {
  const file = path.join(stateDir, FILE);
  try {
    const text = fs.readFileSync(file, 'utf8').trim();
    if (/^lab-[0-9a-f]{16}$/.test(text)) return text;
  } catch {
    // Made below.
  }
  fs.mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const password = `lab-${randomBytes(8).toString('hex')}`;
  writePrivateFileSync(file, `${password}\n`);
  return password;
}
