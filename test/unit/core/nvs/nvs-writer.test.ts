import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nvsCrc32, readNvsPartition, writeNvsPartition, type NvsEntry } from '../../../../extension/src/core/nvs';
import { NVS_PAGE_ACTIVE, NVS_PAGE_FULL, NVS_PAGE_SIZE } from '../../../../extension/src/core/nvs/nvs-format';
import { REFERENCE_SIZE, referenceBinary, referenceEntries } from '../../../support/nvs/reference-fixture';

const pageOf = (image: Uint8Array, p: number) => image.subarray(p * NVS_PAGE_SIZE, (p + 1) * NVS_PAGE_SIZE);
const stateOf = (image: Uint8Array, p: number) => new DataView(image.buffer, image.byteOffset).getUint32(p * NVS_PAGE_SIZE, true);

test('CRC32 is the ROM crc32_le from 0xffffffff (Python zlib.crc32(data, 0xffffffff), as nvs_partition_gen.py computes it)', () => {
  assert.equal(nvsCrc32(Buffer.from('123456789')), 0xd202d277);
  assert.equal(nvsCrc32(Uint8Array.of(0)), 0xffffffff); // the empty string's data CRC in Espressif's reference image
  assert.equal(nvsCrc32(Buffer.from('6789'), nvsCrc32(Buffer.from('12345'))), 0xd202d277, 'continues over split data');
  const ref = referenceBinary();
  assert.equal(ref.readUInt32LE(28), nvsCrc32(ref.subarray(4, 28)), 'page header CRC of the reference');
  assert.equal(ref.readUInt32LE(64 + 4), nvsCrc32(ref.subarray(64 + 8, 64 + 32), nvsCrc32(ref.subarray(64, 68))), 'entry CRC of the reference');
});

test("the writer's pages match Espressif's nvs_partition_gen.py byte for byte for the same CSV (all int types, strings, multi-chunk blob, two namespaces)", () => {
  const ref = referenceBinary();
  const ours = writeNvsPartition(referenceEntries(), REFERENCE_SIZE);
  assert.equal(ours.length, ref.length);
  // Data on pages 0 and 1. Espressif's tool then initialises every further page but the last (all marked
  // full but one): ours leaves them erased, as ESP-IDF does, so the device keeps them as free pages.
  for (const p of [0, 1]) assert.deepEqual(pageOf(ours, p).subarray(4), pageOf(ref, p).subarray(4), `page ${p} after the state word`);
  assert.equal(stateOf(ours, 0), NVS_PAGE_FULL);
  assert.equal(stateOf(ours, 1), NVS_PAGE_ACTIVE);
  for (const p of [2, 3, 4, 5]) assert.ok(pageOf(ours, p).every((b) => b === 0xff), `page ${p} erased`);
  assert.ok(pageOf(ref, 5).every((b) => b === 0xff), 'the reference keeps its last page erased too');
});

test('the reader decodes the reference image into the values of its CSV, and our image into the same values', () => {
  const expected = referenceEntries();
  for (const [name, image] of [['reference', referenceBinary()], ['ours', writeNvsPartition(referenceEntries(), REFERENCE_SIZE)]] as const) {
    const { values, skipped } = readNvsPartition(image);
    assert.deepEqual(skipped, [], name);
    assert.deepEqual(values, expected, name);
  }
});

test('round trip: every integer at its limits, a UTF-8 string spanning entries, a blob in three chunks, an empty blob', () => {
  const big = new Uint8Array(9000).map((_, i) => (i * 7) & 0xff);
  const entries: NvsEntry[] = [
    { namespace: 'espnow_prov', key: 'role', type: 'u8', value: 1 },
    { namespace: 'espnow_prov', key: 'neg8', type: 'i8', value: -1 },
    { namespace: 'espnow_prov', key: 'u16', type: 'u16', value: 0xbeef },
    { namespace: 'espnow_prov', key: 'i16', type: 'i16', value: -12345 },
    { namespace: 'espnow_prov', key: 'u32', type: 'u32', value: 0xdeadbeef },
    { namespace: 'espnow_prov', key: 'i32', type: 'i32', value: -123456789 },
    { namespace: 'espnow_prov', key: 'u64', type: 'u64', value: 0xfedcba9876543210n },
    { namespace: 'espnow_prov', key: 'i64', type: 'i64', value: -(2n ** 62n) - 3n },
    { namespace: 'espnow_prov', key: 'ssid', type: 'string', value: 'Café ☕ '.repeat(12) },
    { namespace: 'other', key: 'big', type: 'blob', value: big },
    { namespace: 'other', key: 'none', type: 'blob', value: new Uint8Array() },
    { namespace: 'espnow_prov', key: 'pair_key', type: 'blob', value: new Uint8Array(32).fill(0xa5) },
  ];
  const image = writeNvsPartition(entries, 0x6000);
  const { values, skipped } = readNvsPartition(image);
  assert.deepEqual(skipped, []);
  assert.deepEqual(
    [...values].sort((a, b) => a.key.localeCompare(b.key)),
    [...entries].sort((a, b) => a.key.localeCompare(b.key)),
  );
  const ssid = image.indexOf(Buffer.from('Café'));
  assert.ok(ssid > 0 && image[ssid - 32 + 2] === Math.ceil((Buffer.byteLength(entries[8].value as string) + 1) / 32) + 1, 'string span = 1 + data entries');
  const blobIndexes = [...image.keys()].filter((o) => o % 32 === 0 && o >= 64 && image[o + 1] === 0x48 && image.toString('latin1', o + 8, o + 11) === 'big');
  assert.equal(blobIndexes.length, 1);
  assert.equal(image.readUInt32LE(blobIndexes[0] + 24), 9000);
  assert.equal(image[blobIndexes[0] + 28], 3, 'three chunks: the rest of page 0, all of page 1, the rest on page 2');
});

test('writer refuses bad input with messages that say what to change', () => {
  const one = (e: Partial<NvsEntry>, size = 0x3000) => () => writeNvsPartition([{ namespace: 'ns', key: 'k', type: 'u8', value: 1, ...e } as NvsEntry], size);
  assert.throws(one({ key: 'sixteen_chars_xx' }), /NVS key "sixteen_chars_xx" in namespace "ns" is 16 characters long; NVS allows at most 15/);
  assert.throws(one({ namespace: 'a_namespace_16ch' }), /NVS namespace "a_namespace_16ch" is 16 characters long/);
  assert.throws(one({ key: '' }), /NVS key in namespace "ns" is empty/);
  assert.throws(one({ key: 'has space' }), /printable ASCII/);
  assert.throws(one({ type: 'string', value: 'x'.repeat(4000) }), /NVS string "ns:k" is 4000 bytes \(4001 with its NUL\); NVS strings hold at most 4000 bytes/);
  assert.doesNotThrow(one({ type: 'string', value: 'x'.repeat(3999) }));
  assert.throws(one({ type: 'u8', value: 256 }), /"ns:k" = 256 does not fit u8 \(0\.\.255\)/);
  assert.throws(one({ type: 'i16', value: -32769 }), /does not fit i16/);
  assert.throws(one({ type: 'u64', value: 2 ** 60 }), /must be an integer/, 'unsafe numbers must be bigints');
  assert.throws(one({ type: 'blob', value: 'text' }), /must be bytes/);
  assert.throws(one({}, 0x2000), /NVS partition size 8192 is not a multiple of 4096 of at least 12288/);
  assert.throws(one({}, 0x3001), /not a multiple/);
  assert.throws(() => writeNvsPartition([{ namespace: 'ns', key: 'k', type: 'u8', value: 1 }, { namespace: 'ns', key: 'k', type: 'u8', value: 2 }], 0x3000), /NVS key "ns:k" is given twice/);
});

test('a full partition is refused with the bytes it would need', () => {
  const entries: NvsEntry[] = Array.from({ length: 3 }, (_, i) => ({ namespace: 'ns', key: `s${i}`, type: 'string', value: 'y'.repeat(3000) }));
  // 3 strings of 95 entries each: one page apiece, plus the free page = 4 pages; 0x3000 has 3.
  assert.throws(
    () => writeNvsPartition(entries, 0x3000),
    (e: Error & { kind?: string }) =>
      e.kind === 'config' && /^NVS partition of 12288 bytes cannot hold these 3 values: they take 3 pages of 4096 bytes and ESP-IDF keeps one more page free, so 16384 bytes are needed\.$/.test(e.message),
  );
  assert.equal(writeNvsPartition(entries, 0x4000).length, 0x4000);
  assert.throws(() => writeNvsPartition([{ namespace: 'ns', key: 'b', type: 'blob', value: new Uint8Array(8000) }], 0x3000), /cannot hold these 1 values: they take 3 pages/);
});

test('no entries: an all-erased partition, which ESP-IDF initialises itself', () => {
  const image = writeNvsPartition([], 0x3000);
  assert.ok(image.every((b) => b === 0xff));
  assert.deepEqual(readNvsPartition(image).values, []);
});
