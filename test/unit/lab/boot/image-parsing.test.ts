import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ImageError, parseAppImage } from '../../../../extension/src/lab/boot/app-image';
import { readAppDescription } from '../../../../extension/src/lab/boot/app-desc';
import { findVirtualBlob } from '../../../../extension/src/core/build/image/virtual-app-blobs';
import { parsePartitionTable, PartitionTableError, selectBootPartition } from '../../../../extension/src/core/build/image/partition-table-reader';
import { appImage, buildImage } from '../../../support/lab/image-builder';
import { partitionTable, SINGLE_FACTORY } from '../../../../extension/src/core/build/image/partition-table-writer';

const reader = (bytes: Uint8Array) => (o: number, n: number) => {
  const out = new Uint8Array(n).fill(0xff);
  out.set(bytes.subarray(o, o + n));
  return out;
};

test('partition table: entries, labels, MD5 verified, factory chosen', () => {
  const parts = parsePartitionTable(partitionTable(SINGLE_FACTORY));
  assert.deepEqual(parts.map((p) => [p.label, p.type, p.subtype, p.offset, p.size]), [
    ['nvs', 1, 2, 0x9000, 0x6000],
    ['phy_init', 1, 1, 0xf000, 0x1000],
    ['factory', 0, 0, 0x10000, 0x100000],
  ]);
  assert.equal(selectBootPartition(parts)?.partition.label, 'factory');
  const noMd5 = parsePartitionTable(partitionTable(SINGLE_FACTORY, { md5: false }));
  assert.equal(noMd5.length, 3, 'a table without MD5 entry is accepted (CONFIG_PARTITION_TABLE_MD5=n)');
});

test('partition table: corrupt MD5, bad magic, erased, OTA-only', () => {
  const t = partitionTable(SINGLE_FACTORY);
  t[40] ^= 1; // inside the second entry: the MD5 no longer matches
  assert.throws(() => parsePartitionTable(t), (e: unknown) => e instanceof PartitionTableError && /Incorrect MD5/.test(e.message));
  const bad = partitionTable(SINGLE_FACTORY);
  bad[32] = 0x12;
  assert.throws(() => parsePartitionTable(bad), /invalid magic number 0x5012/);
  assert.throws(() => parsePartitionTable(new Uint8Array(0xc00).fill(0xff)), /invalid magic number 0xffff/);
  const ota = parsePartitionTable(partitionTable([{ label: 'ota_0', type: 0, subtype: 0x10, offset: 0x20000, size: 0x100000 }]));
  assert.equal(selectBootPartition(ota)?.note, 'No factory image, trying OTA 0');
  assert.equal(selectBootPartition(parsePartitionTable(partitionTable([SINGLE_FACTORY[0]!]))), undefined);
});

test('app image: segments, checksum, SHA-256, app descriptor and config blob', () => {
  const bytes = appImage('esp32s3', { projectName: 'espnow_prov', config: 'CONFIG_A=1\n' });
  const img = parseAppImage(reader(bytes), 0, bytes.length, 9);
  assert.equal(img.segmentCount, 4);
  assert.equal(img.chipId, 9);
  assert.equal(img.hashAppended, true);
  assert.equal(img.length, bytes.length);
  assert.equal(img.segments[0]!.dataOffset, 32);
  assert.equal(readAppDescription(img)?.projectName, 'espnow_prov');
  assert.equal(readAppDescription(img)?.idfVersion, 'v5.3.1');
  assert.equal(Buffer.from(findVirtualBlob(img.segments, 'config') as Uint8Array).toString(), 'CONFIG_A=1\n');
  assert.equal(findVirtualBlob(img.segments, 'wasm'), undefined);
  const plain = appImage('esp32', { projectName: 'blink' });
  const p = parseAppImage(reader(plain), 0, plain.length, 0);
  assert.equal(findVirtualBlob(p.segments, 'config'), undefined);
});

test('app image: every corruption is refused for the reason a loader gives', () => {
  const good = appImage('esp32', { projectName: 'blink' });
  const expectReason = (bytes: Uint8Array, reason: ImageError['reason'], chip = 0, limit = bytes.length) =>
    assert.throws(() => parseAppImage(reader(bytes), 0, limit, chip), (e: unknown) => e instanceof ImageError && e.reason === reason);
  expectReason(new Uint8Array(64).fill(0xff), 'magic');
  assert.throws(() => parseAppImage(reader(new Uint8Array(64).fill(0xff)), 0, 64), (e: ImageError) => e.firstWord === 0xffffffff);
  expectReason(good, 'chip', 9);
  const flipped = Uint8Array.from(good);
  flipped[100] ^= 0x40; // segment data: the XOR checksum catches it
  expectReason(flipped, 'checksum');
  const twoFlips = Uint8Array.from(good);
  twoFlips[100] ^= 0x40;
  twoFlips[101] ^= 0x40; // the XOR checksum misses two equal flips; the SHA-256 does not
  expectReason(twoFlips, 'hash');
  expectReason(good, 'truncated', 0, good.length - 10);
  const hugeSegment = Uint8Array.from(good);
  new DataView(hugeSegment.buffer).setUint32(28, 0x7fffffff, true);
  expectReason(hugeSegment, 'segments');
  const noSegments = Uint8Array.from(good);
  noSegments[1] = 0;
  expectReason(noSegments, 'segments');
  const noHash = buildImage({ chipId: 0, hashAppended: false, segments: [{ addr: 0x3f400020, data: new Uint8Array(10) }] });
  assert.equal(parseAppImage(reader(noHash), 0, noHash.length).hashAppended, false);
});
