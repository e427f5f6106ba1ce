import type { FlashStore } from '../chip/chip-program';
import { FLASH_MODE_NAMES, flashFreqName, flashSizeName, ImageError, parseAppImage, type AppImage } from './app-image';
import { readAppDescription, type AppDescription } from './app-desc';
import {
  findNvsPartition,
  parsePartitionTable,
  partitionUsage,
  PARTITION_TABLE_MAX_LENGTH,
  PARTITION_TABLE_OFFSET,
  PartitionTableError,
  selectBootPartition,
} from '../../core/build/image/partition-table-reader';
import type { ResetCause, RomProfile } from './rom-profile';

/** How a boot attempt ended, which decides what the chip does next. */
export type BootOutcome =
  /** No bootloader header: the ROM repeats `invalid header: 0x...` until its watchdog resets the chip. */
  | { kind: 'invalid-header'; firstWord: number }
  /** The ROM gave up on the bootloader (checksum): silence until the RTC watchdog resets the chip. */
  | { kind: 'rom-halt' }
  /** The second-stage bootloader found nothing to boot and resets the chip itself. */
  | { kind: 'restart' }
  /** A verified app is running. */
  | { kind: 'app'; image: AppImage; desc?: AppDescription; nvs?: { offset: number; size: number } };

/** The UART text of one boot attempt up to its outcome. */
export interface BootAttempt {
  readonly text: string;
  /** The log clock (ms since reset) after the last line, so later lines continue the timeline. */
  readonly clockMs: number;
  readonly outcome: BootOutcome;
}

/** Writes ESP-IDF log lines with a millisecond timestamp that advances as a real boot's would. */
class BootLog {
  t: number;
  readonly lines: string[] = [];

  constructor(start: number) {
    this.t = start;
  }

  raw(...lines: string[]): void {
    this.lines.push(...lines);
  }

  line(level: 'I' | 'W' | 'E', tag: string, message: string): void {
    const text = `${level} (${this.t}) ${tag}: ${message}`;
    this.lines.push(text);
    // Each line is stamped before it goes out; printing it at 115200 baud (~11.5 chars/ms) delays the next.
    this.t += 1 + Math.floor(text.length / 12);
  }
}

const FLASH_BOOTLOADER_LIMIT = PARTITION_TABLE_OFFSET;

/**
 * Plays one boot from flash: the ROM loads the second-stage bootloader, which verifies the partition
 * table and the app image and loads the app. Reads the flash, keeps no state and sets no timer.
 */
export function runBootSequence(flash: FlashStore, rom: RomProfile, cause: ResetCause): BootAttempt {
  const log = new BootLog(rom.chip === 'esp32' ? 31 : 27);
  // A table may point past the end of the chip's flash; reading there yields erased bytes, not a throw.
  const read = (o: number, n: number): Uint8Array => {
    const out = new Uint8Array(n).fill(0xff);
    const end = Math.min(o + n, flash.size);
    if (o >= 0 && end > o) out.set(flash.read(o, end - o));
    return out;
  };
  log.raw(...rom.banner(cause));
  const done = (outcome: BootOutcome): BootAttempt => ({ text: log.lines.map((l) => `${l}\r\n`).join(''), clockMs: log.t, outcome });

  let bootloader: AppImage;
  try {
    bootloader = parseAppImage(read, rom.bootloaderOffset, FLASH_BOOTLOADER_LIMIT - rom.bootloaderOffset);
  } catch (e) {
    if (!(e instanceof ImageError)) throw e;
    if (e.reason === 'checksum') {
      const m = /Calculated 0x([0-9a-f]+) read 0x([0-9a-f]+)/.exec(e.message)!;
      log.raw(...rom.flashLines('DIO', false), ...rom.checksumFailure(parseInt(m[1]!, 16), parseInt(m[2]!, 16)));
      return done({ kind: 'rom-halt' });
    }
    return done({ kind: 'invalid-header', firstWord: e.firstWord });
  }
  const mode = FLASH_MODE_NAMES[bootloader.flashMode] ?? 'DIO';
  log.raw(...rom.flashLines(mode, bootloader.flashFreq === 0xf));
  log.raw(...bootloader.segments.map((s) => rom.loadLine(s)), `entry 0x${bootloader.entry.toString(16).padStart(8, '0')}`);

  const bl = readBootloaderDescription(bootloader);
  // Bootloaders before ESP-IDF 5.2 carry no descriptor; they come from the same build as the app.
  log.line('I', 'boot', `ESP-IDF ${bl?.idfVersion ?? peekAppIdfVersion(read, rom) ?? 'v5.3.1'} 2nd stage bootloader`);
  log.line('I', 'boot', `compile time ${bl?.dateTime ?? 'Jan  1 2025 00:00:00'}`);
  if (rom.multicore) log.line('I', 'boot', 'Multicore bootloader');
  log.line('I', 'boot', `chip revision: ${rom.revision}`);
  log.line('I', rom.spiTag, `${rom.spiSpeedLabel}: ${flashFreqName(bootloader.flashFreq)}`);
  log.line('I', rom.spiTag, `SPI Mode       : ${mode}`);
  log.line('I', rom.spiTag, `SPI Flash Size : ${flashSizeName(bootloader.flashSize)}`);
  log.line('I', 'boot', 'Enabling RNG early entropy source...');

  let parts;
  try {
    parts = parsePartitionTable(read(PARTITION_TABLE_OFFSET, PARTITION_TABLE_MAX_LENGTH));
  } catch (e) {
    if (!(e instanceof PartitionTableError)) throw e;
    log.line('E', 'flash_parts', e.message);
    log.line('E', 'boot', 'Failed to verify partition table');
    log.line('E', 'boot', 'load partition table error!');
    return done({ kind: 'restart' });
  }
  log.line('I', 'boot', 'Partition Table:');
  log.line('I', 'boot', '## Label            Usage          Type ST Offset   Length');
  parts.forEach((p, i) => {
    const h = (n: number, w: number) => n.toString(16).padStart(w, '0');
    log.line('I', 'boot', `${String(i).padStart(2)} ${p.label.padEnd(16)} ${partitionUsage(p).padEnd(16)} ${h(p.type, 2)} ${h(p.subtype, 2)} ${h(p.offset, 8)} ${h(p.size, 8)}`);
  });
  log.line('I', 'boot', 'End of partition table');

  const choice = selectBootPartition(parts);
  if (!choice) {
    log.line('E', 'boot', 'No bootable app partitions in the partition table');
    return done({ kind: 'restart' });
  }
  log.line('I', 'boot', choice.note);
  const { partition } = choice;
  let app: AppImage;
  try {
    app = parseAppImage(read, partition.offset, Math.max(0, Math.min(partition.size, flash.size - partition.offset)), rom.chipId);
  } catch (e) {
    if (!(e instanceof ImageError)) throw e;
    log.line('E', e.reason === 'chip' ? 'boot_comm' : 'esp_image', e.message);
    log.line('E', 'boot', `${partition.subtype === 0 ? 'Factory app partition' : 'OTA app partition slot 0'} is not bootable`);
    log.line('E', 'boot', 'No bootable app partitions in the partition table');
    return done({ kind: 'restart' });
  }
  for (const [i, s] of app.segments.entries()) {
    const paddr = (partition.offset + s.dataOffset).toString(16).padStart(8, '0');
    const vaddr = s.loadAddress.toString(16).padStart(8, '0');
    const size = `${s.data.length.toString(16).padStart(5, '0')}h (${String(s.data.length).padStart(6)})`;
    log.line('I', 'esp_image', `segment ${i}: paddr=${paddr} vaddr=${vaddr} size=${size} ${isFlashMapped(rom, s.loadAddress) ? 'map' : 'load'}`);
  }
  log.line('I', 'boot', `Loaded app from partition at offset 0x${partition.offset.toString(16)}`);
  log.line('I', 'boot', 'Disabling RNG early entropy source...');

  const desc = readAppDescription(app);
  if (rom.multicore) log.line('I', 'cpu_start', 'Multicore app');
  log.line('I', 'cpu_start', 'Pro cpu start user code');
  log.line('I', 'cpu_start', `cpu freq: ${rom.cpuFreqHz} Hz`);
  if (desc) {
    log.line('I', 'app_init', 'Application information:');
    log.line('I', 'app_init', `Project name:     ${desc.projectName}`);
    log.line('I', 'app_init', `App version:      ${desc.version}`);
    log.line('I', 'app_init', `Compile time:     ${desc.date} ${desc.time}`);
    log.line('I', 'app_init', `ELF file SHA256:  ${desc.elfSha256.slice(0, 16)}...`);
    log.line('I', 'app_init', `ESP-IDF:          ${desc.idfVersion}`);
  }
  const nvs = findNvsPartition(parts);
  return done({ kind: 'app', image: app, desc, ...(nvs ? { nvs: { offset: nvs.offset, size: nvs.size } } : {}) });
}

/** Flash-mapped (cache) segments say `map`, RAM segments `load`, as in esp_image_format.c. */
function isFlashMapped(rom: RomProfile, addr: number): boolean {
  if (rom.chip === 'esp32') return (addr >= 0x3f400000 && addr < 0x3f800000) || (addr >= 0x400d0000 && addr < 0x40400000);
  return (addr >= 0x3c000000 && addr < 0x3e000000) || (addr >= 0x42000000 && addr < 0x44000000);
}

/** The app's ESP-IDF version, read quietly ahead of the bootloader log that mentions it. */
function peekAppIdfVersion(read: (o: number, n: number) => Uint8Array, rom: RomProfile): string | undefined {
  try {
    const choice = selectBootPartition(parsePartitionTable(read(PARTITION_TABLE_OFFSET, PARTITION_TABLE_MAX_LENGTH)));
    if (!choice) return undefined;
    const p = choice.partition;
    return readAppDescription(parseAppImage(read, p.offset, p.size, rom.chipId))?.idfVersion;
  } catch {
    return undefined;
  }
}

/** `esp_bootloader_desc_t` (ESP-IDF 5.2+): magic byte 0x50 at the start of the bootloader's first segment. */
function readBootloaderDescription(image: AppImage): { idfVersion: string; dateTime: string } | undefined {
  const d = image.segments[0]?.data;
  if (!d || d.length < 64 || d[0] !== 0x50) return undefined;
  const str = (from: number, len: number) => {
    const b = Buffer.from(d.subarray(from, from + len));
    const end = b.indexOf(0);
    return b.subarray(0, end < 0 ? len : end).toString('latin1');
  };
  return { idfVersion: str(8, 32), dateTime: str(40, 24) };
}
