import { ProvisionError } from '../common/errors';

/** The chips the product builds for, flashes and emulates: esptool's chip names. */
export type ChipKey = 'esp32' | 'esp32s3' | 'esp32c3';

/** Everything about a chip that is not its lab ROM emulation (lab/rom/chips/<key>.ts holds that). */
export interface ChipRecord {
  readonly key: ChipKey;
  /** "ESP32-S3", as boards and messages name it. */
  readonly label: string;
  /** `esp_chip_id_t` in an app image's extended header. */
  readonly imageChipId: number;
  /** Where flash-mapped read-only data (DROM) starts in the address space. */
  readonly drom: number;
  /** Internal data RAM, where a bootloader's segments load. */
  readonly dram: number;
  /** A plausible entry point in IRAM. */
  readonly entry: number;
  /** Flash offset of the second-stage bootloader. */
  readonly bootloaderOffset: number;
  /** The flash frequency idf.py uses by default. */
  readonly flashFreq: '40m' | '80m';
  /** How a dev board usually connects: a UART bridge with the auto-reset circuit, or the chip's own USB. */
  readonly usbWiring: 'uart-bridge' | 'usb-serial-jtag';
}

/**
 * One record per chip (esptool's image format notes and ESP-IDF's memory maps). A new chip is one record
 * here plus its lab ROM file; every switch over ChipKey is exhaustive, so the compiler lists what else to do.
 */
export const CHIPS: Readonly<Record<ChipKey, ChipRecord>> = {
  esp32: { key: 'esp32', label: 'ESP32', imageChipId: 0x0000, drom: 0x3f400000, dram: 0x3ffe0000, entry: 0x40080400, bootloaderOffset: 0x1000, flashFreq: '40m', usbWiring: 'uart-bridge' },
  esp32s3: { key: 'esp32s3', label: 'ESP32-S3', imageChipId: 0x0009, drom: 0x3c000000, dram: 0x3fc90000, entry: 0x40375000, bootloaderOffset: 0x0, flashFreq: '80m', usbWiring: 'usb-serial-jtag' },
  esp32c3: { key: 'esp32c3', label: 'ESP32-C3', imageChipId: 0x0005, drom: 0x3c000000, dram: 0x3fc80000, entry: 0x40380000, bootloaderOffset: 0x0, flashFreq: '80m', usbWiring: 'usb-serial-jtag' },
};

/** Every chip, in the order lists and usage texts give them. */
export const CHIP_KEYS: readonly ChipKey[] = ['esp32', 'esp32s3', 'esp32c3'];

export function isChipKey(s: string): s is ChipKey {
  return Object.prototype.hasOwnProperty.call(CHIPS, s);
}

/** A chip name from a setting or argument; a config error naming `where` otherwise. */
export function parseChipKey(s: string, where: string): ChipKey {
  const k = s.trim().toLowerCase().replace(/-/g, ''); // "ESP32-S3" as labels write it
  if (isChipKey(k)) return k;
  throw new ProvisionError('config', `"${s}" in ${where} is not a supported chip.`, undefined, `Use one of: ${CHIP_KEYS.join(', ')}.`);
}
