import { createHash } from 'node:crypto';
import { CHIPS, type ChipKey } from '../../chips/chips';

/**
 * Writes ESP images (esptool's "firmware image format"): a 24-byte header with the extended header,
 * segments, the XOR checksum in the last byte of a 16-byte-aligned block, then a SHA-256 of all of it.
 */
export const IMAGE_MAGIC = 0xe9;
export const APP_DESC_MAGIC = 0xabcd5432;

const FLASH_MODES = { qio: 0, qout: 1, dio: 2, dout: 3 } as const;
const FLASH_FREQS = { '40m': 0x0, '26m': 0x1, '20m': 0x2, '80m': 0xf } as const;
export const FLASH_SIZES = { '1MB': 0, '2MB': 1, '4MB': 2, '8MB': 3, '16MB': 4 } as const;
export type FlashSize = keyof typeof FLASH_SIZES;

/** A segment's load address, or 'drom': placed so file offset and address agree modulo the 64 KiB MMU page. */
export interface SegmentInput {
  readonly load: number | 'drom';
  readonly data: Uint8Array;
}

const pad4 = (b: Buffer): Buffer => (b.length % 4 ? Buffer.concat([b, Buffer.alloc(4 - (b.length % 4))]) : b);

/** A fixed-size, zero-padded C string field. */
function cField(text: string, size: number): Buffer {
  const b = Buffer.alloc(size);
  const src = Buffer.from(text, 'utf8');
  if (src.length >= size) throw new Error(`"${text}" does not fit a ${size}-byte field`);
  src.copy(b);
  return b;
}

export interface AppDescriptorInput {
  readonly version: string;
  readonly projectName: string;
  readonly idfVer: string;
  readonly time: string;
  readonly date: string;
  readonly elfSha256: Uint8Array;
}

/**
 * esp_app_desc_t (256 bytes, esp_app_desc.h): magic, secure_version, reserv1[2], version[32],
 * project_name[32], time[16], date[16], idf_ver[32], app_elf_sha256[32], then reserved (zero).
 */
export function appDescriptor(d: AppDescriptorInput): Buffer {
  const b = Buffer.alloc(256);
  b.writeUInt32LE(APP_DESC_MAGIC, 0);
  cField(d.version, 32).copy(b, 16);
  cField(d.projectName, 32).copy(b, 48);
  cField(d.time, 16).copy(b, 80);
  cField(d.date, 16).copy(b, 96);
  cField(d.idfVer, 32).copy(b, 112);
  Buffer.from(d.elfSha256).copy(b, 144, 0, 32);
  return b;
}

export interface ImageInput {
  readonly target: ChipKey;
  readonly segments: readonly SegmentInput[];
  readonly flashMode?: keyof typeof FLASH_MODES;
  readonly flashFreq?: keyof typeof FLASH_FREQS;
  readonly flashSize?: FlashSize;
  readonly hashAppended?: boolean;
}

/** Builds an image a real ROM / second-stage bootloader would accept for the target. */
export function buildImage(o: ImageInput): Buffer {
  const t = CHIPS[o.target];
  const header = Buffer.alloc(24);
  header[0] = IMAGE_MAGIC;
  header[1] = o.segments.length;
  header[2] = FLASH_MODES[o.flashMode ?? 'dio'];
  header[3] = (FLASH_SIZES[o.flashSize ?? '2MB'] << 4) | FLASH_FREQS[o.flashFreq ?? t.flashFreq];
  header.writeUInt32LE(t.entry, 4);
  header[8] = 0xee; // wp_pin: not used
  header.writeUInt16LE(t.imageChipId, 12);
  header[14] = 0; // min_chip_rev
  header.writeUInt16LE(0, 15); // min_chip_rev_full
  header.writeUInt16LE(0xffff, 17); // max_chip_rev_full: any
  const hashAppended = o.hashAppended ?? true;
  header[23] = hashAppended ? 1 : 0;

  const parts: Buffer[] = [header];
  let pos = header.length;
  let checksum = 0xef;
  for (const seg of o.segments) {
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
  parts.push(Buffer.alloc(15 - (pos % 16)), Buffer.from([checksum]));
  const image = Buffer.concat(parts);
  return hashAppended ? Buffer.concat([image, createHash('sha256').update(image).digest()]) : image;
}
