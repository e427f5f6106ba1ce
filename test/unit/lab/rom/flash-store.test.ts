import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openFlashStore } from '../../../../extension/src/lab/flash/flash-store';

const tmp = (): string => path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'flash-')), 'board', 'flash.bin');

test('a new flash file is created erased (0xFF) at the requested size', () => {
  const file = tmp();
  const flash = openFlashStore(file, 64 * 1024);
  assert.ok(flash.read(0, 64 * 1024).every((b) => b === 0xff));
  flash.dispose();
  assert.equal(fs.statSync(file).size, 64 * 1024);
});

test('writes are NOR: they only clear bits, an erase sets them again', () => {
  const flash = openFlashStore(tmp(), 8192);
  flash.write(10, Uint8Array.of(0x0f, 0xf0));
  flash.write(10, Uint8Array.of(0x3c, 0x3c));
  assert.deepEqual([...flash.read(10, 2)], [0x0c, 0x30]);
  flash.erase(0, 4096);
  assert.deepEqual([...flash.read(10, 2)], [0xff, 0xff]);
  assert.deepEqual(flash.stats, { dataBlocksWritten: 0, bytesWritten: 4, erases: 1 });
  flash.dispose();
});

test('contents survive dispose and reopen (the lab restarting)', () => {
  const file = tmp();
  const a = openFlashStore(file, 16384);
  a.write(5000, Uint8Array.of(1, 2, 3));
  a.dispose();
  const b = openFlashStore(file, 16384);
  assert.deepEqual([...b.read(4999, 5)], [0xff, 1, 2, 3, 0xff]);
  b.dispose();
});

test('flush writes pending changes to the file without closing it', () => {
  const file = tmp();
  const flash = openFlashStore(file, 8192);
  flash.write(4096, Uint8Array.of(0xaa));
  flash.flush();
  assert.equal(fs.readFileSync(file)[4096], 0xaa);
  flash.dispose();
});

test('out-of-range access throws a RangeError', () => {
  const flash = openFlashStore(tmp(), 4096);
  assert.throws(() => flash.read(4090, 10), RangeError);
  assert.throws(() => flash.write(4096, Uint8Array.of(0)), RangeError);
  assert.throws(() => flash.erase(-1, 1), RangeError);
  flash.dispose();
});
