// ESP image format (esptool "firmware image format"): 24-byte header with extended header, segments,
// XOR checksum in the last byte of a 16-byte-aligned block, then optionally a SHA-256 of all of it.
import { createHash } from 'node:crypto';

export const IMAGE_MAGIC = 0xe9;
export const APP_DESC_MAGIC = 0xabcd5432;
export const CONFIG_TAG = 'ESPNHCF1';

/** Per-target facts: esp_chip_id_t, where DROM maps, a plausible entry, bootloader offset, flash defaults. */
export const TARGETS = {
  esp32: { chipId: 0x0000, drom: 0x3f400000, dram: 0x3ffe0000, entry: 0x40080400, bootloaderOffset: 0x1000, flashFreq: '40m' },
  esp32s3: { chipId: 0x0009, drom: 0x3c000000, dram: 0x3fc90000, entry: 0x40375000, bootloaderOffset: 0x0, flashFreq: '80m' },
  esp32c3: { chipId: 0x0005, drom: 0x3c000000, dram: 0x3fc80000, entry: 0x40380000, bootloaderOffset: 0x0, flashFreq: '80m' },
};

const FLASH_MODES = { qio: 0, qout: 1, dio: 2, dout: 3 };
const FLASH_FREQS = { '40m': 0x0, '26m': 0x1, '20m': 0x2, '80m': 0xf };
const FLASH_SIZES = { '1MB': 0, '2MB': 1, '4MB': 2, '8MB': 3, '16MB': 4 };

const pad4 = (buf) => (buf.length % 4 ? Buffer.concat([buf, Buffer.alloc(4 - (buf.length % 4))]) : buf);

/** A fixed-size, zero-padded C string field. */
function cField(text, size) {
  const b = Buffer.alloc(size);
  const src = Buffer.from(text, 'utf8');
  if (src.length >= size) throw new Error(`"${text}" does not fit a ${size}-byte field`);
  src.copy(b);
  return b;
}

/**
 * esp_app_desc_t (256 bytes, esp_app_desc.h): magic, secure_version, reserv1[2], version[32],
 * project_name[32], time[16], date[16], idf_ver[32], app_elf_sha256[32], then reserved (zero).
 */
export function appDescriptor({ version, projectName, idfVer, time, date, elfSha256 }) {
  const d = Buffer.alloc(256);
  d.writeUInt32LE(APP_DESC_MAGIC, 0);
  cField(version, 32).copy(d, 16);
  cField(projectName, 32).copy(d, 48);
  cField(time, 16).copy(d, 80);
  cField(date, 16).copy(d, 96);
  cField(idfVer, 32).copy(d, 112);
  elfSha256.copy(d, 144, 0, 32);
  return d;
}

/** The lab's config blob (docs/LAB-LINK.md): "ESPNHCF1", u32 LE length, the sdkconfig text. */
export function configBlob(text) {
  const body = Buffer.from(text, 'utf8');
  const head = Buffer.alloc(12);
  head.write(CONFIG_TAG, 0, 'latin1');
  head.writeUInt32LE(body.length, 8);
  return Buffer.concat([head, body]);
}

/**
 * Builds an image. segments: [{ load, data }] (data padded to 4 bytes here). When `load` is 'drom',
 * the address is chosen so the data's file offset and address agree modulo the 64 KiB MMU page,
 * as esptool's elf2image arranges for flash-mapped segments.
 */
export function buildImage({ target, segments, flashMode = 'dio', flashFreq, flashSize = '2MB', hashAppended = true }) {
  const t = TARGETS[target];
  if (!t) throw new Error(`unknown target ${target}`);
  const header = Buffer.alloc(24);
  header[0] = IMAGE_MAGIC;
  header[1] = segments.length;
  header[2] = FLASH_MODES[flashMode];
  header[3] = (FLASH_SIZES[flashSize] << 4) | FLASH_FREQS[flashFreq ?? t.flashFreq];
  header.writeUInt32LE(t.entry, 4);
  header[8] = 0xee; // wp_pin: not used
  header.writeUInt16LE(t.chipId, 12);
  header[14] = 0; // min_chip_rev
  header.writeUInt16LE(0, 15); // min_chip_rev_full
  header.writeUInt16LE(0xffff, 17); // max_chip_rev_full: any
  header[23] = hashAppended ? 1 : 0;

  const parts = [header];
  let pos = header.length;
  let checksum = 0xef;
  for (const seg of segments) {
    const data = pad4(Buffer.from(seg.data));
    pos += 8;
    const load = seg.load === 'drom' ? t.drom + pos : seg.load;
    const sh = Buffer.alloc(8);
    sh.writeUInt32LE(load >>> 0, 0);
    sh.writeUInt32LE(data.length, 4);
    parts.push(sh, data);
    for (const b of data) checksum ^= b;
    pos += data.length;
  }
  const padding = 15 - (pos % 16);
  parts.push(Buffer.alloc(padding), Buffer.from([checksum]));
  let image = Buffer.concat(parts);
  if (hashAppended) image = Buffer.concat([image, createHash('sha256').update(image).digest()]);
  return image;
}
