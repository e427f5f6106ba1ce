import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readNvsPartition, writeNvsPartition, type NvsEntry } from '../../../../extension/src/core/nvs';
import { nvsEntryCrc, nvsHeaderCrc } from '../../../../extension/src/core/nvs/crc32';
import { NVS_PAGE_SIZE } from '../../../../extension/src/core/nvs/nvs-format';

const ENTRIES: NvsEntry[] = [
  { namespace: 'ns', key: 'a', type: 'u32', value: 1 },
  { namespace: 'ns', key: 's', type: 'string', value: 'x'.repeat(40) },
  { namespace: 'ns', key: 'b', type: 'blob', value: new Uint8Array(5000).fill(7) },
  { namespace: 'ns', key: 'z', type: 'u8', value: 9 },
];
const entryAt = (page: number, i: number) => page * NVS_PAGE_SIZE + 64 + i * 32;
/** Entries of ENTRIES on page 0: ns 0, a 1, s 2..4, b chunk 0 at 5..125; page 1: b chunk 1 at 0, index, z. */
const image = () => writeNvsPartition(ENTRIES, 0x4000);
const fixEntry = (img: Buffer, at: number) => img.writeUInt32LE(nvsEntryCrc(img.subarray(at, at + 32)), at + 4);
const values = (img: Buffer) => Object.fromEntries(readNvsPartition(img).values.map((v) => [v.key, v.value]));

test('of two good entries for one key the newer counts: higher page sequence, then later on the page; a corrupt newer one does not count', () => {
  const img = image();
  img.copy(img, 2 * NVS_PAGE_SIZE, 0, NVS_PAGE_SIZE); // page 2: a copy of page 0 ...
  img.writeUInt32LE(7, 2 * NVS_PAGE_SIZE + 4); // ... with sequence number 7 ...
  img.writeUInt32LE(nvsHeaderCrc(img.subarray(2 * NVS_PAGE_SIZE)), 2 * NVS_PAGE_SIZE + 28);
  img[entryAt(2, 1) + 24] = 2; // ... where a is 2
  fixEntry(img, entryAt(2, 1));
  assert.equal(values(img).a, 2);
  img[entryAt(2, 1) + 24] = 3; // CRC no longer matches: the older good entry counts again
  assert.equal(values(img).a, 1);
  assert.deepEqual(readNvsPartition(img).skipped, [{ page: 2, index: 1, reason: 'entry CRC mismatch' }]);

  const same = image(); // on one page: the later of two entries
  const free = readNvsPartition(same).pages[1].written;
  same.copy(same, entryAt(1, free), entryAt(0, 1), entryAt(0, 1) + 32);
  same[entryAt(1, free) + 24] = 4;
  fixEntry(same, entryAt(1, free));
  same[NVS_PAGE_SIZE + 32 + (free >> 2)] &= ~(1 << ((free & 3) * 2));
  assert.equal(values(same).a, 4);
});

test('pages and spans ESP-IDF would not read: bad header CRC, unknown state, data CRC, unwritten span, missing blob chunk', () => {
  let img = image();
  img[NVS_PAGE_SIZE + 4] ^= 1; // page 1's sequence number, header CRC now wrong
  let r = readNvsPartition(img);
  assert.equal(r.pages[1].state, 'corrupt');
  assert.deepEqual(Object.keys(values(img)), ['a', 's'], 'z (page 1) and b (its chunk 1 and index on page 1) are gone');

  img = image();
  img.writeUInt32LE(0xfffffff0, 0);
  assert.equal(readNvsPartition(img).pages[0].state, 'corrupt');

  img = image();
  img[entryAt(0, 3)] ^= 0xff; // string data
  r = readNvsPartition(img);
  assert.deepEqual(r.skipped, [{ page: 0, index: 2, reason: 'data CRC mismatch' }]);
  assert.deepEqual(Object.keys(values(img)), ['a', 'b', 'z']);

  img = image();
  img[32 + 1] |= 0b11 << 0; // entry 4 (last of s's span) back to empty
  assert.deepEqual(readNvsPartition(img).skipped, [{ page: 0, index: 2, reason: 'span of 3 entries not all written' }]);

  img = image();
  img[entryAt(1, 0) + 3] = 5; // chunk 1 renumbered 5 (CRC fixed): the index finds no chunk 1
  fixEntry(img, entryAt(1, 0));
  assert.deepEqual(readNvsPartition(img).skipped.map((s) => s.reason), ['blob chunk 1 of 2 missing (key "b")']);
  assert.equal(values(img).b, undefined);
});
