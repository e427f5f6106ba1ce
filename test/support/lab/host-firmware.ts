import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { defaultHostProgram } from '../../../extension/src/lab/boot/index';
import type { ChipKind, FlashStore } from '../../../extension/src/lab/chip/chip-program';

/**
 * The firmware's real host build and image packer, for lab tests that boot it. `npm run test:firmware`
 * builds the host program; importing this module builds it when it is missing.
 */
const REPO = resolve(__dirname, '../../..');
export const HOST_PROGRAM = defaultHostProgram();
const PACK = join(REPO, 'firmware/host/pack-image.mjs');

/**
 * Builds the host program when it is missing (a fresh clone running only the e2e tests), so tests that
 * need the real firmware run instead of being skipped. A build that fails fails the test file.
 */
export function ensureHostFirmware(): void {
  if (!existsSync(PACK)) throw new Error(`${PACK} is missing: the firmware's image packer is part of the repository.`);
  if (existsSync(HOST_PROGRAM)) return;
  const r = spawnSync('make', ['-C', join(REPO, 'firmware/host'), '-s', '-j2'], { encoding: 'utf8' });
  if (r.status !== 0 || !existsSync(HOST_PROGRAM)) {
    throw new Error(`Building the firmware host program failed (make -C firmware/host):\n${r.stdout}${r.stderr}`);
  }
}
ensureHostFirmware();

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

/**
 * Packs one role's image set with the firmware's pack-image.mjs into `outDir` and writes it into `flash`
 * at the offsets its flasher_args.json lists, as esptool would.
 */
export async function flashHostFirmware(flash: FlashStore, chip: ChipKind, role: Role, mode: string, outDir: string): Promise<void> {
  const { pack } = (await import(pathToFileURL(PACK).href)) as {
    pack(o: { target: string; sdkconfigText: string; outDir: string }): unknown;
  };
  pack({ target: chip, sdkconfigText: sdkconfig(role, mode), outDir });
  const args = JSON.parse(readFileSync(join(outDir, 'flasher_args.json'), 'utf8')) as { flash_files: Record<string, string> };
  for (const [offset, file] of Object.entries(args.flash_files)) flash.write(Number(offset), readFileSync(join(outDir, file)));
  flash.flush();
}
