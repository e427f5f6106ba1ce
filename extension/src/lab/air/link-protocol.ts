/**
 * The lab link's text lines (docs/LAB-LINK.md): parsing what the firmware's host program sends and
 * formatting what the lab answers. Pure functions; the server owns the socket.
 */
import type { Lease } from './access-point';
import { parseLinkMac } from './mac';
import { MAX_FRAME_LENGTH } from './air';

/** A line from the program, parsed. */
export type ProgramLine =
  | { kind: 'HELLO'; mac: string }
  | { kind: 'CHANNEL'; channel: number }
  | { kind: 'TX'; dest: string; data: Uint8Array }
  | { kind: 'WIFI_CONNECT'; ssid: Uint8Array; password: Uint8Array }
  | { kind: 'WIFI_DISCONNECT' };

/** `unknown`: a kind this lab does not know (ignored for forward compatibility). `malformed`: a known kind with bad fields. */
export type ParseResult =
  | { ok: true; line: ProgramLine }
  | { ok: false; kind: string; problem: 'unknown' | 'malformed'; detail: string };

const HEX = /^(?:[0-9a-f]{2})*$/;

function hexBytes(text: string | undefined, max: number): Uint8Array | undefined {
  if (text === undefined || !HEX.test(text) || text.length / 2 > max) return undefined;
  return Uint8Array.from(Buffer.from(text, 'hex'));
}

/**
 * Parses one line (without its `\n`; a trailing `\r` is tolerated). The detail of a malformed line never
 * quotes its fields, because a WIFI_CONNECT line carries the password.
 */
export function parseProgramLine(raw: string): ParseResult {
  const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
  const fields = text.split(' ');
  const kind = fields[0] ?? '';
  const bad = (detail: string): ParseResult => ({ ok: false, kind, problem: 'malformed', detail });
  switch (kind) {
    case 'HELLO': {
      const mac = fields.length === 2 ? parseLinkMac(fields[1]!) : undefined;
      return mac ? { ok: true, line: { kind, mac } } : bad('expected HELLO <mac>');
    }
    case 'CHANNEL': {
      const ch = fields.length === 2 && /^\d{1,2}$/.test(fields[1]!) ? Number(fields[1]) : NaN;
      return ch >= 1 && ch <= 13 ? { ok: true, line: { kind, channel: ch } } : bad('expected CHANNEL <1..13>');
    }
    case 'TX': {
      const dest = fields.length === 3 ? parseLinkMac(fields[1]!) : undefined;
      const data = hexBytes(fields[2], MAX_FRAME_LENGTH);
      if (!dest || !data || data.length === 0) return bad(`expected TX <mac> <hex of 1..${MAX_FRAME_LENGTH} bytes>`);
      return { ok: true, line: { kind, dest, data } };
    }
    case 'WIFI_CONNECT': {
      // An empty password (open network) leaves an empty third field: "WIFI_CONNECT 6c6162 ". A sender
      // that trims the trailing space means the same, so both forms are taken.
      const ok = fields.length === 3 || fields.length === 2;
      const ssid = ok ? hexBytes(fields[1], 32) : undefined;
      const password = ok ? hexBytes(fields[2] ?? '', 64) : undefined;
      if (!ssid || ssid.length === 0 || !password) return bad('expected WIFI_CONNECT <ssid-hex 1..32 bytes> <password-hex 0..64 bytes>');
      return { ok: true, line: { kind, ssid, password } };
    }
    case 'WIFI_DISCONNECT':
      return fields.length === 1 ? { ok: true, line: { kind } } : bad('expected WIFI_DISCONNECT alone');
    default:
      return { ok: false, kind, problem: 'unknown', detail: 'unknown line kind' };
  }
}

/** Lines from the lab to the program, each ending in `\n`. */
export const labLine = {
  rx: (src: string, rssi: number, channel: number, data: Uint8Array) =>
    `RX ${src} ${rssi} ${channel} ${Buffer.from(data).toString('hex')}\n`,
  txDone: (dest: string, ok: boolean) => `TXDONE ${dest} ${ok ? 'OK' : 'FAIL'}\n`,
  wifiConnected: (bssid: string, channel: number) => `WIFI_CONNECTED ${bssid} ${channel}\n`,
  wifiDisconnected: (reason: number) => `WIFI_DISCONNECTED ${reason}\n`,
  gotIp: (lease: Lease) => `GOT_IP ${lease.ip} ${lease.mask} ${lease.gw}\n`,
};
