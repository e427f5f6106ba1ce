import type { AppImage } from './app-image';

/** `esp_app_desc_t.magic_word`. */
export const APP_DESC_MAGIC = 0xabcd5432;
/** The fields of `esp_app_desc_t` the boot log shows. */
export interface AppDescription {
  readonly secureVersion: number;
  readonly version: string;
  readonly projectName: string;
  readonly time: string;
  readonly date: string;
  readonly idfVersion: string;
  /** Hex of app_elf_sha256 (32 bytes). */
  readonly elfSha256: string;
}

function cString(bytes: Uint8Array, start: number, length: number): string {
  const field = Buffer.from(bytes.subarray(start, start + length));
  const end = field.indexOf(0);
  return field.subarray(0, end < 0 ? length : end).toString('utf8');
}

/**
 * Reads the app descriptor at the start of the first segment (where ESP-IDF's linker script puts it).
 * Returns undefined when the magic is absent: an image without one still boots, it just says less.
 */
export function readAppDescription(image: AppImage): AppDescription | undefined {
  const seg = image.segments[0]?.data;
  if (!seg || seg.length < 176) return undefined;
  const view = new DataView(seg.buffer, seg.byteOffset, seg.byteLength);
  if (view.getUint32(0, true) !== APP_DESC_MAGIC) return undefined;
  return {
    secureVersion: view.getUint32(4, true),
    version: cString(seg, 16, 32),
    projectName: cString(seg, 48, 32),
    time: cString(seg, 80, 16),
    date: cString(seg, 96, 16),
    idfVersion: cString(seg, 112, 32),
    elfSha256: Buffer.from(seg.subarray(144, 176)).toString('hex'),
  };
}

/** Reads `CONFIG_NAME=value` from sdkconfig text (numbers only; used for the console baud). */
export function sdkconfigNumber(text: string, name: string): number | undefined {
  const m = new RegExp(`^${name}=(\\d+)\\s*$`, 'm').exec(text);
  return m ? Number(m[1]) : undefined;
}
