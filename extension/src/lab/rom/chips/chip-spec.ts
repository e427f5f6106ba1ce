import type { ChipKind } from '../../chip/chip-program';

/** Where the SPI0/1 controller's registers sit, as esptool-js drives them to read the flash JEDEC id. */
export interface SpiRegisters {
  readonly base: number;
  readonly usrOffset: number;
  readonly usr2Offset: number;
  readonly w0Offset: number;
}

/**
 * What the lab needs to know about one chip kind to answer as its ROM loader does. Addresses and bit
 * positions are those esptool-js 0.7.0 reads (lib/targets/<chip>.js), so its chip description,
 * revision, features, crystal and MAC come out as on the emulated silicon.
 */
export interface ChipSpec {
  readonly kind: ChipKind;
  /** esptool's CHIP_NAME. */
  readonly name: string;
  /** Value of the chip-detect magic register 0x40001000. */
  readonly magic: number;
  /** Chip id in GET_SECURITY_INFO; undefined where the ROM has no such command (ESP32). */
  readonly securityChipId?: number;
  /** ECO version in GET_SECURITY_INFO (the emulated silicon revision). */
  readonly ecoVersion: number;
  /** What the ROM prints on a reset into download mode, before "waiting for download". */
  readonly downloadBanner: string;
  readonly xtalMhz: number;
  /** UART0 clock divider register: esptool derives the crystal from it and the current baud. */
  readonly uartClkdivReg: number;
  readonly spi: SpiRegisters;
  /** RAM the ROM loader accepts MEM_BEGIN into: [start, end) pairs. */
  readonly ram: ReadonlyArray<readonly [number, number]>;
  /** Fixed register values (eFuse words, date registers) for a board with factory MAC `mac`. */
  registers(mac: Uint8Array): Map<number, number>;
  /**
   * ESP32 only: the ROM derives the crystal frequency it programs the UART with from the RTC calibration
   * of its 8 MHz clock, which drifts; CHANGE_BAUDRATE in ROM mode then lands off the requested rate, and
   * esptool compensates (targets/esp32.py, change_baud). Undefined: the ROM divides by the real crystal.
   */
  readonly romCrystalCalibration?: RomCrystalCalibration;
}

/** The two readings behind the ESP32 ROM's crystal estimate, as esptool's get_rom_cal_crystal_freq reads them. */
export interface RomCrystalCalibration {
  /** TIMG0 RTCCALICFG1 (0x3FF5F06C), whose bits 7..31 hold the calibration count (TIMERS_RTC_CALI_VALUE). */
  readonly register: number;
  readonly caliValue: number;
  /** eFuse BLK0 word 4 bits 0..7, CK8M_FREQ ("8MHz clock freq override", espefuse's esp32.yaml). */
  readonly ck8mFreq: number;
}

/** The crystal frequency the ESP32 ROM calculates, by esptool's formula: cali_val * 15625 * ck8m / 40. */
export function romCalculatedCrystalHz(c: RomCrystalCalibration): number {
  return (c.caliValue * 15625 * c.ck8mFreq) / 40;
}

/**
 * The UART rate the ROM really programs for a CHANGE_BAUDRATE to `requested`: it divides its estimate of
 * the crystal by the requested rate, while the UART runs from the real crystal.
 */
export function romProgrammedBaud(spec: ChipSpec, requested: number): number {
  const c = spec.romCrystalCalibration;
  if (!c) return requested;
  return Math.round((requested * spec.xtalMhz * 1e6) / romCalculatedCrystalHz(c));
}

/** The chip-detect magic register every ROM exposes. */
export const CHIP_DETECT_MAGIC_REG = 0x40001000;

/** eFuse MAC words as ESP32-family chips store them: word0 = MAC[2..5], word1 low 16 bits = MAC[0..1]. */
export function macWords(mac: Uint8Array): [number, number] {
  const w0 = ((mac[2] << 24) | (mac[3] << 16) | (mac[4] << 8) | mac[5]) >>> 0;
  const w1 = ((mac[0] << 8) | mac[1]) >>> 0;
  return [w0, w1];
}
