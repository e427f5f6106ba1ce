import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { appDescriptor, buildImage, type FlashSize } from './esp-image-writer';
import { CHIPS, type ChipKey } from '../../chips/chips';
import { partitionTable, PARTITION_TABLE_OFFSET } from './partition-table-writer';
import { encodeVirtualBlob } from './virtual-app-blobs';

/** The project name in the app descriptor: the lab runs the firmware of images that carry it. */
export const PROJECT_NAME = 'espnow_prov';
export const APP_OFFSET = 0x10000;

export interface VirtualBuildInput {
  readonly target: ChipKey;
  /** The menuconfig values of this build, sdkconfig format. Holds secrets. */
  readonly sdkconfigText: string;
  /** The firmware compiled to WebAssembly (firmware/wasm). */
  readonly wasm: Uint8Array;
  /** Becomes an idf.py-style build folder: flasher_args.json, bootloader/, partition_table/, the app. */
  readonly outDir: string;
  readonly version?: string;
  readonly flashSize?: FlashSize;
  /** Build time for the app descriptor; default now. */
  readonly now?: Date;
}

export interface VirtualBuildOutput {
  /** Flash offset → file, relative to outDir, as flasher_args.json lists them. */
  readonly flashFiles: Record<string, string>;
  readonly appSize: number;
}

/** Date and time as __DATE__ / __TIME__ print them ("Nov 23 2026", "19:35:54"). */
function buildStamp(now: Date): { date: string; time: string } {
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const two = (n: number) => String(n).padStart(2, '0');
  return {
    date: `${months[now.getMonth()]} ${String(now.getDate()).padStart(2, ' ')} ${now.getFullYear()}`,
    time: `${two(now.getHours())}:${two(now.getMinutes())}:${two(now.getSeconds())}`,
  };
}

const hex = (n: number) => `0x${n.toString(16)}`;

/**
 * Writes the image set of a virtual board's build, laid out like `idf.py build` output, so real and
 * virtual firmware take the same flash path. The app carries its configuration and the WebAssembly module
 * the way a real app carries both compiled in: flashing another build changes what the board runs.
 */
export function writeVirtualBuild(o: VirtualBuildInput): VirtualBuildOutput {
  const t = CHIPS[o.target];
  const version = o.version ?? '0.1.0';
  const flashSize = o.flashSize ?? '2MB';
  const { date, time } = buildStamp(o.now ?? new Date());
  // Stands in for the ELF hash: what the image was built from, so it changes with config and code.
  const elfSha256 = createHash('sha256').update(`${PROJECT_NAME}\0${version}\0${o.target}\0${o.sdkconfigText}\0`).update(o.wasm).digest();
  const desc = appDescriptor({ version, projectName: PROJECT_NAME, idfVer: 'v5.4-virtual', time, date, elfSha256 });
  const app = buildImage({
    target: o.target,
    flashSize,
    segments: [
      { load: 'drom', data: desc },
      { load: 'drom', data: encodeVirtualBlob('config', Buffer.from(o.sdkconfigText, 'utf8')) },
      { load: 'drom', data: encodeVirtualBlob('wasm', o.wasm) },
    ],
  });
  const bootloader = buildImage({
    target: o.target,
    flashSize,
    segments: [{ load: t.dram, data: Buffer.from(`${PROJECT_NAME} virtual bootloader\0`, 'utf8') }],
  });
  const files = { bootloader: 'bootloader/bootloader.bin', 'partition-table': 'partition_table/partition-table.bin', app: `${PROJECT_NAME}.bin` };
  mkdirSync(join(o.outDir, 'bootloader'), { recursive: true, mode: 0o700 });
  mkdirSync(join(o.outDir, 'partition_table'), { recursive: true, mode: 0o700 });
  writeFileSync(join(o.outDir, files.bootloader), bootloader);
  writeFileSync(join(o.outDir, files['partition-table']), partitionTable());
  // The app holds the Wi-Fi password and pair key, like a real build's binary: owner-only.
  const appPath = join(o.outDir, files.app);
  writeFileSync(appPath, app, { mode: 0o600 });
  chmodSync(appPath, 0o600);
  const flashFiles = { [hex(t.bootloaderOffset)]: files.bootloader, [hex(PARTITION_TABLE_OFFSET)]: files['partition-table'], [hex(APP_OFFSET)]: files.app };
  const flasherArgs = {
    write_flash_args: ['--flash_mode', 'dio', '--flash_size', flashSize, '--flash_freq', t.flashFreq],
    flash_settings: { flash_mode: 'dio', flash_size: flashSize, flash_freq: t.flashFreq },
    flash_files: flashFiles,
    bootloader: { offset: hex(t.bootloaderOffset), file: files.bootloader, encrypted: 'false' },
    app: { offset: hex(APP_OFFSET), file: files.app, encrypted: 'false' },
    'partition-table': { offset: hex(PARTITION_TABLE_OFFSET), file: files['partition-table'], encrypted: 'false' },
    extra_esptool_args: { after: 'hard_reset', before: 'default_reset', stub: true, chip: o.target },
  };
  writeFileSync(join(o.outDir, 'flasher_args.json'), JSON.stringify(flasherArgs, null, 4) + '\n');
  return { flashFiles, appSize: app.length };
}
