import { failureText } from '../provision/failure-reasons';
import type { DetectedPort } from './detected-port';

export type Role = 'responder' | 'initiator' | 'none';

/** What the ROM bootloader told us about a board. */
export interface ChipInfo {
  readonly chip: string; // "ESP32-S3"
  readonly revision?: string; // "v0.2"
  readonly mac: string; // "aa:bb:cc:dd:ee:ff"
  readonly flashSize?: string; // "8MB"
  readonly features?: readonly string[];
  readonly crystal?: string;
}

/** What the board is doing now, as the tree shows it. */
export type BoardActivity =
  | { readonly kind: 'idle' }
  | { readonly kind: 'identifying' }
  | { readonly kind: 'building' }
  | { readonly kind: 'flashing'; readonly percent?: number }
  | { readonly kind: 'monitoring'; readonly detail?: string }
  | { readonly kind: 'provisioned'; readonly ip: string }
  /** `reason`: a key of core/provision/failure-reasons.ts, worded from there. */
  | { readonly kind: 'failed'; readonly reason: string; readonly detail?: string };

/** A connected board as every front end sees it: port, identity, chip once known, role, activity. */
export interface Board {
  readonly port: DetectedPort;
  /** Stable key for roles and caches: MAC once known, else USB serial number, else the path. */
  readonly identity: string;
  /** What every front end calls the board: the name the user gave it, else defaultBoardName. */
  readonly name: string;
  readonly chipInfo?: ChipInfo;
  readonly role: Role;
  readonly activity: BoardActivity;
  /** The firmware last built for it in this session: "responder for esp32c3, ESP-IDF 5.4.1". */
  readonly firmware?: string;
}

/**
 * A board's name until the user gives it one: "ESP32-S3 00:00:01" (chip and the last three MAC bytes) once the
 * ROM has told them, or the source has (virtual boards), else what the port says.
 */
export function defaultBoardName(port: DetectedPort, chipInfo: ChipInfo | undefined): string {
  const chip = chipInfo?.chip ?? port.chipHint;
  const mac = chipInfo?.mac ?? (port.macHint ? normaliseMac(port.macHint) : undefined);
  return chip && mac ? `${chip} ${mac.slice(-8)}` : port.description;
}

/** Formats a MAC the way ESP-IDF logs print it. */
export function normaliseMac(mac: string): string | undefined {
  const hex = mac.toLowerCase().replace(/[^0-9a-f]/g, '');
  return hex.length === 12 ? hex.match(/../g)!.join(':') : undefined;
}

/**
 * Identity of a board. A MAC is burned into eFuse and survives any re-plug; a USB serial number
 * survives re-plugs onto another port (CP210x and native USB have one, CH340 does not); a path is a
 * last resort that only holds while the board stays on that port (or for an RFC2217 URL, which is stable).
 */
export function identityOf(port: DetectedPort, mac?: string): string {
  const m = mac ?? port.macHint;
  const known = m ? normaliseMac(m) : undefined;
  if (known) return `mac:${known}`;
  if (port.serialNumber) return `usb:${port.vendorId ?? ''}:${port.productId ?? ''}:${port.serialNumber}`;
  return `path:${port.path}`;
}

export function describeActivity(a: BoardActivity): string {
  switch (a.kind) {
    case 'idle':
      return 'idle';
    case 'identifying':
      return 'identifying…';
    case 'building':
      return 'building…';
    case 'flashing':
      return a.percent === undefined ? 'flashing…' : `flashing ${Math.round(a.percent)}%`;
    case 'monitoring':
      return a.detail ? `monitoring: ${a.detail}` : 'monitoring';
    case 'provisioned':
      return `provisioned, IP ${a.ip}`;
    case 'failed':
      return `failed: ${failureText(a.reason, a.detail)}`;
  }
}
