import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { defaultHostProgram } from '../../../extension/src/lab/boot/index';
import type { ChipKind, FlashStore } from '../../../extension/src/lab/chip/chip-program';

/**
 * The firmware's real host build and image packer, for lab tests that boot it. `npm run test:firmware`
 * builds the host program; tests skip with {@link missingHostFirmware} when it is absent.
 */
const REPO = resolve(__dirname, '../../..');
export const HOST_PROGRAM = defaultHostProgram();
const PACK = join(REPO, 'firmware/host/pack-image.mjs');

/** Why host-firmware tests cannot run here, or false. */
export const missingHostFirmware: string | false = (() => {
  const missing = [HOST_PROGRAM, PACK].filter((p) => !existsSync(p));
  return missing.length ? `missing ${missing.join(', ')}: run npm run test:firmware` : false;
})();

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
