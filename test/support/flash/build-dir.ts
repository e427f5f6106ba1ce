import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { partitionTable } from '../../../extension/src/core/build/image/partition-table-writer';

/** A deterministic, firmware-like image: compressible like code (runs, few distinct bytes), not trivially. */
export function fakeImage(size: number, seed: number): Uint8Array {
  const out = new Uint8Array(size);
  let x = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x % 7 === 0 ? x >>> 24 : (x >>> 8) & 0x3f;
  }
  out[0] = 0xe9;
  return out;
}

const created: string[] = [];

/** Deletes every build dir made so far (for a test file's `after`). */
export function removeBuildDirs(): void {
  for (const d of created.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}

export interface BuildDirOptions {
  /** esptool's chip argument; omitted from flasher_args.json when null. */
  readonly chip?: string | null;
  readonly appSize?: number;
  readonly seed?: number;
  readonly dir?: string;
}

/**
 * Writes an idf.py-like build dir (bootloader, partition table, app and flasher_args.json), as
 * idf.py and the virtual build writer do for real builds; tests tweak it to make bad builds.
 */
export function makeBuildDir(options: BuildDirOptions = {}): string {
  const dir = options.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'build-'));
  created.push(dir);
  const seed = options.seed ?? 1;
  const chip = options.chip === undefined ? 'esp32s3' : options.chip;
  fs.mkdirSync(path.join(dir, 'bootloader'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'partition_table'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'bootloader', 'bootloader.bin'), fakeImage(20 * 1024 + 3, seed + 100));
  // A real table: a run reads its NVS partition from it to place each board's configuration.
  fs.writeFileSync(path.join(dir, 'partition_table', 'partition-table.bin'), partitionTable());
  fs.writeFileSync(path.join(dir, 'app.bin'), fakeImage(options.appSize ?? 256 * 1024, seed));
  const args = {
    write_flash_args: ['--flash_mode', 'dio', '--flash_size', '4MB', '--flash_freq', '80m'],
    flash_settings: { flash_mode: 'dio', flash_size: '4MB', flash_freq: '80m' },
    flash_files: { '0x0': 'bootloader/bootloader.bin', '0x8000': 'partition_table/partition-table.bin', '0x10000': 'app.bin' },
    extra_esptool_args: { after: 'hard_reset', before: 'default_reset', stub: true, ...(chip ? { chip } : {}) },
  };
  fs.writeFileSync(path.join(dir, 'flasher_args.json'), JSON.stringify(args, null, 2));
  return dir;
}
