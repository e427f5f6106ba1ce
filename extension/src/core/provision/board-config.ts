import { ProvisionError } from '../common/errors';
import { PAIR_KEY_PATTERN } from '../config/pair-keys';
import type { SecurityMode } from '../config/settings';
import type { FirmwareConfig, FirmwareRole } from '../build/sdkconfig';
import { writeNvsPartition, type NvsEntry } from '../nvs';

/**
 * One board's run-time configuration, written to its NVS partition (namespace `espnow_prov`) and read by the
 * firmware at boot over its menuconfig values (firmware/core/epv_config_kv.h, firmware/README.md). Only what
 * a board's role needs is written: an initiator gets no Wi-Fi credentials, a compat-mode board no pair key.
 */
export interface BoardConfig extends Pick<FirmwareConfig, 'role' | 'security' | 'channel' | 'allowedInitiators' | 'productId' | 'deviceName' | 'beaconIntervalMs' | 'beaconWindowS' | 'scanTimeoutS'> {
  /** Responder only. */
  readonly ssid?: string;
  readonly password?: string;
  /** 64 hex digits; secure mode only. */
  readonly pairKey?: string;
}

export const BOARD_CONFIG_NAMESPACE = 'espnow_prov';

/** The firmware's keys (epv_config_kv.h); a test checks the two lists agree. */
export const BOARD_CONFIG_KEYS = {
  role: 'role',
  mode: 'mode',
  ssid: 'ssid',
  password: 'password',
  channel: 'channel',
  pairKey: 'pair_key',
  allow: 'allow',
  productId: 'product_id',
  deviceName: 'device_name',
  beaconMs: 'beacon_ms',
  windowS: 'window_s',
  scanS: 'scan_s',
  /** Set by the firmware, never by the extension: an initiator that kept its credentials. */
  provisioned: 'provisioned',
} as const;

/** epv_role_t and epv_mode_t values. */
const ROLE_CODE: Record<FirmwareRole, number> = { responder: 0, initiator: 1 };
const MODE_CODE: Record<SecurityMode, number> = { secure: 0, 'espressif-5.3': 1, 'espressif-5.4': 2, 'espressif-4.4': 3 };

/** The NVS entries of one board, in the order the firmware reads them. */
export function boardConfigEntries(c: BoardConfig): NvsEntry[] {
  const ns = BOARD_CONFIG_NAMESPACE;
  const k = BOARD_CONFIG_KEYS;
  const out: NvsEntry[] = [
    { namespace: ns, key: k.role, type: 'u8', value: ROLE_CODE[c.role] },
    { namespace: ns, key: k.mode, type: 'u8', value: MODE_CODE[c.security] },
    { namespace: ns, key: k.channel, type: 'u8', value: c.channel },
  ];
  if (c.role === 'responder') {
    out.push({ namespace: ns, key: k.ssid, type: 'string', value: c.ssid ?? '' });
    out.push({ namespace: ns, key: k.password, type: 'string', value: c.password ?? '' });
    if (c.allowedInitiators?.length) out.push({ namespace: ns, key: k.allow, type: 'string', value: c.allowedInitiators.join(',') });
  }
  if (c.security === 'secure') {
    if (!c.pairKey || !PAIR_KEY_PATTERN.test(c.pairKey)) throw new ProvisionError('config', 'Secure mode needs a pair key of 64 hex digits.');
    out.push({ namespace: ns, key: k.pairKey, type: 'blob', value: Buffer.from(c.pairKey, 'hex') });
  }
  if (c.productId !== undefined) out.push({ namespace: ns, key: k.productId, type: 'string', value: c.productId });
  if (c.deviceName !== undefined) out.push({ namespace: ns, key: k.deviceName, type: 'string', value: c.deviceName });
  if (c.beaconIntervalMs !== undefined) out.push({ namespace: ns, key: k.beaconMs, type: 'u32', value: c.beaconIntervalMs });
  if (c.beaconWindowS !== undefined) out.push({ namespace: ns, key: k.windowS, type: 'u32', value: c.beaconWindowS });
  if (c.scanTimeoutS !== undefined) out.push({ namespace: ns, key: k.scanS, type: 'u32', value: c.scanTimeoutS });
  return out;
}

/** The board's NVS partition image, `size` bytes (the build's nvs partition). */
export function boardConfigPartition(c: BoardConfig, size: number): Buffer {
  return writeNvsPartition(boardConfigEntries(c), size);
}
