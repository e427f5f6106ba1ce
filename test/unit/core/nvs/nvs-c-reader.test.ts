import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readNvsPartition, writeNvsPartition, type NvsEntry } from '../../../../extension/src/core/nvs';
import { NVS_FIXTURES, referenceBinary, referenceEntries } from '../../../support/nvs/reference-fixture';

/**
 * Round trip: partitions our TypeScript writer makes, read by the firmware's C reader (firmware/core/epv_nvs.c,
 * the one virtual boards use) through firmware/test/nvs_get, built here with ASan and UBSan.
 */
const TEST_DIR = join(resolve(__dirname, '../../../..'), 'firmware/test');

function nvsGet(file: string, keys: readonly (readonly [string, string])[]): string[] {
  const build = spawnSync('make', ['-C', TEST_DIR, '-s', 'build/nvs_get'], { encoding: 'utf8' });
  assert.equal(build.status, 0, `make -C firmware/test build/nvs_get:\n${build.stdout}${build.stderr}`);
  const r = spawnSync(join(TEST_DIR, 'build/nvs_get'), [file, ...keys.flat()], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '', 'no sanitizer report');
  return r.stdout.replace(/\n$/, '').split('\n');
}

/** What nvs_get prints for an entry: integers in decimal, strings (without NUL) and blobs in hex. */
function expectedLine(e: NvsEntry): string {
  const value = e.type === 'string' ? Buffer.from(e.value as string).toString('hex') : e.value instanceof Uint8Array ? Buffer.from(e.value).toString('hex') : String(e.value);
  return `${e.namespace}:${e.key} ${e.type} ${value}`;
}

function withTempFile<T>(bytes: Uint8Array, fn: (file: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'nvs-'));
  try {
    const file = join(dir, 'nvs.bin');
    writeFileSync(file, bytes);
    return fn(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const ENTRIES: NvsEntry[] = [
  { namespace: 'espnow_prov', key: 'role', type: 'u8', value: 1 },
  { namespace: 'espnow_prov', key: 'ssid', type: 'string', value: 'lab net with a name long enough to span entries' },
  { namespace: 'espnow_prov', key: 'password', type: 'string', value: 'correct horse 42' },
  { namespace: 'espnow_prov', key: 'pair_key', type: 'blob', value: new Uint8Array(32).map((_, i) => i * 3) },
  { namespace: 'espnow_prov', key: 'beacon_ms', type: 'u32', value: 100 },
  { namespace: 'more', key: 'allow', type: 'blob', value: new Uint8Array(10_000).map((_, i) => (i * 31 + 7) & 0xff) },
  { namespace: 'more', key: 'i8', type: 'i8', value: -5 },
  { namespace: 'more', key: 'i16', type: 'i16', value: -300 },
  { namespace: 'more', key: 'u16', type: 'u16', value: 40000 },
  { namespace: 'more', key: 'i32', type: 'i32', value: -70000 },
  { namespace: 'more', key: 'u64', type: 'u64', value: 2n ** 64n - 2n },
  { namespace: 'more', key: 'i64', type: 'i64', value: -(2n ** 63n) + 1n },
  { namespace: 'more', key: 'empty', type: 'string', value: '' },
];

test('round trip: the C reader reads what the TypeScript writer wrote (every type, a string spanning entries, a blob in 3 chunks)', () => {
  const image = writeNvsPartition(ENTRIES, 0x5000);
  const lines = withTempFile(image, (f) => nvsGet(f, [...ENTRIES.map((e) => [e.namespace, e.key] as const), ['espnow_prov', 'allow'], ['none', 'role']]));
  assert.deepEqual(lines, [...ENTRIES.map(expectedLine), 'espnow_prov:allow absent', 'none:role absent']);
});

test("the C reader and the TypeScript reader agree on Espressif's reference image", () => {
  const entries = referenceEntries();
  const lines = nvsGet(join(NVS_FIXTURES, 'reference.bin'), entries.map((e) => [e.namespace, e.key] as const));
  assert.deepEqual(lines, entries.map(expectedLine));
  assert.deepEqual(readNvsPartition(referenceBinary()).values.map((v) => expectedLine(v)), lines);
});

test('a corrupted entry is skipped by both readers the way ESP-IDF skips it: alone, its neighbours still read', () => {
  const image = writeNvsPartition(ENTRIES, 0x5000);
  const at = image.indexOf(Buffer.from('password\0'));
  image[at + 16 + 1] ^= 0x01; // a bit of the string's data CRC in its header entry: the header CRC no longer matches
  const lines = withTempFile(image, (f) => nvsGet(f, ENTRIES.map((e) => [e.namespace, e.key] as const)));
  assert.deepEqual(lines, ENTRIES.map((e) => (e.key === 'password' ? 'espnow_prov:password absent' : expectedLine(e))));
  const { values, skipped } = readNvsPartition(image);
  assert.deepEqual(values.map((v) => v.key), ENTRIES.map((e) => e.key).filter((k) => k !== 'password'));
  assert.deepEqual(skipped.map((s) => s.reason), ['entry CRC mismatch', 'entry CRC mismatch'], 'the header and its one data entry, read as an entry');
});

test("a partition ESP-IDF's own NVS library wrote on top of the reference (erased entries, pages 20-22, a blob rewritten as chunks 128+): both readers give what ESP-IDF reads", () => {
  // device-after-writes.txt is ESP-IDF's nvs::Storage reading device-after-writes.bin (test/fixtures/nvs/README.md).
  const expected = readFileSync(join(NVS_FIXTURES, 'device-after-writes.txt'), 'utf8').replace(/\n$/, '').split('\n');
  const keys = expected.map((l) => l.split(' ')[0].split(':') as [string, string]);
  const image = join(NVS_FIXTURES, 'device-after-writes.bin');
  assert.deepEqual(nvsGet(image, keys), expected);
  const { values } = readNvsPartition(readFileSync(image));
  assert.deepEqual(values.map((v) => expectedLine(v)).sort(), expected.filter((l) => !l.endsWith(' absent')).sort());
});
