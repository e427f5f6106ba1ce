/** A chip as an ESP image sees it: what the image header and the flash layout need. */
export interface ImageTarget {
  /** `esp_chip_id_t` in the extended header. */
  readonly chipId: number;
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
}

/** Per-chip image facts (esptool's image format notes, ESP-IDF's memory maps). */
export const IMAGE_TARGETS = {
  esp32: { chipId: 0x0000, drom: 0x3f400000, dram: 0x3ffe0000, entry: 0x40080400, bootloaderOffset: 0x1000, flashFreq: '40m' },
  esp32s3: { chipId: 0x0009, drom: 0x3c000000, dram: 0x3fc90000, entry: 0x40375000, bootloaderOffset: 0x0, flashFreq: '80m' },
  esp32c3: { chipId: 0x0005, drom: 0x3c000000, dram: 0x3fc80000, entry: 0x40380000, bootloaderOffset: 0x0, flashFreq: '80m' },
} as const satisfies Record<string, ImageTarget>;

export type ImageTargetName = keyof typeof IMAGE_TARGETS;

export function isImageTarget(name: string): name is ImageTargetName {
  return Object.prototype.hasOwnProperty.call(IMAGE_TARGETS, name);
}
