import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { ProvisionError } from '../../../../extension/src/core/common/errors';
import { flashBoard, type FlashOptions } from '../../../../extension/src/core/flash/flash-board';
import { describeFailures, flashBoards } from '../../../../extension/src/core/flash/flash-boards';
import { readFlashPlan, type FlashPlan } from '../../../../extension/src/core/flash/flash-plan';
import type { BoardProgress } from '../../../../extension/src/core/flash/flash-progress';
import { PortArbiter } from '../../../../extension/src/core/serial/port-arbiter';
import { makeBuildDir, removeBuildDirs } from '../../../support/flash/build-dir';
import { FakeBoard, fakeConnect } from '../../../support/flash/fake-loader';
import { FakePort } from '../../../support/fake-serial-link';

after(removeBuildDirs);

function rig(paths: string[]): { boards: Map<string, FakeBoard>; options: FlashOptions } {
  const boards = new Map(paths.map((p) => [p, new FakeBoard()]));
  const port = new FakePort();
  return { boards, options: { connect: fakeConnect(boards), openLink: (p) => port.open(p), baud: 921600 } };
}

let planCache: FlashPlan | undefined;
async function plan(): Promise<FlashPlan> {
  planCache ??= await readFlashPlan(makeBuildDir({ appSize: 100 * 1024 }));
  return planCache;
}

test('a blank board gets every region written, verified by MD5, then reset into the new firmware', async () => {
  const { boards, options } = rig(['b1']);
  const events: BoardProgress[] = [];
  const r = await flashBoard({ path: 'b1', plan: await plan() }, { ...options, onProgress: (p) => events.push(p) });
  const b = boards.get('b1')!;
  assert.equal(r.outcome, 'flashed');
  assert.equal(r.boardState, 'running-new');
  assert.deepEqual(r.regionsWritten, ['bootloader/bootloader.bin', 'partition_table/partition-table.bin', 'app.bin']);
  assert.equal(r.bytesWritten, (await plan()).totalBytes);
  assert.equal(r.chipInfo?.mac, '24:0a:c4:00:00:01');
  for (const region of (await plan()).regions) assert.deepEqual(b.flash.subarray(region.offset, region.offset + region.data.length), region.data);
  assert.deepEqual(b.calls, ['connect', 'details', 'md5 0x0', 'md5 0x8000', 'md5 0x10000', 'write 0x0', 'write 0x8000', 'write 0x10000', 'md5 0x0', 'md5 0x8000', 'md5 0x10000', 'reset']);
  assert.deepEqual([...new Set(events.map((e) => e.phase))], ['connecting', 'comparing', 'writing', 'verifying', 'resetting', 'done']);
  const writes = events.filter((e) => e.phase === 'writing').map((e) => e.bytesWritten);
  assert.deepEqual(writes, [...writes].sort((x, y) => x - y), 'bytes only grow');
  assert.equal(events.at(-1)?.bytesWritten, events.at(-1)?.bytesTotal);
  assert.equal(b.closed, 1);
});

test('a second flash of the same build writes nothing and ends with MD5 checks only', async () => {
  const { boards, options } = rig(['b1']);
  await flashBoard({ path: 'b1', plan: await plan() }, options);
  const b = boards.get('b1')!;
  const blocks = b.blocksWritten;
  b.calls.length = 0;
  const r = await flashBoard({ path: 'b1', plan: await plan() }, options);
  assert.equal(r.outcome, 'unchanged');
  assert.equal(r.boardState, 'running-new');
  assert.equal(b.blocksWritten, blocks, 'no data block written');
  assert.deepEqual(b.calls, ['connect', 'details', 'md5 0x0', 'md5 0x8000', 'md5 0x10000', 'reset']);
  assert.equal(r.regionsSkipped.length, 3);
});

test('only the changed region is written; --no-skip writes all without asking', async () => {
  const { boards, options } = rig(['b1']);
  await flashBoard({ path: 'b1', plan: await plan() }, options);
  const b = boards.get('b1')!;
  const app = (await plan()).regions[2];
  b.flash[app.offset + 5000] ^= 0x55;
  b.calls.length = 0;
  const r = await flashBoard({ path: 'b1', plan: await plan() }, options);
  assert.deepEqual(r.regionsWritten, ['app.bin']);
  assert.deepEqual(r.regionsSkipped, ['bootloader/bootloader.bin', 'partition_table/partition-table.bin']);
  assert.equal(r.bytesWritten, app.data.length);
  assert.ok(b.calls.includes('write 0x10000') && !b.calls.includes('write 0x0'));
  b.calls.length = 0;
  const all = await flashBoard({ path: 'b1', plan: await plan() }, { ...options, skipUnchanged: false });
  assert.equal(all.regionsWritten.length, 3);
  assert.deepEqual(b.calls.slice(0, 3), ['connect', 'details', 'write 0x0'], 'no MD5 asked before writing');
});

test('an MD5 mismatch after writing is a checksum error naming the board and region; the board stays in the bootloader', async () => {
  const { boards, options } = rig(['b1']);
  boards.get('b1')!.corruptWrites = true;
  const r = await flashBoard({ path: 'b1', plan: await plan(), label: 'board 1' }, options);
  assert.equal(r.outcome, 'failed');
  assert.equal(r.error?.kind, 'checksum');
  assert.equal(r.error?.board, 'board 1');
  assert.match(r.error!.message, /bootloader\/bootloader\.bin at 0x0 does not match after writing/);
  assert.equal(r.boardState, 'bootloader');
  assert.equal(boards.get('b1')!.resets, 0, 'a board with an unverified image is not booted');
});

test('cancel mid-write stops between blocks, reports cancelled (never success) and leaves the board in the bootloader', async () => {
  const { boards, options } = rig(['b1']);
  const ac = new AbortController();
  const b = boards.get('b1')!;
  b.onBlock = (offset, written) => {
    if (offset === 0x10000 && written >= 32 * 1024) ac.abort();
  };
  const phases: string[] = [];
  const r = await flashBoard({ path: 'b1', plan: await plan() }, { ...options, signal: ac.signal, onProgress: (p) => phases.push(p.phase) });
  assert.equal(r.outcome, 'cancelled');
  assert.equal(r.error?.kind, 'cancelled');
  assert.equal(r.boardState, 'bootloader');
  assert.match(r.stateNote, /app\.bin partly written/);
  assert.equal(b.resets, 0);
  assert.ok(!phases.includes('done') && phases.at(-1) === 'cancelled');
  assert.ok(b.flash.subarray(0x10000 + 32 * 1024, 0x10000 + 48 * 1024).every((x) => x === 0xff), 'no block after the cancel was written');
  assert.equal(b.closed, 1);
});

test('cancel before anything is written resets the board back into its old firmware and says so', async () => {
  const { boards, options } = rig(['b1']);
  const ac = new AbortController();
  const r = await flashBoard({ path: 'b1', plan: await plan() }, { ...options, signal: ac.signal, onProgress: (p) => p.phase === 'comparing' && ac.abort() });
  assert.equal(r.outcome, 'cancelled');
  assert.equal(r.boardState, 'running-old');
  assert.match(r.stateNote, /cancelled before writing; reset back into its previous firmware/);
  assert.equal(boards.get('b1')!.resets, 1);
  assert.equal(boards.get('b1')!.blocksWritten, 0);
});

test('a silent bootloader fails that board only; the others flash, and the summary names who failed and why', async () => {
  const { boards, options } = rig(['b1', 'b2', 'b3']);
  boards.get('b2')!.connectError = new ProvisionError('bootloader-silent', 'did not answer the ROM bootloader sync.', 'b2', 'Hold BOOT and press RESET, or check the cable.');
  const overall: number[] = [];
  const r = await flashBoards(['b1', 'b2', 'b3'].map((path) => ({ path, plan: planCache! })), { ...options, onProgress: (o) => overall.push(o.bytesWritten) });
  assert.equal(r.ok, false);
  assert.deepEqual(r.results.map((x) => x.outcome), ['flashed', 'failed', 'flashed']);
  assert.deepEqual(r.failed.map((x) => x.board), ['b2']);
  assert.equal(r.failed[0].boardState, 'unknown');
  const lines = describeFailures(r);
  assert.equal(lines.length, 1);
  assert.match(lines[0], /^b2: did not answer the ROM bootloader sync\. Hold BOOT and press RESET/);
  assert.equal(Math.max(...overall), 2 * planCache!.totalBytes);
});

test('a port another owner holds is refused with port-busy naming it; nothing is written; a retry after release succeeds', async () => {
  const { boards, options } = rig(['b1']);
  const arbiter = new PortArbiter();
  const held = await arbiter.claim('b1', { name: 'another flash', lends: false });
  const r = await flashBoard({ path: 'b1', plan: await plan() }, { ...options, arbiter });
  assert.equal(r.outcome, 'failed');
  assert.equal(r.error?.kind, 'port-busy');
  assert.match(r.error!.describe(), /b1 is busy: another flash is using it/);
  assert.equal(boards.get('b1')!.calls.length, 0);
  held.dispose();
  assert.equal((await flashBoard({ path: 'b1', plan: await plan() }, { ...options, arbiter })).outcome, 'flashed');
});

test('a monitor that lends its port is suspended for the flash and resumed after', async () => {
  const { options } = rig(['b1']);
  const arbiter = new PortArbiter();
  const log: string[] = [];
  const lease = await arbiter.claim('b1', { name: 'the monitor', lends: true, suspend: async () => void log.push('suspend'), resume: async () => void log.push('resume') });
  const r = await flashBoard({ path: 'b1', plan: await plan() }, { ...options, arbiter });
  await new Promise((res) => setImmediate(res));
  assert.equal(r.outcome, 'flashed');
  assert.deepEqual(log, ['suspend', 'resume']);
  lease.dispose();
});

test('a wrong-chip build fails before comparing, and two builds for one port are refused', async () => {
  const { boards, options } = rig(['b1']);
  const c3 = await readFlashPlan(makeBuildDir({ chip: 'esp32c3', appSize: 4096 }));
  const r = await flashBoard({ path: 'b1', plan: c3 }, options);
  assert.equal(r.error?.kind, 'config');
  assert.deepEqual(boards.get('b1')!.calls, ['connect', 'details', 'reset']);
  assert.equal(r.boardState, 'running-old');
  await assert.rejects(flashBoards([{ path: 'b1', plan: c3 }, { path: 'b1', plan: await plan() }], { connect: options.connect, openLink: options.openLink }), (e: unknown) => e instanceof ProvisionError && e.kind === 'config' && /listed twice/.test(e.message));
});
