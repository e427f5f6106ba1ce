/**
 * CRC32 as ESP-IDF's NVS computes it: the ROM's esp_rom_crc32_le(0xffffffff, data, len), the reflected
 * polynomial 0xedb88320 with the ROM's own inversion on entry and exit. Starting from 0xffffffff makes the
 * register start at 0, so the result is NOT the usual zlib CRC32 of the same bytes; it is what Python's
 * zlib.crc32(data, 0xffffffff) gives, which is how Espressif's nvs_partition_gen.py computes it.
 */
const TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** crc32_le(crc, data): pass the previous result as `crc` to continue over more bytes. */
export function nvsCrc32(data: Uint8Array, crc = 0xffffffff): number {
  let c = ~crc >>> 0;
  for (let i = 0; i < data.length; i++) c = TABLE[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

/** The CRC an entry carries: bytes 0..3 (ns, type, span, chunk) and 8..31 (key, data), skipping the CRC. */
export function nvsEntryCrc(entry: Uint8Array): number {
  return nvsCrc32(entry.subarray(8, 32), nvsCrc32(entry.subarray(0, 4)));
}

/** The CRC a page header carries: bytes 4..27 (sequence number, version, reserved). */
export function nvsHeaderCrc(header: Uint8Array): number {
  return nvsCrc32(header.subarray(4, 28));
}
