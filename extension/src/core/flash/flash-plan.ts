import { createHash } from 'node:crypto';
import { readFile, realpath, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { ProvisionError } from '../common/errors';

/** SPI flash sector: compressed writes erase whole sectors, so a region must start on one. */
export const FLASH_SECTOR = 0x1000;

/** One file of a build and where it goes in flash. */
export interface FlashRegion {
  readonly offset: number;
  /** As flasher_args.json names it, relative to the build dir: "partition_table/partition-table.bin". */
  readonly name: string;
  /** Absolute path of the file. */
  readonly file: string;
  /** The file's bytes padded with 0xFF to 4 bytes, exactly as esptool writes them. */
  readonly data: Uint8Array;
  /** Lowercase hex MD5 of `data`: what the board's SPI_FLASH_MD5 answers once the region is written. */
  readonly md5: string;
}

/** `flash_settings` of flasher_args.json. */
export interface FlashSettings {
  readonly flashMode?: string;
  readonly flashSize?: string;
  readonly flashFreq?: string;
}

/** What to write to one board: the regions of an idf.py-style build, in flash order. */
export interface FlashPlan {
  readonly buildDir: string;
  /** esptool's chip argument the build was made for ("esp32s3"), when the build says. */
  readonly chip?: string;
  readonly settings: FlashSettings;
  readonly regions: readonly FlashRegion[];
  /** Sum of the region sizes. */
  readonly totalBytes: number;
}

const ARGS_FILE = 'flasher_args.json';

/**
 * Reads `flasher_args.json` of an idf.py build and every file it names, and checks them: files lie inside
 * the build folder (after following symlinks), exist and are not empty, offsets are numbers on sector
 * boundaries, and no two regions overlap. Every problem is a ProvisionError ('build') that names the file
 * and says what to do. A flasher_args.json is data from wherever the build came from: an entry such as
 * "../../etc/passwd" must not put another file of the user's onto a board (and so onto the air).
 */
export async function readFlashPlan(buildDir: string): Promise<FlashPlan> {
  const dir = path.resolve(buildDir);
  const argsPath = path.join(dir, ARGS_FILE);
  const args = await readArgs(argsPath);
  const files = args.flash_files;
  if (!isRecord(files) || Object.keys(files).length === 0) {
    throw buildError(`${argsPath} lists no flash_files.`, 'Rebuild the firmware; a complete idf.py build lists the bootloader, partition table and app.');
  }
  const regions: FlashRegion[] = [];
  const realDir = await realpath(dir).catch(() => dir);
  for (const [offsetText, name] of Object.entries(files)) {
    if (typeof name !== 'string' || name.trim() === '') throw buildError(`${argsPath}: the file for offset ${offsetText} is not a file name.`, 'Rebuild the firmware.');
    const offset = parseOffset(offsetText, name, argsPath);
    regions.push(await readRegion(dir, realDir, offset, name, argsPath));
  }
  regions.sort((a, b) => a.offset - b.offset);
  checkOverlaps(regions);
  const settings = isRecord(args.flash_settings) ? args.flash_settings : {};
  const extra = isRecord(args.extra_esptool_args) ? args.extra_esptool_args : {};
  return {
    buildDir: dir,
    chip: typeof extra.chip === 'string' && extra.chip ? extra.chip.toLowerCase() : undefined,
    settings: {
      flashMode: stringOrUndefined(settings.flash_mode),
      flashSize: stringOrUndefined(settings.flash_size),
      flashFreq: stringOrUndefined(settings.flash_freq),
    },
    regions,
    totalBytes: regions.reduce((n, r) => n + r.data.length, 0),
  };
}

/** What a plan is checked against before anything is written: the board as identification saw it. */
export interface PlanTarget {
  /** Board label or port, for the message. */
  readonly board: string;
  /** esptool's chip name: "ESP32-S3". */
  readonly chip: string;
  /** "4MB", when the flash ID told. */
  readonly flashSize?: string;
}

/**
 * Refuses to flash a build made for another chip, or one that does not fit the board's flash ('config':
 * the user picked the wrong build or board, nothing is wrong with the build itself).
 */
export function checkPlanFitsBoard(plan: FlashPlan, target: PlanTarget): void {
  const boardChip = chipKey(target.chip);
  if (plan.chip && chipKey(plan.chip) !== boardChip) {
    throw new ProvisionError(
      'config',
      `The build in ${plan.buildDir} is for ${plan.chip}, but this board is an ${target.chip}.`,
      target.board,
      `Pick a build for ${boardChip} (idf.py set-target ${boardChip} && idf.py build), or flash another board.`,
    );
  }
  const flashBytes = target.flashSize ? parseSize(target.flashSize) : undefined;
  if (flashBytes === undefined) return;
  const last = plan.regions.at(-1);
  if (last && last.offset + last.data.length > flashBytes) {
    throw new ProvisionError('config', `${last.name} ends at 0x${(last.offset + last.data.length).toString(16)}, beyond this board's ${target.flashSize} flash.`, target.board, 'Pick a build with a smaller partition table (CONFIG_ESPTOOLPY_FLASHSIZE).');
  }
  const planned = plan.settings.flashSize ? parseSize(plan.settings.flashSize) : undefined;
  if (planned !== undefined && planned > flashBytes) {
    throw new ProvisionError('config', `The build expects ${plan.settings.flashSize} of flash, but this board has ${target.flashSize}.`, target.board, `Set CONFIG_ESPTOOLPY_FLASHSIZE to ${target.flashSize} or less and rebuild.`);
  }
}

/** "ESP32-S3" and "esp32s3" name the same chip. */
export function chipKey(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** Lowercase hex MD5, the form the stub's SPI_FLASH_MD5 answer takes once hex-encoded. */
export function md5Hex(data: Uint8Array): string {
  return createHash('md5').update(data).digest('hex');
}

async function readArgs(argsPath: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(argsPath, 'utf8');
  } catch (e) {
    throw buildError(`${argsPath} does not exist.`, 'Build the firmware first (idf.py build, or ESP-NOW: Build Firmware), then pass its build directory.', e);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw buildError(`${argsPath} is not valid JSON: ${(e as Error).message}`, 'Rebuild the firmware; the file may have been cut short.', e);
  }
  if (!isRecord(json)) throw buildError(`${argsPath} is not a JSON object.`, 'Rebuild the firmware.');
  return json;
}

function parseOffset(text: string, name: string, argsPath: string): number {
  const offset = /^0x[0-9a-f]+$/i.test(text) ? parseInt(text, 16) : /^\d+$/.test(text) ? parseInt(text, 10) : NaN;
  if (!Number.isSafeInteger(offset)) throw buildError(`${argsPath}: offset "${text}" of ${name} is not a number.`, 'Offsets are hex like "0x10000"; rebuild the firmware.');
  if (offset % FLASH_SECTOR !== 0) {
    throw buildError(`${argsPath}: ${name} is at 0x${offset.toString(16)}, which is not on a 4 KB flash sector boundary.`, 'Move it to a multiple of 0x1000 (check the partition table CSV) and rebuild.');
  }
  return offset;
}

async function readRegion(dir: string, realDir: string, offset: number, name: string, argsPath: string): Promise<FlashRegion> {
  const file = path.resolve(dir, name);
  const outside = (): ProvisionError =>
    buildError(`${argsPath}: the file for 0x${offset.toString(16)}, "${name}", is outside the build folder ${dir}; refused.`, 'A build names only files inside its own build folder: rebuild the firmware, or check where this build folder came from.');
  if (path.isAbsolute(name) || !isInside(dir, file)) throw outside();
  let real: string;
  try {
    real = await realpath(file);
  } catch (e) {
    throw buildError(`${name} (for 0x${offset.toString(16)}) is missing: ${file} does not exist.`, 'The build is incomplete; run the build again.', e);
  }
  // A symlink (of the file or of a folder on its way) that leads out of the build is refused too.
  if (!isInside(realDir, real)) throw outside();
  if (!(await stat(real)).isFile()) throw buildError(`${name} (for 0x${offset.toString(16)}) is not a regular file: ${file}.`, 'The build is incomplete; run the build again.');
  let bytes: Uint8Array;
  try {
    bytes = await readFile(real);
  } catch (e) {
    throw buildError(`${name} (for 0x${offset.toString(16)}) cannot be read: ${file}.`, 'The build is incomplete; run the build again.', e);
  }
  if (bytes.length === 0) throw buildError(`${name} (for 0x${offset.toString(16)}) is empty: ${file}.`, 'The build is incomplete; run the build again.');
  const data = padTo4(bytes);
  return { offset, name, file, data, md5: md5Hex(data) };
}

function isInside(dir: string, file: string): boolean {
  const rel = path.relative(dir, file);
  return rel !== '' && !rel.startsWith(`..${path.sep}`) && rel !== '..' && !path.isAbsolute(rel);
}

function checkOverlaps(sorted: readonly FlashRegion[]): void {
  for (let i = 1; i < sorted.length; i++) {
    const a = sorted[i - 1];
    const b = sorted[i];
    const end = a.offset + a.data.length;
    if (end > b.offset) {
      throw buildError(
        `${a.name} (0x${a.offset.toString(16)}–0x${end.toString(16)}) overlaps ${b.name} at 0x${b.offset.toString(16)}.`,
        'Check the partition table offsets (CONFIG_PARTITION_TABLE_OFFSET, app partition) and rebuild.',
      );
    }
  }
}

function padTo4(bytes: Uint8Array): Uint8Array {
  const rest = bytes.length % 4;
  if (rest === 0) return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Uint8Array(bytes.length + 4 - rest).fill(0xff);
  out.set(bytes);
  return out;
}

/** "4MB", "512KB" → bytes; undefined for "keep", "detect" or anything else. */
export function parseSize(size: string): number | undefined {
  const m = /^(\d+)\s*(KB|MB)$/i.exec(size.trim());
  if (!m) return undefined;
  return Number(m[1]) * (m[2].toUpperCase() === 'MB' ? 1 << 20 : 1 << 10);
}

function buildError(message: string, hint: string, cause?: unknown): ProvisionError {
  return new ProvisionError('build', message, undefined, hint, cause === undefined ? undefined : { cause });
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function stringOrUndefined(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}
