#!/usr/bin/env node
// Packs the host build as an ESP image set laid out like `idf.py build` output, with the sdkconfig text
// inside the app image (docs/LAB-LINK.md), so real and virtual firmware take the same build/flash path.
// Usage: node firmware/host/pack-image.mjs --target esp32|esp32s3|esp32c3 --sdkconfig FILE --out DIR
//        [--version V] [--idf-ver V] [--flash-size 2MB|4MB]
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { appDescriptor, buildImage, configBlob, TARGETS } from './esp-image.mjs';
import { partitionTable, TABLE_OFFSET } from './partition-table.mjs';

export const PROJECT_NAME = 'espnow_prov';
const APP_OFFSET = 0x10000;
const hex = (n) => `0x${n.toString(16)}`;

function args(argv) {
  const o = { version: '0.1.0', idfVer: 'v5.4-host', flashSize: '2MB' };
  const names = { '--target': 'target', '--sdkconfig': 'sdkconfig', '--out': 'out', '--version': 'version', '--idf-ver': 'idfVer', '--flash-size': 'flashSize' };
  for (let i = 2; i < argv.length; i += 2) {
    const key = names[argv[i]];
    if (!key || argv[i + 1] === undefined) throw new Error(`unknown or incomplete option ${argv[i]}`);
    o[key] = argv[i + 1];
  }
  if (!TARGETS[o.target] || !o.sdkconfig || !o.out) {
    throw new Error('usage: pack-image.mjs --target esp32|esp32s3|esp32c3 --sdkconfig FILE --out DIR');
  }
  return o;
}

/** Date and time as __DATE__ / __TIME__ print them ("Nov 23 2026", "19:35:54"). */
function buildStamp(now = new Date()) {
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const two = (n) => String(n).padStart(2, '0');
  return {
    date: `${months[now.getMonth()]} ${String(now.getDate()).padStart(2, ' ')} ${now.getFullYear()}`,
    time: `${two(now.getHours())}:${two(now.getMinutes())}:${two(now.getSeconds())}`,
  };
}

/** Writes bootloader, partition table, app and flasher_args.json into outDir; returns the file map. */
export function pack({ target, sdkconfigText, outDir, version = '0.1.0', idfVer = 'v5.4-host', flashSize = '2MB' }) {
  const t = TARGETS[target];
  const flashFreq = t.flashFreq;
  const { date, time } = buildStamp();
  // Stands in for the ELF hash: what the image was built from (config and version), so it changes with them.
  const elfSha256 = createHash('sha256').update(`${PROJECT_NAME}\0${version}\0${target}\0${sdkconfigText}`).digest();
  const desc = appDescriptor({ version, projectName: PROJECT_NAME, idfVer, time, date, elfSha256 });
  const app = buildImage({
    target,
    flashSize,
    segments: [
      { load: 'drom', data: desc },
      { load: 'drom', data: configBlob(sdkconfigText) },
    ],
  });
  const bootloader = buildImage({
    target,
    flashSize,
    segments: [{ load: t.dram, data: Buffer.from(`${PROJECT_NAME} host-build bootloader placeholder\0`, 'utf8') }],
  });
  const files = {
    bootloader: 'bootloader/bootloader.bin',
    'partition-table': 'partition_table/partition-table.bin',
    app: `${PROJECT_NAME}.bin`,
  };
  mkdirSync(join(outDir, 'bootloader'), { recursive: true });
  mkdirSync(join(outDir, 'partition_table'), { recursive: true });
  writeFileSync(join(outDir, files.bootloader), bootloader);
  writeFileSync(join(outDir, files['partition-table']), partitionTable());
  // The app holds the Wi-Fi password and pair key, like a real build's binary: owner-only.
  writeFileSync(join(outDir, files.app), app, { mode: 0o600 });
  const flashSettings = { flash_mode: 'dio', flash_size: flashSize, flash_freq: flashFreq };
  const offsets = { bootloader: t.bootloaderOffset, 'partition-table': TABLE_OFFSET, app: APP_OFFSET };
  const flasherArgs = {
    write_flash_args: ['--flash_mode', 'dio', '--flash_size', flashSize, '--flash_freq', flashFreq],
    flash_settings: flashSettings,
    flash_files: {
      [hex(offsets.bootloader)]: files.bootloader,
      [hex(offsets['partition-table'])]: files['partition-table'],
      [hex(offsets.app)]: files.app,
    },
    bootloader: { offset: hex(offsets.bootloader), file: files.bootloader, encrypted: 'false' },
    app: { offset: hex(offsets.app), file: files.app, encrypted: 'false' },
    'partition-table': { offset: hex(offsets['partition-table']), file: files['partition-table'], encrypted: 'false' },
    extra_esptool_args: { after: 'hard_reset', before: 'default_reset', stub: true, chip: target },
  };
  writeFileSync(join(outDir, 'flasher_args.json'), JSON.stringify(flasherArgs, null, 4) + '\n');
  return { files, offsets, flasherArgs };
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  try {
    const o = args(process.argv);
    const { offsets, files } = pack({ ...o, sdkconfigText: readFileSync(o.sdkconfig, 'utf8'), outDir: o.out });
    for (const k of Object.keys(files)) console.log(`${hex(offsets[k]).padEnd(8)} ${join(o.out, files[k])}`);
  } catch (e) {
    console.error(`pack-image: ${e.message}`);
    process.exit(2);
  }
}
