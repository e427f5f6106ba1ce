import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { productPaths, type ProductPaths } from '../../../extension/src/core/common/product-paths';
import { isChipKey } from '../../../extension/src/core/chips/chips';
import { writeVirtualBuild } from '../../../extension/src/core/build/image/virtual-build-writer';
import type { ChipKind, FlashStore } from '../../../extension/src/lab/chip/chip-program';

/**
 * The firmware as virtual boards run it (firmware/wasm, compiled to WebAssembly) and its image packer, for
 * lab tests. Importing this module builds the module when it is missing or older than its sources (make is
 * incremental), so tests that need the real firmware run instead of being skipped.
 */
const REPO = resolve(__dirname, '../../..');
export const WASM_FIRMWARE = join(REPO, 'firmware/wasm/build/espnow_prov.wasm');

export function ensureWasmFirmware(): string {
  const r = spawnSync('make', ['-C', join(REPO, 'firmware/wasm'), '-s'], { encoding: 'utf8' });
  if (r.status !== 0 || !existsSync(WASM_FIRMWARE)) {
    throw new Error(`Building the WebAssembly firmware failed (make -C firmware/wasm):\n${r.stdout}${r.stderr}`);
  }
  return WASM_FIRMWARE;
}
ensureWasmFirmware();

/** The checkout's product paths, with the freshly built module in place of dist/'s copy. */
export const TEST_PRODUCT_PATHS: ProductPaths = { ...productPaths(REPO), wasmFirmware: WASM_FIRMWARE };

export const LAB_SSID = 'lab net';
export const LAB_PASSWORD = 'correct horse 42';
const KEY = '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff';
const quote = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

export type Role = 'responder' | 'initiator';

/** sdkconfig text for one role; `mode` is the Kconfig choice suffix (SECURE, ESPRESSIF_5_3, ESPRESSIF_5_4). */
export function sdkconfig(role: Role, mode: string): string {
  const responder = role === 'responder';
  const lines = [
    `CONFIG_ESPNOW_ROLE_${role.toUpperCase()}=y`,
    `CONFIG_ESPNOW_MODE_${mode}=y`,
    `CONFIG_ESPNOW_WIFI_SSID=${quote(responder ? LAB_SSID : '')}`,
    `CONFIG_ESPNOW_WIFI_PASSWORD=${quote(responder ? LAB_PASSWORD : '')}`,
    `CONFIG_ESPNOW_CHANNEL=${responder ? 6 : 0}`,
    `CONFIG_ESPNOW_PAIR_KEY=${quote(KEY)}`,
    'CONFIG_ESPNOW_BEACON_INTERVAL_MS=100',
    'CONFIG_ESPNOW_BEACON_WINDOW_S=8',
    'CONFIG_ESPNOW_SCAN_TIMEOUT_S=8',
    `CONFIG_ESPNOW_PRODUCT_ID=${quote('lab e2e')}`,
    `CONFIG_ESPNOW_DEVICE_NAME=${quote(role)}`,
    'CONFIG_ESP_CONSOLE_UART_BAUDRATE=115200',
  ];
  return `${lines.join('\n')}\n`;
}

/** Packs one role's virtual build into `outDir` (an idf.py-style folder) and returns outDir. */
export function packBuild(chip: ChipKind, role: Role, mode: string, outDir: string, sdkconfigText = sdkconfig(role, mode)): string {
  if (!isChipKey(chip)) throw new Error(`no image target ${chip}`);
  writeVirtualBuild({ target: chip, sdkconfigText, wasm: readFileSync(WASM_FIRMWARE), outDir });
  return outDir;
}

/**
 * Packs one role's image set into `outDir` and writes it into `flash` at the offsets its
 * flasher_args.json lists, as esptool would.
 */
export function flashVirtualFirmware(flash: FlashStore, chip: ChipKind, role: Role, mode: string, outDir: string, sdkconfigText?: string): void {
  packBuild(chip, role, mode, outDir, sdkconfigText);
  const args = JSON.parse(readFileSync(join(outDir, 'flasher_args.json'), 'utf8')) as { flash_files: Record<string, string> };
  for (const [offset, file] of Object.entries(args.flash_files)) flash.write(Number(offset), readFileSync(join(outDir, file)));
  flash.flush();
}
