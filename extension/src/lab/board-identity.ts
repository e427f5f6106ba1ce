import { ProvisionError } from '../core/common/errors';
import { formatMac } from './air/mac';
import type { ChipKind } from './chip/chip-program';

/** The chips the lab emulates, with the names people know them by. */
export const CHIP_LABELS: Readonly<Record<ChipKind, string>> = { esp32: 'ESP32', esp32s3: 'ESP32-S3', esp32c3: 'ESP32-C3' };

export function isChipKind(s: string): s is ChipKind {
  return Object.prototype.hasOwnProperty.call(CHIP_LABELS, s);
}

/** Validates a chip name from a command line, settings or lab.json. */
export function parseChipKind(s: string, where: string): ChipKind {
  const k = s.trim().toLowerCase().replace(/-/g, '');
  if (isChipKind(k)) return k;
  throw new ProvisionError('config', `"${s}" in ${where} is not a chip the lab emulates.`, undefined, `Use one of: ${Object.keys(CHIP_LABELS).join(', ')}.`);
}

/**
 * The factory MAC of lab board `index` (1-based): Espressif's OUI 24:0a:c4 and the index in the last
 * three bytes, so board 1 is always 24:0a:c4:00:00:01 and a restarted lab gets the same identities.
 */
export function macForIndex(index: number): string {
  return formatMac(Uint8Array.of(0x24, 0x0a, 0xc4, (index >> 16) & 0xff, (index >> 8) & 0xff, index & 0xff));
}
