import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHIPS, type ChipKey } from '../../../../extension/src/core/chips/chips';
import { writeVirtualBuild, type VirtualBuildInput } from '../../../../extension/src/core/build/image/virtual-build-writer';
import { findVirtualBlob } from '../../../../extension/src/core/build/image/virtual-app-blobs';
import { parseAppImage } from '../../../../extension/src/lab/boot/app-image';
import { readAppDescription } from '../../../../extension/src/lab/boot/app-desc';
import { parsePartitionTable, selectBootPartition } from '../../../../extension/src/core/build/image/partition-table-reader';

const SDKCONFIG = 'CONFIG_ESPNOW_ROLE_RESPONDER=y\nCONFIG_ESPNOW_WIFI_SSID="lab \\"net\\""\nCONFIG_ESPNOW_CHANNEL=6\n';
/** An empty WebAssembly module: the writer only carries the bytes, it never compiles them. */
const WASM = Uint8Array.of(0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00);
const CHIP_IDS: Record<ChipKey, number> = { esp32: 0, esp32s3: 9, esp32c3: 5 };
const NOW = new Date(2026, 10, 23, 19, 35, 54);

function outDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'virtual-build-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function build(t: { after: (fn: () => void) => void }, o: Partial<VirtualBuildInput> = {}) {
  const dir = outDir(t);
  const out = writeVirtualBuild({ target: 'esp32', sdkconfigText: SDKCONFIG, wasm: WASM, outDir: dir, now: NOW, ...o });
  return { dir, out, file: (name: string) => readFileSync(join(dir, name)) };
}

// Read the way a loader reads them, written here from the format notes rather than shared with the writer.

interface Segment {
  readonly load: number;
  readonly data: Buffer;
  /** File offset of the segment's data. */
  readonly offset: number;
}

function parseImage(buf: Buffer): { chipId: number; flashByte: number; segments: Segment[] } {
  assert.equal(buf[0], 0xe9, 'magic');
  let pos = 24;
  let sum = 0xef;
  const segments: Segment[] = [];
  for (let i = 0; i < buf[1]!; i++) {
    const load = buf.readUInt32LE(pos);
    const len = buf.readUInt32LE(pos + 4);
    assert.equal(len % 4, 0, `segment ${i} length ${len} is a multiple of 4`);
    const data = buf.subarray(pos + 8, pos + 8 + len);
    for (const b of data) sum ^= b;
    segments.push({ load, data, offset: pos + 8 });
    pos += 8 + len;
  }
  const at = pos | 15;
  assert.equal(buf[at], sum, 'XOR checksum in the last byte of a 16-byte block');
  assert.equal(buf[23], 1, 'hash_appended');
  assert.deepEqual(buf.subarray(at + 1, at + 33), createHash('sha256').update(buf.subarray(0, at + 1)).digest(), 'SHA-256');
  assert.equal(buf.length, at + 33, 'no trailing bytes');
  return { chipId: buf.readUInt16LE(12), flashByte: buf[3]!, segments };
}

const cstr = (b: Buffer, off: number, n: number): string => {
  const f = b.subarray(off, off + n);
  const z = f.indexOf(0);
  return f.subarray(0, z < 0 ? n : z).toString('utf8');
};

/** A tagged blob: 8-byte tag, u32 LE length, body. */
function blob(seg: Segment): { tag: string; body: Buffer } {
  return { tag: seg.data.subarray(0, 8).toString('latin1'), body: seg.data.subarray(12, 12 + seg.data.readUInt32LE(8)) };
}

for (const target of Object.keys(CHIP_IDS) as ChipKey[]) {
  test(`image set for ${target}: bootloader, app with descriptor, config and wasm, partition table, flasher_args.json`, (t) => {
    const { dir, out, file } = build(t, { target });
    assert.equal(parseImage(file('bootloader/bootloader.bin')).chipId, CHIP_IDS[target], 'bootloader chip id');

    const appBuf = file('espnow_prov.bin');
    assert.equal(statSync(join(dir, 'espnow_prov.bin')).mode & 0o077, 0, 'the app (it holds secrets) is readable by its owner only');
    assert.equal(out.appSize, appBuf.length);
    const app = parseImage(appBuf);
    assert.equal(app.chipId, CHIP_IDS[target], 'app chip id');
    assert.equal(app.segments.length, 3);
    const [desc, cfg, wasm] = app.segments as [Segment, Segment, Segment];
    assert.equal(desc.data.readUInt32LE(0), 0xabcd5432, 'app descriptor magic');
    assert.equal(desc.offset, 0x20, 'the descriptor starts the first segment, right after the headers');
    for (const s of app.segments) {
      assert.equal(s.load & 0xffff, s.offset & 0xffff, 'DROM address and file offset agree modulo the 64 KiB MMU page');
      assert.ok(s.load >= CHIPS[target].drom && s.load < CHIPS[target].drom + 0x400000, 'loads in DROM');
    }
    assert.equal(cstr(desc.data, 48, 32), 'espnow_prov');
    assert.equal(cstr(desc.data, 16, 32), '0.1.0');
    assert.match(cstr(desc.data, 112, 32), /^v5\./);
    assert.equal(cstr(desc.data, 80, 16), '19:35:54');
    assert.equal(cstr(desc.data, 96, 16), 'Nov 23 2026');
    assert.deepEqual(blob(cfg), { tag: 'ESPNHCF1', body: Buffer.from(SDKCONFIG, 'utf8') });
    assert.deepEqual(blob(wasm), { tag: 'ESPNWASM', body: Buffer.from(WASM) });

    const pt = file('partition_table/partition-table.bin');
    assert.equal(pt.length, 0xc00);
    const entries: Array<{ type: number; sub: number; off: number; size: number; label: string }> = [];
    let i = 0;
    for (; pt[i] === 0xaa && pt[i + 1] === 0x50; i += 32) {
      entries.push({ type: pt[i + 2]!, sub: pt[i + 3]!, off: pt.readUInt32LE(i + 4), size: pt.readUInt32LE(i + 8), label: cstr(pt, i + 12, 16) });
    }
    assert.deepEqual([pt[i], pt[i + 1]], [0xeb, 0xeb], 'MD5 entry');
    assert.deepEqual(pt.subarray(i + 16, i + 32), createHash('md5').update(pt.subarray(0, i)).digest(), 'MD5 of the entries');
    assert.ok(pt.subarray(i + 32).every((b) => b === 0xff), 'erased after the table');
    const factory = entries.find((e) => e.label === 'factory');
    assert.deepEqual([factory?.type, factory?.off], [0, 0x10000], 'factory app partition');
    assert.ok(entries.some((e) => e.label === 'nvs' && e.type === 1 && e.sub === 2), 'nvs partition');
    assert.ok(entries.some((e) => e.label === 'phy_init' && e.type === 1 && e.sub === 1), 'phy_init partition');

    const fa = JSON.parse(file('flasher_args.json').toString('utf8'));
    const bootOff = target === 'esp32' ? '0x1000' : '0x0';
    const want = { [bootOff]: 'bootloader/bootloader.bin', '0x8000': 'partition_table/partition-table.bin', '0x10000': 'espnow_prov.bin' };
    assert.deepEqual(fa.flash_files, want);
    assert.deepEqual(out.flashFiles, want);
    assert.deepEqual([fa.bootloader.offset, fa.app.offset, fa['partition-table'].offset], [bootOff, '0x10000', '0x8000']);
    assert.equal(fa.extra_esptool_args.chip, target);
    assert.equal(fa.flash_settings.flash_mode, 'dio');
    assert.ok(Array.isArray(fa.write_flash_args));
    for (const [off, name] of Object.entries(fa.flash_files)) assert.ok(statSync(join(dir, name as string)).size > 0, `${off} ${String(name)}`);
  });
}

test("the lab's boot reads back what the writer wrote: factory partition, descriptor, config and wasm", (t) => {
  const { file } = build(t, { target: 'esp32s3' });
  const part = selectBootPartition(parsePartitionTable(file('partition_table/partition-table.bin')));
  assert.equal(part?.partition.label, 'factory');
  const appBuf = file('espnow_prov.bin');
  const read = (o: number, n: number) => Uint8Array.from(appBuf.subarray(o, o + n));
  const img = parseAppImage(read, 0, appBuf.length, CHIP_IDS.esp32s3);
  assert.equal(img.length, appBuf.length);
  assert.equal(readAppDescription(img)?.projectName, 'espnow_prov');
  assert.equal(Buffer.from(findVirtualBlob(img.segments, 'config') as Uint8Array).toString('utf8'), SDKCONFIG);
  assert.deepEqual(findVirtualBlob(img.segments, 'wasm'), WASM);
});

test('the build is reproducible, and its ELF hash stand-in changes with the config and with the code', (t) => {
  const sha = (b: Buffer) => b.subarray(0x20 + 144, 0x20 + 176).toString('hex');
  const first = build(t).file('espnow_prov.bin');
  assert.deepEqual(build(t).file('espnow_prov.bin'), first, 'same inputs, same bytes');
  assert.notEqual(sha(build(t, { sdkconfigText: `${SDKCONFIG}CONFIG_X=1\n` }).file('espnow_prov.bin')), sha(first));
  assert.notEqual(sha(build(t, { wasm: Uint8Array.of(...WASM, 0) }).file('espnow_prov.bin')), sha(first));
});

test('version and flash size reach the descriptor, the header and flasher_args.json', (t) => {
  const { file } = build(t, { version: '2.3.4', flashSize: '4MB' });
  const app = parseImage(file('espnow_prov.bin'));
  assert.equal(cstr(app.segments[0]!.data, 16, 32), '2.3.4');
  assert.equal(app.flashByte >> 4, 2, '4MB');
  const fa = JSON.parse(file('flasher_args.json').toString('utf8'));
  assert.equal(fa.flash_settings.flash_size, '4MB');
  assert.deepEqual(fa.write_flash_args.slice(2, 4), ['--flash_size', '4MB']);
});
