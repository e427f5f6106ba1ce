import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Air, type HeardFrame } from '../../../../extension/src/lab/air/air';
import { BROADCAST_MAC } from '../../../../extension/src/lab/air/mac';
import { seededRandom } from '../../../../extension/src/lab/air/rng';
import { assertNothingLeft, sleep } from '../../../support/lab/resources';

const A = '24:0a:c4:00:00:01';
const B = '24:0a:c4:00:00:02';
const C = '24:0a:c4:00:00:03';

function listen(air: Air, mac: string, channel = 1) {
  const heard: HeardFrame[] = [];
  const radio = air.attach(mac, (f) => heard.push(f), channel);
  return { radio, heard };
}

function sendAndWait(radio: ReturnType<typeof listen>['radio'], dest: string, data: number[]): Promise<boolean> {
  return new Promise((resolve) => radio.send(dest, Uint8Array.from(data), resolve));
}

test('radios on the same channel hear each other; another channel does not', async () => {
  const baseline = process.getActiveResourcesInfo();
  const air = new Air({ latencyMs: 1 });
  const a = listen(air, A);
  const b = listen(air, B);
  const c = listen(air, C, 6);
  assert.equal(await sendAndWait(a.radio, BROADCAST_MAC, [1, 2, 3]), true);
  await sleep(5);
  assert.equal(b.heard.length, 1);
  assert.deepEqual([...b.heard[0]!.data], [1, 2, 3]);
  assert.equal(b.heard[0]!.from, A);
  assert.equal(b.heard[0]!.channel, 1);
  assert.equal(c.heard.length, 0, 'channel 6 hears nothing sent on channel 1');
  assert.equal(a.heard.length, 0, 'a sender does not hear itself');
  assert.equal(await sendAndWait(b.radio, A, [9]), true, 'unicast to a listener is acked');
  assert.equal(await sendAndWait(a.radio, C, [9]), false, 'unicast to a radio on another channel fails');
  c.radio.setChannel(1);
  assert.equal(await sendAndWait(a.radio, C, [7]), true);
  assert.deepEqual(air.frames.map((f) => f.delivered), [[B], [A], [], [C]]);
  air.dispose();
  await assertNothingLeft(baseline);
});

test('RSSI falls with distance; out of range and moved out of range are not heard', async () => {
  const air = new Air({ latencyMs: 0 });
  const a = listen(air, A);
  const b = listen(air, B);
  air.setPosition(A, { x: 0, y: 0 });
  air.setPosition(B, { x: 10, y: 0 });
  await sendAndWait(a.radio, BROADCAST_MAC, [1]);
  await sleep(2);
  assert.equal(b.heard[0]!.rssi, -70, 'log-distance: -40 dBm at 1 m, exponent 3, 10 m -> -70');
  air.setPosition(B, { x: 200, y: 0 });
  assert.equal(await sendAndWait(a.radio, B, [2]), false, '200 m is beyond -95 dBm sensitivity');
  air.setLinkRssi(A, B, -60);
  assert.equal(await sendAndWait(a.radio, B, [3]), true, 'a pinned link RSSI overrides distance');
  air.moveOutOfRange(B);
  assert.equal(await sendAndWait(a.radio, B, [4]), false);
  assert.equal(await sendAndWait(b.radio, A, [4]), false, 'out of range works both ways');
  air.moveIntoRange(B);
  assert.equal(await sendAndWait(a.radio, B, [5]), true);
  await sleep(2);
  assert.deepEqual(b.heard.map((f) => [f.data[0], f.rssi]), [[1, -70], [3, -60], [5, -60]]);
  air.dispose();
});

test('loss and duplicates follow the seeded generator; a detached radio hears nothing', async () => {
  const air = new Air({ latencyMs: 0, lossProbability: 0.3, duplicateProbability: 0.2, random: seededRandom(42) });
  const a = listen(air, A);
  const b = listen(air, B);
  for (let i = 0; i < 200; i++) a.radio.send(BROADCAST_MAC, Uint8Array.of(i));
  await sleep(10);
  const distinct = new Set(b.heard.map((f) => f.data[0])).size;
  assert.ok(distinct > 110 && distinct < 170, `about 70% delivered, got ${distinct}`);
  assert.ok(b.heard.length > distinct, 'some frames arrived twice');
  b.radio.dispose();
  const before = b.heard.length;
  a.radio.send(BROADCAST_MAC, Uint8Array.of(1));
  await sleep(5);
  assert.equal(b.heard.length, before);
  assert.throws(() => a.radio.send(B, new Uint8Array(251)), RangeError);
  assert.throws(() => a.radio.setChannel(14), RangeError);
  air.dispose();
});

test('the capture file holds one JSON line per frame', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'air-'));
  try {
    const path = join(dir, 'capture.jsonl');
    const air = new Air({ latencyMs: 0, capturePath: path });
    const a = listen(air, A);
    listen(air, B);
    await sendAndWait(a.radio, B, [0xab, 0xcd]);
    air.dispose();
    const lines = readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(lines.length, 1);
    assert.deepEqual({ ...lines[0], t: 0 }, { t: 0, from: A, to: B, channel: 1, rssi: -40, len: 2, hex: 'abcd', delivered: [B] });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
