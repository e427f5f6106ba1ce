import { createHash } from 'node:crypto';

/** `esp_image_header_t.magic`. */
export const IMAGE_MAGIC = 0xe9;
/** ESP-IDF limits an image to 16 segments (ESP_IMAGE_MAX_SEGMENTS). */
const MAX_SEGMENTS = 16;
const HEADER_LENGTH = 24;
const SEGMENT_HEADER_LENGTH = 8;


export interface ImageSegment {
  readonly loadAddress: number;
  /** Offset of the segment's data from the image start (what the bootloader logs as paddr - image offset). */
  readonly dataOffset: number;
  readonly data: Uint8Array;
}

/** An app or bootloader image as the second-stage bootloader and ROM see it. */
export interface AppImage {
  readonly segmentCount: number;
  /** 0 QIO, 1 QOUT, 2 DIO, 3 DOUT. */
  readonly flashMode: number;
  /** Low nibble of header byte 3: 0 = 40 MHz, 1 = 26, 2 = 20, 0xf = 80. */
  readonly flashFreq: number;
  /** High nibble of header byte 3: 0 = 1 MB, 1 = 2 MB, 2 = 4 MB ... */
  readonly flashSize: number;
  readonly entry: number;
  readonly chipId: number;
  readonly minChipRevFull: number;
  readonly hashAppended: boolean;
  readonly segments: readonly ImageSegment[];
  /** Bytes from the image start through the checksum (and the SHA-256 when appended). */
  readonly length: number;
}

/** Why an image does not boot, with the message ESP-IDF's esp_image code logs for it. */
export class ImageError extends Error {
  override readonly name = 'ImageError';
  constructor(
    readonly reason: 'magic' | 'truncated' | 'segments' | 'chip' | 'checksum' | 'hash',
    message: string,
    /** The first word of the image, for the ROM's `invalid header: 0x...` line. */
    readonly firstWord = 0,
  ) {
    super(message);
  }
}

/**
 * Parses and verifies the image that starts at `offset` of `read` (a flash reader): header, extended
 * header chip id, segments, the XOR checksum and, when appended, the SHA-256 digest. Throws
 * {@link ImageError} with the reason a real loader would refuse it for.
 */
export function parseAppImage(
  read: (offset: number, length: number) => Uint8Array,
  offset: number,
  limit: number,
  expectChipId?: number,
): AppImage {
  const header = read(offset, HEADER_LENGTH);
  const view = new DataView(header.buffer, header.byteOffset, header.byteLength);
  const firstWord = view.getUint32(0, true);
  if (header[0] !== IMAGE_MAGIC) {
    throw new ImageError('magic', `image at 0x${offset.toString(16)} has invalid magic byte (nothing flashed here?)`, firstWord);
  }
  const segmentCount = header[1]!;
  if (segmentCount === 0 || segmentCount > MAX_SEGMENTS) {
    throw new ImageError('segments', `image at 0x${offset.toString(16)} has ${segmentCount} segments`, firstWord);
  }
  const chipId = view.getUint16(12, true);
  if (expectChipId !== undefined && chipId !== expectChipId) {
    throw new ImageError('chip', `mismatch chip ID, expected ${expectChipId}, found ${chipId}`, firstWord);
  }
  const segments: ImageSegment[] = [];
  let pos = HEADER_LENGTH;
  let checksum = 0xef;
  for (let i = 0; i < segmentCount; i++) {
    if (pos + SEGMENT_HEADER_LENGTH > limit) throw truncated(offset, firstWord);
    const sh = read(offset + pos, SEGMENT_HEADER_LENGTH);
    const sv = new DataView(sh.buffer, sh.byteOffset, sh.byteLength);
    const loadAddress = sv.getUint32(0, true);
    const length = sv.getUint32(4, true);
    pos += SEGMENT_HEADER_LENGTH;
    if (length > limit - pos) {
      throw new ImageError('segments', `Segment ${i} 0x${loadAddress.toString(16)}-0x${(loadAddress + length).toString(16)} data_len 0x${length.toString(16)} exceeds the image`, firstWord);
    }
    const data = read(offset + pos, length);
    for (const b of data) checksum ^= b;
    segments.push({ loadAddress, dataOffset: pos, data });
    pos += length;
  }
  // The checksum byte sits in the last byte of the next 16-byte boundary.
  const checksumAt = (pos | 15);
  if (checksumAt + 1 > limit) throw truncated(offset, firstWord);
  const stored = read(offset + checksumAt, 1)[0]!;
  if (stored !== checksum) {
    throw new ImageError('checksum', `Checksum failed. Calculated 0x${checksum.toString(16)} read 0x${stored.toString(16)}`, firstWord);
  }
  let length = checksumAt + 1;
  const hashAppended = header[23] === 1;
  if (hashAppended) {
    if (length + 32 > limit) throw truncated(offset, firstWord);
    const digest = createHash('sha256').update(read(offset, length)).digest();
    const storedHash = Buffer.from(read(offset + length, 32));
    if (!digest.equals(storedHash)) {
      throw new ImageError('hash', 'Image hash failed - image is corrupt', firstWord);
    }
    length += 32;
  }
  return {
    segmentCount,
    flashMode: header[2]!,
    flashFreq: header[3]! & 0x0f,
    flashSize: header[3]! >> 4,
    entry: view.getUint32(4, true),
    chipId,
    minChipRevFull: view.getUint16(15, true),
    hashAppended,
    segments,
    length,
  };
}

function truncated(offset: number, firstWord: number): ImageError {
  return new ImageError('truncated', `image at 0x${offset.toString(16)} runs past the end of its partition`, firstWord);
}

/** `SPI Mode` as the bootloader logs it. */
export const FLASH_MODE_NAMES = ['QIO', 'QOUT', 'DIO', 'DOUT'];

/** `SPI Speed` as the bootloader logs it. */
export function flashFreqName(code: number): string {
  return ({ 0: '40MHz', 1: '26.7MHz', 2: '20MHz', 0xf: '80MHz' } as Record<number, string>)[code] ?? '40MHz';
}

/** `SPI Flash Size` as the bootloader logs it. */
export function flashSizeName(code: number): string {
  return code <= 7 ? `${1 << code}MB` : '4MB';
}
