/**
 * The two blobs a virtual board's app image carries in DROM segments (docs/LAB-BOOT-AND-AIR.md): the
 * menuconfig values (what a real build compiles in) and the firmware itself as a WebAssembly module (what
 * a real image carries as code). Each is an 8-byte ASCII tag, a u32 little-endian length N, then N bytes,
 * so padding the segment to 4 bytes never changes the payload.
 */
export const VIRTUAL_BLOB_TAGS = { config: 'ESPNHCF1', wasm: 'ESPNWASM' } as const;
export type VirtualBlobKind = keyof typeof VIRTUAL_BLOB_TAGS;

const HEAD = 12;

export function encodeVirtualBlob(kind: VirtualBlobKind, body: Uint8Array): Buffer {
  const head = Buffer.alloc(HEAD);
  head.write(VIRTUAL_BLOB_TAGS[kind], 0, 'latin1');
  head.writeUInt32LE(body.length, 8);
  return Buffer.concat([head, body]);
}

/**
 * Finds the blob of `kind` among an image's segments. Undefined when absent; 'truncated' when a segment
 * carries the tag but fewer bytes than its length says (a corrupt or hand-made image).
 */
export function findVirtualBlob(segments: readonly { readonly data: Uint8Array }[], kind: VirtualBlobKind): Uint8Array | 'truncated' | undefined {
  const tag = Buffer.from(VIRTUAL_BLOB_TAGS[kind], 'latin1');
  for (const { data } of segments) {
    if (data.length < HEAD || !Buffer.from(data.subarray(0, 8)).equals(tag)) continue;
    const n = new DataView(data.buffer, data.byteOffset, data.byteLength).getUint32(8, true);
    return HEAD + n > data.length ? 'truncated' : data.slice(HEAD, HEAD + n);
  }
  return undefined;
}
