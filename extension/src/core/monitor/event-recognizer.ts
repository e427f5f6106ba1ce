import { FIRMWARE_NOT_STARTED, LAB_LOG_TAG } from './lab-boot-line';
import type { LogRecord } from './log-line-parser';
import { ProvEvtReader } from './prov-evt-line';
import type { EventMeta, ProvisionEvent, ProvisionRole } from './provision-event';

/** The tag of our firmware's one-line-per-milestone event lines (docs/LAB-LINK.md). */
export const PROV_EVT_TAG = 'PROV_EVT';

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
  private readonly provEvt = new ProvEvtReader();

  constructor(role?: ProvisionRole) {
    this.role = role;
  }

  /** The role learned so far (or given). */
  get knownRole(): ProvisionRole | undefined {
    return this.role;
  }

  /** Events in `record`, usually none or one. */
  recognize(record: LogRecord): ProvisionEvent[] {
    const e = this.recognizeEvent(record);
    return e ? [e] : [];
  }

  /**
   * The event in `record`, if any (a line carries at most one). Cheap for the lines that carry none, which
   * are most of a log: each recognizer is reached only when the line's kind, level or tag can be its.
   */
  recognizeEvent(record: LogRecord): ProvisionEvent | undefined {
    if (record.kind === 'log') {
      if (record.level === 'E') {
        const fatal = fatalBootError(record, meta(record, 'idf'));
        if (fatal) return fatal;
      }
      if (record.tag === PROV_EVT_TAG) {
        const e = this.fromProvEvt(record.message, meta(record, 'prov-evt'));
        if (e) this.speaksProvEvt = true;
        return e;
      }
      if (this.speaksProvEvt) return undefined;
      if (record.tag === 'espnow_prov' || record.message.startsWith('MAC: ')) {
        const e = this.fromSeed(record, meta(record, 'seed'));
        if (e) return e;
      }
      return fromIdf(record, meta(record, 'idf'));
    }
    if (record.kind === 'panic') {
      return { ...meta(record, 'idf'), type: 'panic', marker: record.panic ?? 'guru-meditation', detail: record.message, ...(record.backtrace ? { backtrace: record.backtrace } : {}) };
    }
    if (record.kind === 'rom') {
      const m = RESET_LINE.exec(record.message);
      if (!m) return undefined;
      this.speaksProvEvt = false;
      return { ...meta(record, 'idf'), source: 'rom', type: 'boot', resetReason: m[2] };
    }
    return undefined;
  }

  private fromProvEvt(message: string, meta: EventMeta): ProvisionEvent | undefined {
    const p = this.provEvt;
    const name = p.read(message);
    const build = name === undefined ? undefined : PROV_EVT_EVENTS.get(name);
    if (!build) return undefined; // no name, or a newer firmware's event: ignored, not an error
    const e = build(p, meta);
    if (e.type === 'boot' && e.role) this.role = e.role;
    return e;
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
  // STA_IP and GOT_IP both need `ip:`.
  if (msg.includes('ip:')) {
    const ip = STA_IP.exec(msg);
    if (ip) return { ...meta, type: 'gotIp', ip: ip[1], mask: ip[2], gw: ip[3] };
    const got = GOT_IP.exec(msg);
    if (got) return { ...meta, type: 'gotIp', ip: got[1] };
  }
  if (record.tag === undefined || !startsWithWifi(record.tag)) return undefined;
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

/** `tag.toLowerCase().startsWith('wifi')`, without the lower-cased copy for ASCII tags. */
function startsWithWifi(tag: string): boolean {
  if (tag.length < 4) return false;
  const a = tag.charCodeAt(0);
  const b = tag.charCodeAt(1);
  const c = tag.charCodeAt(2);
  const d = tag.charCodeAt(3);
  if ((a | b | c | d) >= 0x80) return tag.toLowerCase().startsWith('wifi');
  return (a | 0x20) === 0x77 && (b | 0x20) === 0x69 && (c | 0x20) === 0x66 && (d | 0x20) === 0x69;
}

/**
 * How each PROV_EVT event (docs/LAB-LINK.md) becomes a ProvisionEvent. Found by name in one lookup rather than
 * a chain of string comparisons; values are sliced and decoded as they are read (an event reads a few).
 */
const PROV_EVT_EVENTS: ReadonlyMap<string, (p: ProvEvtReader, meta: EventMeta) => ProvisionEvent> = new Map<string, (p: ProvEvtReader, meta: EventMeta) => ProvisionEvent>([
  ['boot', (p, meta) => {
    const r = p.get('role');
    const role: ProvisionRole | undefined = r === 'responder' || r === 'initiator' ? r : undefined;
    return ev(meta, 'boot', undefined, { role, mode: p.get('mode'), mac: p.get('mac'), version: p.get('version') });
  }],
  ['beacon_start', (p, meta) => ev(meta, 'beaconStart', undefined, { channel: int(p.get('channel')), windowMs: int(p.get('window_ms')), intervalMs: int(p.get('interval_ms')) })],
  ['beacon_end', (p, meta) => ev(meta, 'beaconEnd', undefined, { sent: int(p.get('sent')) })],
  ['scan_start', (p, meta) => ev(meta, 'scanStart', undefined, { channels: p.get('channels'), timeoutMs: int(p.get('timeout_ms')) })],
  ['responder_found', (p, meta) => ev(meta, 'responderFound', { mac: p.get('mac') ?? '' }, { channel: int(p.get('channel')), rssi: int(p.get('rssi')) })],
  ['responder_skipped', (p, meta) => ev(meta, 'responderSkipped', { mac: p.get('mac') ?? '' }, { reason: p.get('reason') })],
  ['request_sent', (p, meta) => ev(meta, 'requestSent', undefined, { to: p.get('to') })],
  ['request_received', (p, meta) => ev(meta, 'requestReceived', undefined, { from: p.get('from') })],
  ['auth_rejected', (p, meta) => ev(meta, 'authRejected', { reason: p.get('reason') ?? 'unknown' }, { from: p.get('from') })],
  ['credentials_sent', (p, meta) => ev(meta, 'credentialsSent', undefined, { to: p.get('to') })],
  ['credentials_received', (p, meta) => ev(meta, 'credentialsReceived', undefined, { ssid: p.get('ssid'), from: p.get('from') })],
  ['wifi_connecting', (p, meta) => ev(meta, 'wifiConnecting', undefined, { ssid: p.get('ssid') })],
  ['wifi_connected', (p, meta) => ev(meta, 'wifiConnected', undefined, { bssid: p.get('bssid'), channel: int(p.get('channel')) })],
  ['wifi_disconnected', (p, meta) => ev(meta, 'wifiDisconnected', undefined, { reason: int(p.get('reason')) })],
  ['got_ip', (p, meta) => ev(meta, 'gotIp', { ip: p.get('ip') ?? '' }, { mask: p.get('mask'), gw: p.get('gw') })],
  ['failed', (p, meta) => ev(meta, 'failed', { reason: p.get('reason') ?? 'unknown' }, { detail: p.get('detail') })],
]);

/**
 * `{ ...meta, type, ...fields, ...opt(optional) }`, built without a spread: in V8 (Node 20), adding keys to
 * an object made by spreading takes hundreds of nanoseconds, and PROV_EVT lines come at log speed.
 */
function ev(meta: EventMeta, type: ProvisionEvent['type'], fields: Readonly<Record<string, unknown>> | undefined, optional: Readonly<Record<string, unknown>>): ProvisionEvent {
  const e: Record<string, unknown> = meta.timestampMs !== undefined ? { source: meta.source, timestampMs: meta.timestampMs, type } : { source: meta.source, type };
  if (fields) for (const k in fields) e[k] = fields[k];
  for (const k in optional) {
    const v = optional[k];
    if (v !== undefined && v !== '') e[k] = v;
  }
  return e as unknown as ProvisionEvent;
}

/** The fields every event of `record` starts with. */
function meta(record: LogRecord, source: EventMeta['source']): EventMeta {
  return record.timestampMs !== undefined ? { source, timestampMs: record.timestampMs } : { source };
}

function int(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  // /^-?\d+$/
  const n = v.length;
  let i = v.charCodeAt(0) === 0x2d ? 1 : 0;
  if (i === n) return undefined;
  for (; i < n; i++) {
    const c = v.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return undefined;
  }
  return Number(v);
}

/** Drops undefined fields, so events compare cleanly and optional keys are truly absent. */
function opt<T extends Record<string, unknown>>(o: T): Partial<{ [K in keyof T]: Exclude<T[K], undefined> }> {
  const out: Record<string, unknown> = {};
  for (const k in o) {
    const v = o[k];
    if (v !== undefined && v !== '') out[k] = v;
  }
  return out as Partial<{ [K in keyof T]: Exclude<T[K], undefined> }>;
}
