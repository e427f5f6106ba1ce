import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { isProvisionError, ProvisionError } from '../common/errors';
import { isRfc2217Url, parseRfc2217Url } from '../serial/rfc2217-url';

/** 64 hex digits: a WPA2 raw key, and the form of a pair key (32 bytes). */
export const HEX_64 = /^[0-9a-fA-F]{64}$/;

/**
 * The checks of what a user types, shared by the editor's settings and the CLI's arguments, so both refuse
 * the same values with the same words, before any board is touched. Each takes the name the user knows the
 * value by (`Setting espnow.wifi.ssid`, `--ssid`, `ESPNOW_WIFI_PASSWORD`) and throws a 'config' error that
 * starts with it. Lengths are in bytes, as ESP-IDF stores them (UTF-8: "é" is 2 bytes, a CJK character 3).
 */

/**
 * Flash rates the ESP32 family takes from esptool: ESP-IDF's ESPTOOLPY_BAUD choices plus the two fast ones
 * USB bridges and native USB follow. package.json's `espnow.flashBaud` enum is this list (a test checks).
 */
export const FLASH_BAUDS: readonly number[] = [115200, 230400, 460800, 921600, 1500000, 2000000];

/** Bytes in an SSID (802.11: 32) and in a WPA2 passphrase (8–63; 64 hex digits are a raw key). */
export const SSID_MAX_BYTES = 32;
export const PASSPHRASE_BYTES = { min: 8, max: 63 } as const;

const CONTROL_CHAR = /[\u0000-\u001f\u007f]/;

function bad(name: string, problem: string, hint: string): ProvisionError {
  return new ProvisionError('config', `${name} ${problem}.`, undefined, hint);
}

const bytesOf = (s: string): number => Buffer.byteLength(s, 'utf8');

/** The network the responder hands out: 1–32 bytes, no control characters (a pasted newline, a tab). */
export function checkSsid(ssid: string, name: string): string {
  const bytes = bytesOf(ssid);
  if (bytes === 0) throw bad(name, 'is empty', 'Name the network the new devices join.');
  if (bytes > SSID_MAX_BYTES) throw bad(name, `is ${bytes} bytes long (${[...ssid].length} characters)`, `An SSID holds 1 to ${SSID_MAX_BYTES} bytes; accented letters take 2 bytes each, CJK characters 3.`);
  if (CONTROL_CHAR.test(ssid)) throw bad(name, 'holds a control character (a newline or a tab?)', 'Type the network name as it appears in the Wi-Fi list.');
  return ssid;
}

/**
 * A WPA2 password: 8–63 bytes, or 64 hex digits (a raw key); empty means an open network. The error gives
 * the length only, never the password.
 */
export function checkPassword(password: string, name: string): string {
  if (password === '' || HEX_64.test(password)) return password;
  const bytes = bytesOf(password);
  const hint = `WPA2 needs ${PASSPHRASE_BYTES.min} to ${PASSPHRASE_BYTES.max} bytes (accented letters take 2 bytes each) or 64 hex digits; empty means an open network.`;
  if (CONTROL_CHAR.test(password)) throw bad(name, 'holds a control character (a newline or a tab?)', hint);
  if (bytes < PASSPHRASE_BYTES.min || bytes > PASSPHRASE_BYTES.max) throw bad(name, `is ${bytes} bytes long`, hint);
  return password;
}

/** A whole number in a range, from a setting (a number) or an argument (its text). */
export function checkWholeNumber(value: unknown, name: string, min: number, max: number): number {
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) throw bad(name, `is ${JSON.stringify(value)}`, `Use a whole number from ${min} to ${max}.`);
  return n;
}

/** The Wi-Fi channel: 1–13, or 0 for "the initiator scans". */
export function checkChannel(value: unknown, name: string): number {
  return checkWholeNumber(value, name, 0, 13);
}

/** A flash baud the chips switch to (FLASH_BAUDS); 12345 is refused, not tried on every board. */
export function checkFlashBaud(value: unknown, name: string): number {
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !FLASH_BAUDS.includes(n)) throw bad(name, `is ${JSON.stringify(value)}`, `Use one of ${FLASH_BAUDS.join(', ')}.`);
  return n;
}

/** A port as the user named it: the option (`--initiator`) or list ("The port list") it came from, and the path or URL. */
export interface NamedPort {
  readonly name: string;
  readonly path: string;
}

/**
 * Each port well-formed (a path, or a valid rfc2217:// URL) and named once: a port given twice, or as
 * both responder and initiator, is one board, and the error names both places. Returns the paths in order.
 */
export function checkPorts(ports: readonly NamedPort[]): string[] {
  const seen = new Map<string, string>();
  for (const { name, path } of ports) {
    const hint = 'Name a serial port (e.g. /dev/ttyUSB0, COM3) or rfc2217://host:port.';
    if (path.trim() === '') throw bad(name, 'names an empty port', hint);
    if (CONTROL_CHAR.test(path)) throw bad(name, `names ${JSON.stringify(path)}, which holds a control character`, hint);
    const key = isRfc2217Url(path) ? rfc2217Key(path, name) : path.trim();
    const first = seen.get(key);
    if (first !== undefined) {
      const where = first === name ? `${name} names ${path} twice` : `${name} names ${path}, which ${first} names too`;
      throw new ProvisionError('config', `${where}.`, undefined, 'Each board is one port: name every port once.');
    }
    seen.set(key, name);
  }
  return ports.map((p) => p.path);
}

function rfc2217Key(path: string, name: string): string {
  try {
    return parseRfc2217Url(path).url.toLowerCase();
  } catch (e) {
    if (isProvisionError(e)) throw new ProvisionError('config', `${name}: ${e.message}`, undefined, e.hint);
    throw e;
  }
}

/** A name a user gives a board: what the tree, the status bar and messages call it. */
export const BOARD_NAME_MAX_CHARS = 32;

/** 1–32 characters without control characters (the tree, the status bar and terminal tabs show it on one line). */
export function checkBoardName(name: string, what: string): string {
  const chars = [...name].length;
  if (chars === 0) throw bad(what, 'is empty', 'Type a name, e.g. "kitchen sensor".');
  if (chars > BOARD_NAME_MAX_CHARS) throw bad(what, `has ${chars} characters`, `Keep it to ${BOARD_NAME_MAX_CHARS}: the tree and the status bar show it on one line.`);
  if (CONTROL_CHAR.test(name)) throw bad(what, 'holds a control character', 'Type the name on one line.');
  return name;
}

/**
 * A folder for monitor logs: made (0700) if missing, and writable, checked before any board is touched so a
 * typo does not surface as a lost log after a long run. Returns it absolute.
 */
export function checkLogFolder(folder: string, name: string): string {
  if (folder.trim() === '') throw bad(name, 'is empty', 'Name a folder for the monitor logs.');
  const abs = resolve(folder);
  if (statSync(abs, { throwIfNoEntry: false })?.isDirectory() === false) throw bad(name, `(${abs}) is a file, not a folder`, 'Name a folder; it is made if missing.');
  try {
    mkdirSync(abs, { recursive: true, mode: 0o700 });
    accessSync(abs, constants.W_OK);
  } catch (e) {
    throw bad(name, `(${abs}) cannot be made or written: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, 'Pick a folder you can write to.');
  }
  return abs;
}
