import { nvsEntryCrc } from './crc32';
import {
  NVS_BLOB_MAX_CHUNKS,
  NVS_CHUNK_ANY,
  NVS_ENTRY_COUNT,
  NVS_ENTRY_SIZE,
  NVS_KEY_FIELD_SIZE,
  NVS_TYPE_CODES,
  integerTypeOfCode,
  spanOf,
} from './nvs-format';

/** The fields of one 32-byte entry ("Item" in ESP-IDF). `data` is the raw 8-byte data field. */
export interface NvsItem {
  nsIndex: number;
  typeCode: number;
  span: number;
  chunkIndex: number;
  crc: number;
  key: string;
  data: Uint8Array;
}

/** Builds an entry: key zero-padded to 16 bytes, the CRC computed over the rest. */
export function buildItem(nsIndex: number, typeCode: number, span: number, chunkIndex: number, key: string, data: Uint8Array): Uint8Array {
  const e = new Uint8Array(NVS_ENTRY_SIZE).fill(0xff);
  e[0] = nsIndex;
  e[1] = typeCode;
  e[2] = span;
  e[3] = chunkIndex;
  e.fill(0, 8, 8 + NVS_KEY_FIELD_SIZE);
  e.set(Buffer.from(key, 'utf8'), 8);
  e.set(data.subarray(0, 8), 24);
  new DataView(e.buffer).setUint32(4, nvsEntryCrc(e), true);
  return e;
}

/** The data field of a string or blob chunk header: size u16, 0xffff reserved, CRC32 of the data. */
export function varLengthData(size: number, dataCrc: number): Uint8Array {
  const d = new Uint8Array(8).fill(0xff);
  const v = new DataView(d.buffer);
  v.setUint16(0, size, true);
  v.setUint32(4, dataCrc, true);
  return d;
}

/** The data field of a blob index: total size u32, chunk count u8, first chunk index u8, 0xffff. */
export function blobIndexData(size: number, chunkCount: number, chunkStart: number): Uint8Array {
  const d = new Uint8Array(8).fill(0xff);
  const v = new DataView(d.buffer);
  v.setUint32(0, size, true);
  d[4] = chunkCount;
  d[5] = chunkStart;
  return d;
}

export function parseItem(e: Uint8Array): NvsItem {
  const v = new DataView(e.buffer, e.byteOffset, e.byteLength);
  const keyField = e.subarray(8, 8 + NVS_KEY_FIELD_SIZE);
  const nul = keyField.indexOf(0);
  // ESP-IDF compares keys with strncmp over 15 bytes: a key field without a NUL is its first 15 bytes.
  const key = Buffer.from(keyField.subarray(0, nul >= 0 && nul < 15 ? nul : 15)).toString('latin1');
  return { nsIndex: e[0], typeCode: e[1], span: e[2], chunkIndex: e[3], crc: v.getUint32(4, true), key, data: e.slice(24, 32) };
}

export const isVarLengthCode = (code: number): boolean =>
  code === NVS_TYPE_CODES.string || code === NVS_TYPE_CODES.blobV1 || code === NVS_TYPE_CODES.blobData;

/** Size field of a string or blob chunk header. */
export const varLengthSize = (item: NvsItem): number => item.data[0] | (item.data[1] << 8);

/**
 * Why ESP-IDF would refuse this entry at position `index` of its page (Item::checkHeaderConsistency), or
 * undefined if it accepts it: the CRC, a known type, and a span and size that stay inside the page.
 */
export function itemInconsistency(raw: Uint8Array, item: NvsItem, index: number): string | undefined {
  if (item.crc !== nvsEntryCrc(raw)) return 'entry CRC mismatch';
  const code = item.typeCode;
  if (integerTypeOfCode(code)) return item.span === 1 ? undefined : `span ${item.span} on an integer`;
  if (code === NVS_TYPE_CODES.blobIndex) {
    if (item.span !== 1) return `span ${item.span} on a blob index`;
    if (item.chunkIndex !== NVS_CHUNK_ANY) return `chunk index ${item.chunkIndex} on a blob index`;
    const size = new DataView(item.data.buffer, item.data.byteOffset).getUint32(0, true);
    return size > NVS_BLOB_MAX_CHUNKS * (NVS_ENTRY_COUNT - 1) * NVS_ENTRY_SIZE ? `blob index size ${size} too large` : undefined;
  }
  if (isVarLengthCode(code)) {
    if (code === NVS_TYPE_CODES.blobData && item.chunkIndex === NVS_CHUNK_ANY) return 'blob data without a chunk index';
    const size = varLengthSize(item);
    if (size > (NVS_ENTRY_COUNT - index - 1) * NVS_ENTRY_SIZE) return `data size ${size} runs past the page`;
    if (item.span > NVS_ENTRY_COUNT - index) return `span ${item.span} runs past the page`;
    return item.span === spanOf(size) ? undefined : `span ${item.span} does not match data size ${size}`;
  }
  return `unknown type 0x${code.toString(16).padStart(2, '0')}`;
}
