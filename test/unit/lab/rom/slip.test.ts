import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SlipDecoder, slipEncode } from '../../../../extension/src/core/serial/slip';

const collect = (): { frames: Uint8Array[]; decoder: SlipDecoder } => {
  const frames: Uint8Array[] = [];
  return { frames, decoder: new SlipDecoder((f) => frames.push(f)) };
};

test('slipEncode escapes 0xC0 and 0xDB and frames with 0xC0', () => {
  assert.deepEqual([...slipEncode(Uint8Array.of(1, 0xc0, 2, 0xdb, 3))], [0xc0, 1, 0xdb, 0xdc, 2, 0xdb, 0xdd, 3, 0xc0]);
});

test('SlipDecoder reassembles a frame split at every possible boundary, escapes included', () => {
  const payload = Uint8Array.of(0, 8, 0xc0, 0xdb, 0x55, 0xdb, 0xc0, 7);
  const wire = slipEncode(payload);
  for (let cut = 1; cut < wire.length; cut++) {
    for (let cut2 = cut; cut2 < wire.length; cut2++) {
      const { frames, decoder } = collect();
      decoder.push(wire.subarray(0, cut));
      decoder.push(wire.subarray(cut, cut2));
      decoder.push(wire.subarray(cut2));
      assert.deepEqual(frames, [payload], `cuts ${cut}/${cut2}`);
    }
  }
});

test('SlipDecoder delivers byte-by-byte input and several frames in one chunk', () => {
  const a = Uint8Array.of(1, 2, 3);
  const b = Uint8Array.of(0xc0, 0xdb);
  const wire = Uint8Array.from([...slipEncode(a), ...slipEncode(b), ...slipEncode(a)]);
  const one = collect();
  for (const byte of wire) one.decoder.push(Uint8Array.of(byte));
  assert.deepEqual(one.frames, [a, b, a]);
  const all = collect();
  all.decoder.push(wire);
  assert.deepEqual(all.frames, [a, b, a]);
});

test('SlipDecoder ignores noise before the first frame and drops a frame with a bad escape', () => {
  const { frames, decoder } = collect();
  decoder.push(new TextEncoder().encode('ets Jun  8 2016\r\nwaiting for download\r\n'));
  decoder.push(Uint8Array.of(0xc0, 1, 0xdb, 0x00, 2, 0xc0));
  decoder.push(slipEncode(Uint8Array.of(9)));
  assert.deepEqual(frames, [Uint8Array.of(9)]);
});
