import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { ProvisionError } from '../common/errors';
import { checkChannel, checkFlashBaud, checkSsid, checkWholeNumber } from './input-checks';

/**
 * The firmware's security modes (its Kconfig choice ESPNOW_MODE): `secure`, or the wire format of Espressif's
 * esp-now provisioning with the `wifi_sta_config_t` layout of the ESP-IDF line the Espressif peer was built with
 * (4.4 = IDF 4.4.4+/5.0.1+, 5.3 = IDF 5.1-5.3, 5.4 = IDF 5.4 and later). firmware/PROTOCOL.md has the details.
 */
export type SecurityMode = 'secure' | 'espressif-4.4' | 'espressif-5.3' | 'espressif-5.4';

/** Every `espnow.*` setting, validated. Built from any key → value getter (VS Code config, CLI flags, JSON). */
export interface Settings {
  readonly wifiSsid: string;
  /** Only from settings.json, which is discouraged; the secret store comes first (see credentials.ts). */
  readonly wifiPasswordInSettings: string;
  readonly wifiChannel: number;
  readonly security: SecurityMode;
  /** Where a run puts each board's role and credentials: its NVS partition (default) or the image. */
  readonly credentialsIn: CredentialsIn;
  readonly idfPath: string;
  readonly flashBaud: number;
  readonly monitorBaud: number;
  /** Each monitor also writes a log file (monitor-log-file.ts). */
  readonly monitorLogToFile: boolean;
  /** Where; empty: the editor's own log folder. User settings only (setting-scope.ts). */
  readonly monitorLogFolder: string;
  readonly labBoardCount: number;
  /** Opt-in: virtual boards get the real Wi-Fi password instead of the lab's own (off by default). */
  readonly labUseRealCredentials: boolean;
  readonly remotePorts: readonly string[];
  readonly usbExtraIds: readonly string[];
  readonly usbIgnoredIds: readonly string[];
}

export type SettingGetter = (key: string) => unknown;

/** `nvs`: one image per chip, each board's role and credentials in its NVS partition; `menuconfig`: compiled in. */
export type CredentialsIn = 'nvs' | 'menuconfig';
export const CREDENTIALS_IN: readonly CredentialsIn[] = ['nvs', 'menuconfig'];

/** Every SecurityMode, in the order settings and usage texts list them. */
export const SECURITY_MODES: readonly SecurityMode[] = ['secure', 'espressif-4.4', 'espressif-5.3', 'espressif-5.4'];

/** Reads and validates; the first bad value throws a 'config' error that names the setting. */
export function readSettings(get: SettingGetter): Settings {
  return {
    wifiSsid: ssid(get, 'espnow.wifi.ssid'),
    wifiPasswordInSettings: str(get, 'espnow.wifi.password', 4096), // checked (in bytes) by resolveWifiCredentials
    wifiChannel: checkChannel(get('espnow.wifi.channel') ?? 0, 'Setting espnow.wifi.channel'),
    security: oneOf(get, 'espnow.security', SECURITY_MODES, 'secure'),
    credentialsIn: oneOf(get, 'espnow.credentialsIn', CREDENTIALS_IN, 'nvs'),
    idfPath: str(get, 'espnow.idfPath', 4096),
    flashBaud: checkFlashBaud(get('espnow.flashBaud') ?? 921600, 'Setting espnow.flashBaud'),
    monitorBaud: int(get, 'espnow.monitorBaud', 115200, 300, 5_000_000),
    monitorLogToFile: bool(get, 'espnow.monitor.logToFile', false),
    monitorLogFolder: absoluteFolder(get, 'espnow.monitor.logFolder'),
    labBoardCount: int(get, 'espnow.lab.boardCount', 2, 1, 32),
    labUseRealCredentials: bool(get, 'espnow.lab.useRealCredentials', false),
    remotePorts: strList(get, 'espnow.remotePorts'),
    usbExtraIds: strList(get, 'espnow.usb.extraIds'),
    usbIgnoredIds: strList(get, 'espnow.usb.ignoredIds'),
  };
}

function bad(key: string, what: string, hint: string): ProvisionError {
  return new ProvisionError('config', `Setting ${key} ${what}.`, undefined, hint);
}

function str(get: SettingGetter, key: string, maxBytes: number): string {
  const v = get(key) ?? '';
  if (typeof v !== 'string') throw bad(key, 'must be a string', 'Fix it in settings.json.');
  if (Buffer.byteLength(v, 'utf8') > maxBytes) throw bad(key, `is longer than ${maxBytes} bytes`, 'ESP-IDF cannot store a longer value.');
  return v;
}

/** Empty, or an absolute folder (`~` = the home folder): a relative one would depend on where the editor was started. */
function absoluteFolder(get: SettingGetter, key: string): string {
  const v = str(get, key, 4096).trim();
  if (v === '') return v;
  const expanded = v === '~' || v.startsWith('~/') ? join(homedir(), v.slice(1)) : v;
  if (!isAbsolute(expanded)) throw bad(key, `is a relative path ("${v}")`, 'Give an absolute folder (~ for your home folder), or leave it empty for the default.');
  return expanded;
}

function int(get: SettingGetter, key: string, fallback: number, min: number, max: number): number {
  return checkWholeNumber(get(key) ?? fallback, `Setting ${key}`, min, max);
}

/** Empty is allowed here (nothing set yet); a run refuses it in resolveWifiCredentials. */
function ssid(get: SettingGetter, key: string): string {
  const v = str(get, key, 4096);
  return v === '' ? v : checkSsid(v, `Setting ${key}`);
}

function oneOf<T extends string>(get: SettingGetter, key: string, allowed: readonly T[], fallback: T): T {
  const v = get(key) ?? fallback;
  if (!allowed.includes(v as T)) throw bad(key, `is ${JSON.stringify(v)}`, `Use one of: ${allowed.join(', ')}.`);
  return v as T;
}

function bool(get: SettingGetter, key: string, fallback: boolean): boolean {
  const v = get(key) ?? fallback;
  if (typeof v !== 'boolean') throw bad(key, `is ${JSON.stringify(v)}`, 'Use true or false.');
  return v;
}

function strList(get: SettingGetter, key: string): string[] {
  const v = get(key) ?? [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw bad(key, 'must be a list of strings', 'Fix it in settings.json.');
  return v as string[];
}
