import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { baudsMatch, garble } from '../../../../extension/src/lab/board/baud-garble';
import { UartLine } from '../../../../extension/src/lab/board/uart-line';
import { WireNoise } from '../../../../extension/src/lab/board/wire-noise';

function collect(): { line: UartLine; got: number[]; chunks: number; done: (n: number) => Promise<void> } {
  const got: number[] = [];
  let waiter: { n: number; resolve: () => void } | undefined;
  const state = { chunks: 0 };
  const line = new UartLine((d) => {
    state.chunks++;
    got.push(...d);
    if (waiter && got.length >= waiter.n) waiter.resolve();
  });
  return {
    line,
    got,
    get chunks() {
      return state.chunks;
    },
    done: (n) => new Promise<void>((resolve) => (got.length >= n ? resolve() : (waiter = { n, resolve }))),
  };
}

test('delivers every byte in order, in coalesced chunks rather than one callback per byte', async () => {
  const c = collect();
  const data = Uint8Array.from({ length: 5000 }, (_, i) => i & 0xff);
  c.line.send(data.subarray(0, 2500), 921600);
  c.line.send(data.subarray(2500), 921600);
  await c.done(5000);
  c.line.dispose();
  assert.deepEqual(Uint8Array.from(c.got), data);
  assert.ok(c.chunks < 200, `${c.chunks} deliveries for 5000 bytes`);
});

test('purge drops what is not on the wire yet', async () => {
  const c = collect();
  c.line.send(new Uint8Array(10_000), 9600);
  c.line.purge();
  assert.equal(c.line.pendingBytes, 0);
  await new Promise((r) => setTimeout(r, 20));
  c.line.dispose();
  assert.equal(c.got.length, 0);
});

test('bytes at a matching baud (within 3 %) arrive unchanged', () => {
  const data = Uint8Array.from({ length: 256 }, (_, i) => i);
  assert.equal(garble(data, 115200, 115200), data);
  assert.equal(garble(data, 115200, 117000), data);
  assert.equal(baudsMatch(115200, 921600), false);
});

test('bytes at the wrong baud arrive as deterministic garbage, never the original, in both directions', () => {
  const sync = Uint8Array.from([0xc0, 0x00, 0x08, 0x24, 0x00, 0, 0, 0, 0, 0x07, 0x07, 0x12, 0x20, ...new Array<number>(32).fill(0x55), 0xc0]);
  for (const [tx, rx] of [[115200, 921600], [921600, 115200], [115200, 74880], [460800, 115200]]) {
    const a = garble(sync, tx, rx);
    assert.notDeepEqual(a, sync, `${tx} -> ${rx}`);
    assert.deepEqual(garble(sync, tx, rx), a, 'deterministic');
  }
  // A fast sender read by a slow receiver loses bytes; the reverse invents some.
  assert.ok(garble(sync, 921600, 115200).length < sync.length);
  assert.ok(garble(sync, 115200, 921600).length > sync.length);
  for (const b of [0x00, 0x55, 0xff, 0xc0]) assert.notDeepEqual(garble(Uint8Array.of(b), 115200, 230400), Uint8Array.of(b));
});

test('wire noise flips about rate x bytes, one bit each, reproducibly per seed', () => {
  const data = new Uint8Array(100_000);
  const a = new WireNoise(42).apply(data, 0.01);
  const b = new WireNoise(42).apply(data, 0.01);
  assert.deepEqual(a, b);
  const flipped = a.filter((x) => x !== 0);
  assert.ok(flipped.length > 800 && flipped.length < 1200, `${flipped.length} flipped`);
  assert.ok(flipped.every((x) => (x & (x - 1)) === 0), 'one bit per byte');
  assert.equal(new WireNoise(1).apply(data, 0), data);
});
