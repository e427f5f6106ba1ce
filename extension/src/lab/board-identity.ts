import { CHIP_KEYS, CHIPS } from '../core/chips/chips';
import { formatMac } from './air/mac';
import type { ChipKind } from './chip/chip-program';

/** The chips the lab emulates, with the names people know them by. */
export const CHIP_LABELS: Readonly<Record<ChipKind, string>> = Object.fromEntries(CHIP_KEYS.map((k) => [k, CHIPS[k].label])) as Record<ChipKind, string>;

export { isChipKey as isChipKind, parseChipKey as parseChipKind } from '../core/chips/chips';

/** The chips of n lab boards: every chip in turn (the newer modules first), so a tree tells them apart. */
export function labChipMix(n: number): ChipKind[] {
  const first: readonly ChipKind[] = ['esp32s3', 'esp32c3'];
  const order: readonly ChipKind[] = [...first, ...CHIP_KEYS.filter((k) => !first.includes(k))];
  return Array.from({ length: n }, (_, i) => order[i % order.length]!);
}

/**
 * The factory MAC of lab board `index` (1-based): Espressif's OUI 24:0a:c4 and the index in the last
 * three bytes, so board 1 is always 24:0a:c4:00:00:01 and a restarted lab gets the same identities.
 */
export function macForIndex(index: number): string {
  return formatMac(Uint8Array.of(0x24, 0x0a, 0xc4, (index >> 16) & 0xff, (index >> 8) & 0xff, index & 0xff));
}
