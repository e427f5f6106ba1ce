import { FIRMWARE_NOT_STARTED, LAB_LOG_TAG } from './lab-boot-line';
import type { LogRecord } from './log-line-parser';
import type { EventMeta, ProvisionEvent, ProvisionRole } from './provision-event';

/** The tag of our firmware's one-line-per-milestone event lines (docs/LAB-LINK.md). */
export const PROV_EVT_TAG = 'PROV_EVT';

/** A PROV_EVT line split into its event name and percent-decoded fields. */
export interface ProvEvtLine {
  readonly name: string;
  readonly fields: Readonly<Record<string, string>>;
}

/** Parses the message of a PROV_EVT line: `<event> key=value key=value`. Never throws. */
export function parseProvEvt(message: string): ProvEvtLine | undefined {
  const [name, ...pairs] = message.trim().split(/\s+/);
  if (!name || !/^[a-z_]+$/.test(name)) return undefined;
  const fields: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) continue;
    fields[pair.slice(0, eq)] = percentDecode(pair.slice(eq + 1));
  }
  return { name, fields };
}

/**
 * Decodes `%XX` escapes as UTF-8 bytes. Unlike decodeURIComponent it never throws: a malformed escape stays
 * as text and invalid UTF-8 becomes U+FFFD.
 */
export function percentDecode(value: string): string {
  if (!value.includes('%')) return value;
  const bytes: number[] = [];
  for (let i = 0; i < value.length; i++) {
    const hex = value[i] === '%' ? value.slice(i + 1, i + 3) : '';
    if (/^[0-9a-fA-F]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...new TextEncoder().encode(value[i]));
    }
  }
  return new TextDecoder('utf-8', { fatal: false }).decode(new Uint8Array(bytes));
}

const MAC = '[0-9a-fA-F]{2}(?::[0-9a-fA-F]{2}){5}';
const IPV4 = '\\d{1,3}(?:\\.\\d{1,3}){3}';
// The seed example's app_main line: both roles print it, with different tails.
const SEED_PEER = new RegExp(`^MAC: (${MAC}), Channel: (\\d+), RSSI: (-?\\d+), (.*)$`);
const STA_IP = new RegExp(`sta ip: (${IPV4}), mask: (${IPV4}), gw: (${IPV4})`);
const GOT_IP = new RegExp(`got ip: ?(${IPV4})`);
const WIFI_STATE = /^state: (\S+) -> (\S+) \((?:0x)?[0-9a-fA-F]+\)/;
const RESET_LINE = /^rst:0x([0-9a-f]+) \(([A-Z0-9_]+)\)/i;

/**
 * Turns parsed lines into provisioning events: our firmware's PROV_EVT lines, the seed example's prose
 * lines, ESP-IDF's generic Wi-Fi/IP lines, ROM reset lines and panics.
 *
 * Stateful only in what it has learned about the board: its role (the seed's app_main line means "found a
 * responder" on an initiator and "got a request" on a responder), and whether the firmware speaks PROV_EVT.
 * Once it does, prose lines that PROV_EVT also covers are ignored, so each milestone is reported once. A
 * ROM reset forgets both, because the next image may be another firmware.
 */
export class EventRecognizer {
  private role: ProvisionRole | undefined;
  private speaksProvEvt = false;

  constructor(role?: ProvisionRole) {
    this.role = role;
  }

  /** The role learned so far (or given). */
  get knownRole(): ProvisionRole | undefined {
    return this.role;
  }

  /** Events in `record`, usually none or one. */
  recognize(record: LogRecord): ProvisionEvent[] {
    const meta: EventMeta = record.timestampMs !== undefined ? { source: 'idf', timestampMs: record.timestampMs } : { source: 'idf' };
    if (record.kind === 'panic') {
      return [{ ...meta, type: 'panic', marker: record.panic ?? 'guru-meditation', detail: record.message, ...(record.backtrace ? { backtrace: record.backtrace } : {}) }];
    }
    if (record.kind === 'rom') {
      const m = RESET_LINE.exec(record.message);
      if (!m) return [];
      this.speaksProvEvt = false;
      return [{ ...meta, source: 'rom', type: 'boot', resetReason: m[2] }];
    }
    if (record.kind !== 'log') return [];
    const fatal = fatalBootError(record, meta);
    if (fatal) return [fatal];
    if (record.tag === PROV_EVT_TAG) {
      const e = this.fromProvEvt(record.message, { ...meta, source: 'prov-evt' });
      if (e) this.speaksProvEvt = true;
      return e ? [e] : [];
    }
    if (this.speaksProvEvt) return [];
    const e = this.fromSeed(record, { ...meta, source: 'seed' }) ?? fromIdf(record, meta);
    return e ? [e] : [];
  }

  private fromProvEvt(message: string, meta: EventMeta): ProvisionEvent | undefined {
    const line = parseProvEvt(message);
    if (!line) return undefined;
    const f = line.fields;
    switch (line.name) {
      case 'boot': {
        const role: ProvisionRole | undefined = f.role === 'responder' || f.role === 'initiator' ? f.role : undefined;
        if (role) this.role = role;
        return { ...meta, type: 'boot', ...opt({ role, mode: f.mode, mac: f.mac, version: f.version }) };
      }
      case 'beacon_start':
        return { ...meta, type: 'beaconStart', ...opt({ channel: int(f.channel), windowMs: int(f.window_ms), intervalMs: int(f.interval_ms) }) };
      case 'beacon_end':
        return { ...meta, type: 'beaconEnd', ...opt({ sent: int(f.sent) }) };
      case 'scan_start':
        return { ...meta, type: 'scanStart', ...opt({ channels: f.channels, timeoutMs: int(f.timeout_ms) }) };
      case 'responder_found':
        return { ...meta, type: 'responderFound', mac: f.mac ?? '', ...opt({ channel: int(f.channel), rssi: int(f.rssi) }) };
      case 'request_sent':
        return { ...meta, type: 'requestSent', ...opt({ to: f.to }) };
      case 'request_received':
        return { ...meta, type: 'requestReceived', ...opt({ from: f.from }) };
      case 'auth_rejected':
        return { ...meta, type: 'authRejected', reason: f.reason ?? 'unknown', ...opt({ from: f.from }) };
      case 'credentials_sent':
        return { ...meta, type: 'credentialsSent', ...opt({ to: f.to }) };
      case 'credentials_received':
        return { ...meta, type: 'credentialsReceived', ...opt({ ssid: f.ssid, from: f.from }) };
      case 'wifi_connecting':
        return { ...meta, type: 'wifiConnecting', ...opt({ ssid: f.ssid }) };
      case 'wifi_connected':
        return { ...meta, type: 'wifiConnected', ...opt({ bssid: f.bssid, channel: int(f.channel) }) };
      case 'wifi_disconnected':
        return { ...meta, type: 'wifiDisconnected', ...opt({ reason: int(f.reason) }) };
      case 'got_ip':
        return { ...meta, type: 'gotIp', ip: f.ip ?? '', ...opt({ mask: f.mask, gw: f.gw }) };
      case 'failed':
        return { ...meta, type: 'failed', reason: f.reason ?? 'unknown', ...opt({ detail: f.detail }) };
      default:
        return undefined; // a newer firmware's event: ignored, not an error
    }
  }

  private fromSeed(record: LogRecord, meta: EventMeta): ProvisionEvent | undefined {
    const msg = record.message;
    if (record.tag === 'espnow_prov') {
      const start = /^Responder beacon start(?:, timer: (\d+)s)?/.exec(msg);
      if (start) {
        this.role = 'responder';
        return { ...meta, type: 'beaconStart', ...opt({ windowMs: start[1] ? Number(start[1]) * 1000 : undefined }) };
      }
      if (/^Responder beacon end/.test(msg)) return { ...meta, type: 'beaconEnd' };
      return undefined;
    }
    const peer = SEED_PEER.exec(msg);
    if (!peer) return undefined;
    const [, mac, channel, rssi, rest] = peer;
    const ssid = /(?:^|, )ssid: (.*?)(?:, password: |$)/.exec(rest);
    if (ssid) {
      this.role = 'initiator';
      return { ...meta, type: 'credentialsReceived', ssid: ssid[1], from: mac };
    }
    if (!/Product_id: /.test(rest)) return undefined;
    // The responder's line carries the initiator's auth fields; the initiator's carries the beacon's.
    const isResponder = this.role === 'responder' || (this.role === undefined && /Auth Mode: |device_secret: /.test(rest));
    if (isResponder) return { ...meta, type: 'requestReceived', from: mac };
    this.role = 'initiator';
    return { ...meta, type: 'responderFound', mac, channel: Number(channel), rssi: Number(rssi) };
  }
}

/**
 * Lines after which the firmware will do nothing more until it is reset, so a run can end at once rather than
 * at its timeout: our firmware refusing its configuration at boot (every port prints these), and the virtual
 * lab saying it could not start a board's firmware at all.
 */
function fatalBootError(record: LogRecord, meta: EventMeta): ProvisionEvent | undefined {
  if (record.level !== 'E') return undefined;
  if (record.tag === 'espnow_prov') {
    const m = /^(config error (?:at line \d+|in NVS key \S+)|invalid configuration): (.*)$/.exec(record.message);
    if (m) return { ...meta, type: 'failed', reason: 'config_error', detail: `${m[1]}: ${m[2]}` };
  }
  if (record.tag === LAB_LOG_TAG && record.message.startsWith(`${FIRMWARE_NOT_STARTED}: `)) {
    return { ...meta, type: 'failed', reason: 'firmware_not_started', detail: record.message.slice(FIRMWARE_NOT_STARTED.length + 2) };
  }
  return undefined;
}

/** ESP-IDF's own Wi-Fi and IP lines, printed by any firmware. */
function fromIdf(record: LogRecord, meta: EventMeta): ProvisionEvent | undefined {
  const msg = record.message;
  const ip = STA_IP.exec(msg);
  if (ip) return { ...meta, type: 'gotIp', ip: ip[1], mask: ip[2], gw: ip[3] };
  const got = GOT_IP.exec(msg);
  if (got) return { ...meta, type: 'gotIp', ip: got[1] };
  if (!record.tag?.toLowerCase().startsWith('wifi')) return undefined;
  const connected = /^connected with (.*?)(?:, aid = |, channel |$)/.exec(msg);
  if (connected) {
    const bssid = new RegExp(`bssid = (${MAC})`).exec(msg)?.[1];
    const channel = int(/channel (\d+)/.exec(msg)?.[1]);
    return { ...meta, type: 'wifiConnected', ssid: connected[1], ...opt({ bssid, channel }) };
  }
  const state = WIFI_STATE.exec(msg);
  if (state) {
    const [, from, to] = state;
    if (from === 'init' && to !== 'init') return { ...meta, type: 'wifiConnecting' };
    if (to === 'init' && from !== 'init') return { ...meta, type: 'wifiDisconnected' };
    return undefined;
  }
  const reason = /\breason\s*[:=]?\s*(\d+)/i.exec(msg);
  if (reason && /disconnect|reason/i.test(msg)) return { ...meta, type: 'wifiDisconnected', reason: Number(reason[1]) };
  return undefined;
}

function int(v: string | undefined): number | undefined {
  if (v === undefined || !/^-?\d+$/.test(v)) return undefined;
  return Number(v);
}

/** Drops undefined fields, so events compare cleanly and optional keys are truly absent. */
function opt<T extends Record<string, unknown>>(o: T): Partial<{ [K in keyof T]: Exclude<T[K], undefined> }> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined && v !== '') out[k] = v;
  return out as Partial<{ [K in keyof T]: Exclude<T[K], undefined> }>;
}
