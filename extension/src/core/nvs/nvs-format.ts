/**
 * ESP-IDF's NVS format, version 2 (the layout of components/nvs_flash: nvs_page.hpp, nvs_types.hpp,
 * nvs_constants.h, and the "NVS Flash" API reference). One flash sector is one page:
 *
 *   0    page header (32): state u32, sequence number u32, version u8 (0xfe), 19 reserved 0xff, CRC32 u32
 *   32   entry state bitmap (32): 2 bits per entry, LSB first; 0b11 empty, 0b10 written, 0b00 erased
 *   64   126 entries of 32 bytes: nsIndex u8, type u8, span u8, chunkIndex u8, CRC32 u32, key[16], data[8]
 *
 * Every number is little-endian; bytes never written stay 0xff, as flash reads after an erase.
 */

export const NVS_PAGE_SIZE = 4096;
export const NVS_ENTRY_SIZE = 32;
export const NVS_ENTRY_COUNT = 126;
export const NVS_HEADER_SIZE = 32;
export const NVS_BITMAP_OFFSET = 32;
export const NVS_FIRST_ENTRY_OFFSET = 64;

/** Format version 2 (multi-page blobs); version 1 pages say 0xff. */
export const NVS_VERSION_2 = 0xfe;
export const NVS_VERSION_1 = 0xff;

/** Page states: bits are cleared one by one as a page goes from erased to active, full, freeing. */
export const NVS_PAGE_UNINITIALIZED = 0xffffffff;
export const NVS_PAGE_ACTIVE = 0xfffffffe;
export const NVS_PAGE_FULL = 0xfffffffc;
export const NVS_PAGE_FREEING = 0xfffffff8;

export const NVS_ENTRY_EMPTY = 0b11;
export const NVS_ENTRY_WRITTEN = 0b10;
export const NVS_ENTRY_ERASED = 0b00;

/** Entry field offsets. */
export const NVS_ENTRY_NS = 0;
export const NVS_ENTRY_TYPE = 1;
export const NVS_ENTRY_SPAN = 2;
export const NVS_ENTRY_CHUNK = 3;
export const NVS_ENTRY_CRC = 4;
export const NVS_ENTRY_KEY = 8;
export const NVS_ENTRY_DATA = 24;
export const NVS_KEY_FIELD_SIZE = 16;

/** Keys and namespace names: at most 15 characters (the 16-byte field keeps a NUL). */
export const NVS_KEY_MAX = 15;
/** Strings, NUL included (NVS_CONST_STR_LEN_MAX_SIZE: 125 entries of 32 bytes). */
export const NVS_STRING_MAX = 4000;
/** Namespace entries live in namespace 0; user namespaces get 1..254 (255 means "any"). */
export const NVS_NAMESPACE_INDEX = 0;
export const NVS_NAMESPACE_MAX = 254;
/** chunkIndex of every entry that is not a blob data chunk. */
export const NVS_CHUNK_ANY = 0xff;
/** Blob chunks of one version take chunk indexes 0..126 (the version bit 0x80 marks the other half). */
export const NVS_BLOB_MAX_CHUNKS = 127;

/** Item type codes (ItemType in nvs_handle.hpp): low nibble the width, 0x10 the sign. */
export const NVS_TYPE_CODES = {
  u8: 0x01,
  i8: 0x11,
  u16: 0x02,
  i16: 0x12,
  u32: 0x04,
  i32: 0x14,
  u64: 0x08,
  i64: 0x18,
  string: 0x21,
  blobV1: 0x41,
  blobData: 0x42,
  blobIndex: 0x48,
} as const;

export type NvsIntegerType = 'u8' | 'i8' | 'u16' | 'i16' | 'u32' | 'i32' | 'u64' | 'i64';
/** The value types a caller writes and a reader returns (a blob is one value however it is chunked). */
export type NvsType = NvsIntegerType | 'string' | 'blob';

export const NVS_INTEGER_TYPES: readonly NvsIntegerType[] = ['u8', 'i8', 'u16', 'i16', 'u32', 'i32', 'u64', 'i64'];

export function isIntegerType(t: string): t is NvsIntegerType {
  return (NVS_INTEGER_TYPES as readonly string[]).includes(t);
}

/** Bytes an integer type occupies in the entry's data field. */
export function integerWidth(t: NvsIntegerType): number {
  return NVS_TYPE_CODES[t] & 0x0f;
}

export function integerIsSigned(t: NvsIntegerType): boolean {
  return (NVS_TYPE_CODES[t] & 0x10) !== 0;
}

/** The integer type of a type code, or undefined. */
export function integerTypeOfCode(code: number): NvsIntegerType | undefined {
  return NVS_INTEGER_TYPES.find((t) => NVS_TYPE_CODES[t] === code);
}

/** Entries a variable-length value of n bytes takes: its header entry plus the data rounded up. */
export function spanOf(dataSize: number): number {
  return 1 + Math.ceil(dataSize / NVS_ENTRY_SIZE);
}
