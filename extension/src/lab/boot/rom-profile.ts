import type { ChipKind } from '../chip/chip-program';
import { CHIPS } from '../../core/chips/chips';
import type { ImageSegment } from './app-image';

/** Why the chip (re)started, as the ROM's `rst:` line names it. */
export type ResetCause = 'power-on' | 'rtc-watchdog' | 'software';

/**
 * What one chip's ROM and second-stage bootloader print, from real boards' logs. ESP32 is modelled as
 * the V3 silicon (ROM `ets Jul 29 2019`) that today's modules carry; it is also what the lab's download
 * mode announces, so one board never shows two ROM dates.
 */
export interface RomProfile {
  readonly chip: ChipKind;
  /** Where the ROM looks for the second-stage bootloader. */
  readonly bootloaderOffset: number;
  readonly chipId: number;
  /** `chip revision: vX.Y` of the bootloader log. */
  readonly revision: string;
  /** The `boot.<chip>` tag of the SPI lines; ESP32's older log pads names differently. */
  readonly spiTag: string;
  /** How the bootloader labels the SPI speed line (the S3's says "Boot SPI Speed"). */
  readonly spiSpeedLabel: string;
  readonly multicore: boolean;
  readonly cpuFreqHz: number;
  /** Banner and reset line, each line without its CRLF. */
  banner(cause: ResetCause): string[];
  /** The lines after the reset line once a valid bootloader header was read. */
  flashLines(flashMode: string, fast: boolean): string[];
  loadLine(seg: ImageSegment): string;
  /** The ROM's own line on a bootloader checksum mismatch, and the source line it names. */
  readonly checksumFailure: (calculated: number, stored: number) => string[];
}

const hex = (n: number) => `0x${n.toString(16)}`;
const hex8 = (n: number) => `0x${n.toString(16).padStart(8, '0')}`;

const esp32: RomProfile = {
  chip: 'esp32',
  bootloaderOffset: 0x1000,
  chipId: CHIPS.esp32.imageChipId,
  revision: 'v3.0',
  spiTag: 'boot.esp32',
  spiSpeedLabel: 'SPI Speed      ',
  multicore: true,
  cpuFreqHz: 160_000_000,
  banner: (cause) => {
    const rst = { 'power-on': '0x1 (POWERON_RESET)', 'rtc-watchdog': '0x10 (RTCWDT_RTC_RESET)', software: '0x3 (SW_RESET)' }[cause];
    return ['ets Jul 29 2019 12:21:46', '', `rst:${rst},boot:0x13 (SPI_FAST_FLASH_BOOT)`];
  },
  flashLines: (mode, fast) => [
    'configsip: 0, SPIWP:0xee',
    'clk_drv:0x00,q_drv:0x00,d_drv:0x00,cs0_drv:0x00,hd_drv:0x00,wp_drv:0x00',
    `mode:${mode}, clock div:${fast ? 1 : 2}`,
  ],
  // The ESP32 ROM prints segment lengths in decimal.
  loadLine: (seg) => `load:${hex8(seg.loadAddress)},len:${seg.data.length}`,
  checksumFailure: (calc, stored) => [`csum err:${hex(calc)}!=${hex(stored)}`, 'ets_main.c 371 '],
};

/** The ROM text shared by the newer chips (ESP-ROM banner, hex lengths). */
function newerRom(
  chip: 'esp32s3' | 'esp32c3',
  rom: string,
  build: string,
  bootByte: string,
  /** The PC a watchdog or software reset interrupted (the ROM prints it as Saved PC). */
  savedPc: string,
  spiSpeedLabel: string,
  rest: Pick<RomProfile, 'revision' | 'multicore' | 'cpuFreqHz'>,
): RomProfile {
  return {
    chip,
    bootloaderOffset: 0x0,
    chipId: CHIPS[chip].imageChipId,
    spiTag: `boot.${chip}`,
    spiSpeedLabel,
    ...rest,
    banner: (cause) => {
      const rst = { 'power-on': '0x1 (POWERON)', 'rtc-watchdog': '0x10 (RTCWDT_RTC_RST)', software: '0x3 (RTC_SW_SYS_RST)' }[cause];
      const lines = [`ESP-ROM:${rom}`, `Build:${build}`, `rst:${rst},boot:${bootByte} (SPI_FAST_FLASH_BOOT)`];
      // Only a reset that interrupted running code has a PC worth saving.
      if (cause !== 'power-on') lines.push(`Saved PC:${savedPc}`);
      return lines;
    },
    flashLines: (mode) => ['SPIWP:0xee', `mode:${mode}, clock div:1`],
    loadLine: (seg) => `load:${hex8(seg.loadAddress)},len:${hex(seg.data.length)}`,
    checksumFailure: (calc, stored) => [`csum err:${hex(calc)}!=${hex(stored)}`, 'ets_loader.c 78 '],
  };
}

const PROFILES: Record<ChipKind, RomProfile> = {
  esp32,
  esp32s3: newerRom('esp32s3', 'esp32s3-20210327', 'Mar 27 2021', '0x8', '0x40043ac8', 'Boot SPI Speed ', { revision: 'v0.2', multicore: true, cpuFreqHz: 160_000_000 }),
  esp32c3: newerRom('esp32c3', 'esp32c3-api1-20210207', 'Feb  7 2021', '0xc', '0x40048b82', 'SPI Speed      ', { revision: 'v0.4', multicore: false, cpuFreqHz: 160_000_000 }),
};

/** The ROM and bootloader text of `chip`. */
export function romProfileOf(chip: ChipKind): RomProfile {
  return PROFILES[chip];
}
