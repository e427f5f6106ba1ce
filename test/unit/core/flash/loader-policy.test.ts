import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProvisionError } from '../../../../extension/src/core/common/errors';
import { baudLadder, switchBaudWithFallback } from '../../../../extension/src/core/flash/baud-fallback';
import { mapLoaderError } from '../../../../extension/src/core/flash/esptool-errors';
import { flashDataFrame } from '../../../../extension/src/core/flash/esptool-wire';
import { slipEncode } from '../../../../extension/src/core/serial/slip';
import { RateMeter, aggregateProgress, type BoardProgress } from '../../../../extension/src/core/flash/flash-progress';

test('the baud ladder goes from the configured rate down to the ROM rate', () => {
  assert.deepEqual(baudLadder(921600), [921600, 460800, 115200]);
  assert.deepEqual(baudLadder(2000000), [2000000, 460800, 115200]);
  assert.deepEqual(baudLadder(460800), [460800, 115200]);
  assert.deepEqual(baudLadder(230400), [230400, 115200]);
  assert.deepEqual(baudLadder(115200), [115200]);
});

test('a board that does not follow a switch falls back one rate at a time, saying so', async () => {
  const tried: number[] = [];
  const log: string[] = [];
  const got = await switchBaudWithFallback(921600, 115200, async (b) => (tried.push(b), b <= 460800), (l) => log.push(l), 'board 3');
  assert.equal(got, 460800);
  assert.deepEqual(tried, [921600, 460800]);
  assert.deepEqual(log, ['board 3: did not answer at 921600 baud; falling back to 460800 baud.']);
  const worst = await switchBaudWithFallback(921600, 115200, async () => false, (l) => log.push(l), 'board 3');
  assert.equal(worst, 115200);
  assert.match(log.at(-1)!, /did not answer at 460800 baud; falling back to 115200 baud/);
  assert.equal(await switchBaudWithFallback(115200, 115200, async () => assert.fail('no switch at the ROM rate'), () => undefined, 'b'), 115200);
});

test('esptool-js failures map to error kinds that name the board and say what to do', () => {
  const silent = mapLoaderError(new Error('Failed to connect with the device'), 'board 1');
  assert.equal(silent.kind, 'bootloader-silent');
  assert.equal(silent.describe(), 'board 1: did not answer the ROM bootloader sync. Hold BOOT and press RESET, or check the cable.');
  assert.equal(mapLoaderError(new Error('MD5 of file does not match data in flash!'), 'b').kind, 'checksum');
  assert.equal(mapLoaderError(new Error('No serial data received.'), 'b').kind, 'timeout');
  assert.equal(mapLoaderError(new Error('Invalid head of packet (0x41)'), 'b').kind, 'protocol');
  // A block damaged on the wire, as the stub reports it (bad length, bad checksum, inflate error): the cable.
  for (const status of ['192,0', '193,0', '199,0', '200,0', '201,0', '1,7']) {
    assert.equal(mapLoaderError(new Error(`Failed to write compressed data to flash after seq 0 failed with status ${status}`), 'b').kind, 'checksum', status);
  }
  assert.equal(mapLoaderError(new Error('Failed to write compressed data to flash after seq 0 failed with status 196,0'), 'b').kind, 'protocol', '0xC4, a failed SPI operation, is not the cable');
  const dropped = new ProvisionError('port-missing', 'rfc2217://x:1 went away.', 'rfc2217://x:1');
  const afterDrop = mapLoaderError(new Error('No serial data received.'), 'board 2', dropped);
  assert.equal(afterDrop.kind, 'port-missing', 'the link closing is the cause, the timeout only the symptom');
  assert.match(afterDrop.describe(), /^board 2: The connection dropped: rfc2217:\/\/x:1 went away\./);
  assert.equal(mapLoaderError(new Error('socket hang up'), 'b', new Error('ECONNRESET')).kind, 'port-io');
  const ac = new AbortController();
  ac.abort();
  assert.equal(mapLoaderError(ac.signal.reason, 'b', undefined, ac.signal).kind, 'cancelled');
});

test('the rate meter measures over a sliding window; the overall ETA is the slowest board', () => {
  let t = 0;
  const m = new RateMeter(() => t);
  assert.equal(m.sample(0), 0);
  t = 1000;
  assert.equal(m.sample(100_000), 100_000);
  t = 5000;
  m.sample(300_000);
  assert.equal(m.rate, 50_000, 'over the last samples of the window (1 s..5 s)');
  const p = (board: string, written: number, rate: number, phase: BoardProgress['phase'] = 'writing'): BoardProgress => ({ board, phase, bytesWritten: written, bytesTotal: 100_000, rateBytesPerSec: rate, skippedRegions: 0 });
  const o = aggregateProgress([p('a', 50_000, 10_000), p('b', 90_000, 10_000), p('c', 100_000, 0, 'done')]);
  assert.equal(o.bytesWritten, 240_000);
  assert.equal(o.bytesTotal, 300_000);
  assert.equal(o.rateBytesPerSec, 20_000);
  assert.equal(o.etaSec, 5);
  assert.equal(aggregateProgress([p('a', 0, 0)]).etaSec, undefined, 'unknown until a rate is measured');
});

test('a block frame is byte for byte what esptool-js sends for FLASH_DEFL_DATA (header, checksum, SLIP escapes)', async () => {
  const { Transport } = await import('esptool-js');
  // Every byte value, 0xC0 and 0xDB among them, twice, in an odd-sized block.
  const block = Uint8Array.from({ length: 515 }, (_, i) => (i * 7 + 3) & 0xff);
  const seq = 0x01020304;
  const u32 = (v: number) => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
  let checksum = 0xef;
  for (const b of block) checksum ^= b;
  const payload = [...u32(block.length), ...u32(seq), ...u32(0), ...u32(0), ...block];
  // esptool-js's command(): direction, opcode, 16-bit length, 32-bit checksum, payload; then Transport.write() SLIP-frames it.
  const packet = Uint8Array.from([0x00, 0x11, payload.length & 0xff, payload.length >> 8, ...u32(checksum), ...payload]);
  const expected = Transport.prototype.slipWriter.call(undefined, packet);
  assert.deepEqual(flashDataFrame(0x11, block, seq), expected);
});

test('every packet is SLIP-framed as esptool-js frames it', async () => {
  const { Transport } = await import('esptool-js');
  let x = 7;
  for (const length of [0, 1, 2, 17, 4096]) {
    const packet = Uint8Array.from({ length }, () => ((x = (x * 1103515245 + 12345) >>> 0), x % 5 === 0 ? 0xc0 : x % 7 === 0 ? 0xdb : x >>> 24));
    assert.deepEqual(slipEncode(packet), Transport.prototype.slipWriter.call(undefined, packet), `${length} bytes`);
  }
});
