import { createHash } from 'node:crypto';
import { appDescriptor } from '../../../extension/src/core/build/image/esp-image-writer';
import { partitionTable } from '../../../extension/src/core/build/image/partition-table-writer';
import { encodeVirtualBlob } from '../../../extension/src/core/build/image/virtual-app-blobs';

/**
 * Builds ESP-IDF-shaped flash contents for tests, written from the format descriptions (esptool's image
 * format notes, gen_esp32part's table layout), not from either tool's code. The descriptor and the config
 * blob come from the virtual build's writer; images and tables are built here because the boot tests need
 * what that writer refuses to make: any chip id or entry, unpadded segments, OTA subtypes, no MD5.
 */
export interface SegmentSpec {
  readonly addr: number;
  readonly data: Uint8Array;
}

export interface ImageSpec {
  readonly chipId: number;
  readonly segments: readonly SegmentSpec[];
  readonly entry?: number;
  readonly flashMode?: number;
  readonly flashFreq?: number;
  readonly flashSize?: number;
  readonly hashAppended?: boolean;
}

/** An image: 24-byte header (extended header included), segments, XOR checksum at a 16-byte boundary, SHA-256. */
export function buildImage(spec: ImageSpec): Uint8Array {
  const parts: Buffer[] = [];
  const header = Buffer.alloc(24);
  header[0] = 0xe9;
  header[1] = spec.segments.length;
  header[2] = spec.flashMode ?? 2;
  header[3] = ((spec.flashSize ?? 2) << 4) | (spec.flashFreq ?? 0);
  header.writeUInt32LE(spec.entry ?? 0x40080000, 4);
  header[8] = 0xee;
  header.writeUInt16LE(spec.chipId, 12);
  header[23] = spec.hashAppended === false ? 0 : 1;
  parts.push(header);
  let checksum = 0xef;
  for (const s of spec.segments) {
    const sh = Buffer.alloc(8);
    sh.writeUInt32LE(s.addr, 0);
    sh.writeUInt32LE(s.data.length, 4);
    parts.push(sh, Buffer.from(s.data));
    for (const b of s.data) checksum ^= b;
  }
  let body = Buffer.concat(parts);
  const pad = 15 - (body.length % 16);
  body = Buffer.concat([body, Buffer.alloc(pad), Buffer.of(checksum)]);
  if (spec.hashAppended !== false) body = Buffer.concat([body, createHash('sha256').update(body).digest()]);
  return new Uint8Array(body);
}

/** `esp_app_desc_t` (256 bytes). */
export function appDesc(o: { projectName: string; version?: string; idfVer?: string; date?: string; time?: string }): Uint8Array {
  return new Uint8Array(
    appDescriptor({
      projectName: o.projectName,
      version: o.version ?? '1.0.0',
      idfVer: o.idfVer ?? 'v5.3.1',
      date: o.date ?? 'Nov 23 2026',
      time: o.time ?? '12:00:00',
      elfSha256: Buffer.alloc(32, 0xab),
    }),
  );
}

/** A virtual build's config segment: `ESPNHCF1`, u32 LE length, sdkconfig text, padded to 4 bytes. */
export function configSegment(text: string): Uint8Array {
  const all = encodeVirtualBlob('config', Buffer.from(text, 'utf8'));
  return new Uint8Array(Buffer.concat([all, Buffer.alloc((4 - (all.length % 4)) % 4)]));
}

/** Chip facts the builder needs: image chip id, bootloader offset, a plausible bootloader load map. */
export const CHIPS = {
  esp32: { chipId: 0, bootloaderOffset: 0x1000, bl: [0x3fff0030, 0x40078000, 0x40080400], drom: 0x3f400020, irom: 0x400d0020, dram: 0x3ffb0000 },
  esp32s3: { chipId: 9, bootloaderOffset: 0, bl: [0x3fce3818, 0x403c9700, 0x403cc700], drom: 0x3c020020, irom: 0x42000020, dram: 0x3fc90000 },
  esp32c3: { chipId: 5, bootloaderOffset: 0, bl: [0x3fcd5820, 0x403cc710, 0x403ce710], drom: 0x3c020020, irom: 0x42000020, dram: 0x3fc80000 },
} as const;

export type ChipName = keyof typeof CHIPS;

/** A small second-stage bootloader image for `chip`. */
export function bootloaderImage(chip: ChipName): Uint8Array {
  const c = CHIPS[chip];
  return buildImage({
    chipId: c.chipId,
    entry: c.bl[1] + 0x1c4,
    hashAppended: false,
    segments: c.bl.map((addr, i) => ({ addr, data: new Uint8Array(64 * (i + 1)).fill(i + 1) })),
  });
}

/** An app image whose first segment starts with the app descriptor, optionally with a config blob segment. */
export function appImage(chip: ChipName, o: { projectName: string; config?: string; chipId?: number }): Uint8Array {
  const c = CHIPS[chip];
  const segments: SegmentSpec[] = [{ addr: c.drom, data: Uint8Array.from([...appDesc({ projectName: o.projectName }), ...new Uint8Array(64)]) }];
  if (o.config !== undefined) segments.push({ addr: c.drom + 0x10000, data: configSegment(o.config) });
  segments.push({ addr: c.dram, data: new Uint8Array(128).fill(0x5a) });
  segments.push({ addr: c.irom, data: new Uint8Array(256).fill(0x3c) });
  return buildImage({ chipId: o.chipId ?? c.chipId, entry: c.irom + 0x100, segments });
}

/** Writes bootloader, partition table and app where an idf.py build's flasher_args.json would put them. */
export function writeFirmware(
  flash: { write(offset: number, data: Uint8Array): void },
  chip: ChipName,
  app: Uint8Array,
  table: Uint8Array = partitionTable(),
): void {
  flash.write(CHIPS[chip].bootloaderOffset, bootloaderImage(chip));
  flash.write(0x8000, table);
  flash.write(0x10000, app);
}
