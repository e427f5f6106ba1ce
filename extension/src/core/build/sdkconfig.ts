import { ProvisionError } from '../common/errors';
import { PAIR_KEY_PATTERN } from '../config/pair-keys';
import type { SecurityMode } from '../config/settings';

export type FirmwareRole = 'responder' | 'initiator';

/** The menuconfig values of the firmware (firmware/main/Kconfig.projbuild) that a provisioning run sets. */
export interface FirmwareConfig {
  readonly role: FirmwareRole;
  readonly security: SecurityMode;
  /** Only the responder holds credentials; an initiator's are empty. */
  readonly ssid: string;
  readonly password: string;
  /** 0 = the initiator scans. */
  readonly channel: number;
  /** 64 hex digits, or empty: not compiled in (an image for compat modes, or whose key comes from NVS). */
  readonly pairKey: string;
  readonly allowedInitiators?: readonly string[];
  readonly productId?: string;
  readonly deviceName?: string;
  readonly beaconIntervalMs?: number;
  readonly beaconWindowS?: number;
  readonly scanTimeoutS?: number;
}

const MODE_SYMBOL: Record<SecurityMode, string> = {
  secure: 'SECURE',
  'espressif-4.4': 'ESPRESSIF_4_4',
  'espressif-5.3': 'ESPRESSIF_5_3',
  'espressif-5.4': 'ESPRESSIF_5_4',
};

/**
 * Renders the sdkconfig lines for one role. Strings are quoted and escaped as Kconfig reads them; values
 * Kconfig cannot hold (line breaks, NUL) are refused with the field named, never silently mangled.
 */
export function renderSdkconfig(c: FirmwareConfig): string {
  if (c.pairKey !== '' && !PAIR_KEY_PATTERN.test(c.pairKey)) throw new ProvisionError('config', 'The pair key must be 64 hex digits (32 bytes).', undefined, 'Generate one with: openssl rand -hex 32');
  const lines = [
    `CONFIG_ESPNOW_ROLE_${c.role.toUpperCase()}=y`,
    `CONFIG_ESPNOW_MODE_${MODE_SYMBOL[c.security]}=y`,
    `CONFIG_ESPNOW_WIFI_SSID=${quote(c.ssid, 'Wi-Fi SSID')}`,
    `CONFIG_ESPNOW_WIFI_PASSWORD=${quote(c.password, 'Wi-Fi password')}`,
    `CONFIG_ESPNOW_CHANNEL=${c.channel}`,
    `CONFIG_ESPNOW_PAIR_KEY=${quote(c.pairKey.toLowerCase(), 'pair key')}`,
    `CONFIG_ESPNOW_ALLOWED_INITIATORS=${quote((c.allowedInitiators ?? []).join(','), 'allowed initiators')}`,
    `CONFIG_ESPNOW_PRODUCT_ID=${quote(c.productId ?? 'espnow-prov', 'product id')}`,
    `CONFIG_ESPNOW_DEVICE_NAME=${quote(c.deviceName ?? c.role, 'device name')}`,
    `CONFIG_ESPNOW_BEACON_INTERVAL_MS=${c.beaconIntervalMs ?? 100}`,
    `CONFIG_ESPNOW_BEACON_WINDOW_S=${c.beaconWindowS ?? 30}`,
    `CONFIG_ESPNOW_SCAN_TIMEOUT_S=${c.scanTimeoutS ?? 30}`,
  ];
  return `${lines.join('\n')}\n`;
}

/** Kconfig string syntax: double quotes, with backslash and double quote escaped. */
export function quote(value: string, field: string): string {
  if (/[\r\n\0]/.test(value)) throw new ProvisionError('config', `The ${field} contains a line break or NUL, which sdkconfig cannot hold.`);
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}
