import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { flashBoard, type FlashBoardResult, type FlashOptions } from '../../../extension/src/core/flash/flash-board';
import { readFlashPlan, type FlashPlan } from '../../../extension/src/core/flash/flash-plan';
import type { FlashPhase } from '../../../extension/src/core/flash/flash-progress';
import { NodeSerialLink } from '../../../extension/src/core/serial/node-serial-link';
import { PortArbiter } from '../../../extension/src/core/serial/port-arbiter';
import { makeBuildDir, removeBuildDirs } from '../../support/flash/build-dir';
import { assertNothingLeft, startFlashLab } from '../../support/flash/flash-lab';
import { rfc2217NodePort } from '../../support/flash/rfc2217-node-port';

let lab: Awaited<ReturnType<typeof startFlashLab>>;
let plan: FlashPlan;
let baseline: string[];

before(async () => {
  baseline = process.getActiveResourcesInfo();
  lab = await startFlashLab(['esp32s3', 'esp32s3', 'esp32c3', 'esp32s3', 'esp32s3', 'esp32s3']);
  plan = await readFlashPlan(makeBuildDir({ chip: null, appSize: 192 * 1024, seed: 7 }));
});

after(async () => {
  lab.dispose();
  removeBuildDirs();
  await assertNothingLeft(baseline);
});

/** Flashes board `index` and records its phases, so a test can check no success was ever reported. */
async function flash(index: number, options: FlashOptions = {}): Promise<FlashBoardResult & { phases: FlashPhase[] }> {
  const phases: FlashPhase[] = [];
  const r = await flashBoard({ path: lab.urls[index - 1], plan, label: `board ${index}` }, { ...options, onProgress: (p) => phases.push(p.phase) });
  return { ...r, phases };
}

async function assertHoldsPlan(index: number): Promise<void> {
  for (const r of plan.regions) assert.ok(Buffer.from(await lab.lab.readFlash(index, r.offset, r.data.length)).equals(Buffer.from(r.data)), `board ${index} holds ${r.name}`);
}

function assertFailedWithoutSuccess(r: FlashBoardResult & { phases: FlashPhase[] }, kinds: string[], message: RegExp): void {
  assert.equal(r.outcome, 'failed');
  assert.ok(r.error && kinds.includes(r.error.kind), `kind ${r.error?.kind}: ${r.error?.describe()}`);
  assert.equal(r.error.board, r.board, 'the error names the board');
  assert.match(r.error.describe(), message);
  assert.ok(!r.phases.includes('done'), 'no success reported');
  assert.equal(r.phases.at(-1), 'failed');
}

test('the lab drops the connection mid-flash: a port error naming the board, then a retry succeeds', async () => {
  await lab.lab.setFaults(1, { dropAfterBytes: 60_000 });
  const r = await flash(1);
  assertFailedWithoutSuccess(r, ['port-io', 'port-missing'], /^board 1: The connection dropped/);
  assert.equal(r.boardState, 'unknown');
  assert.match(r.stateNote, /connection is gone/);
  const retry = await flash(1);
  assert.equal(retry.outcome, 'flashed', retry.error?.describe());
  await assertHoldsPlan(1);
});

test('a silent bootloader: bootloader-silent naming the board with what to do, then a retry succeeds', async () => {
  await lab.lab.setFaults(2, { silentBootloader: true });
  const r = await flash(2);
  assertFailedWithoutSuccess(r, ['bootloader-silent'], /^board 2: did not answer the ROM bootloader sync\. Hold BOOT and press RESET, or check the cable\./);
  assert.equal(r.regionsWritten.length, 0);
  await lab.lab.setFaults(2, { silentBootloader: false });
  const retry = await flash(2);
  assert.equal(retry.outcome, 'flashed', retry.error?.describe());
  await assertHoldsPlan(2);
});

test('a port held by another owner: port-busy naming the board and who holds it, then a retry succeeds', async () => {
  const arbiter = new PortArbiter();
  const held = await arbiter.claim(lab.urls[2], { name: 'another flash', lends: false });
  const r = await flash(3, { arbiter });
  assertFailedWithoutSuccess(r, ['port-busy'], /^board 3: .* is busy: another flash is using it\./);
  held.dispose();
  const retry = await flash(3, { arbiter });
  assert.equal(retry.outcome, 'flashed', retry.error?.describe());
  assert.equal(retry.chipInfo?.chip, 'ESP32-C3', 'a build without a chip goes to any chip');
});

test('a USB port held by another program (EBUSY): NodeSerialLink says so and names the board; a retry succeeds', async () => {
  let busy = true;
  const openLink = (path: string) =>
    new NodeSerialLink(path, (_p, baud) => {
      if (busy) return { ...rfc2217NodePort(lab.urls[3], baud), open: (cb: (e: Error | null) => void) => cb(new Error('Error Resource temporarily unavailable Cannot lock port')) } as never;
      return rfc2217NodePort(lab.urls[3], baud);
    });
  const r = await flash(4, { openLink });
  assertFailedWithoutSuccess(r, ['port-busy'], /^board 4: .* is held by another program\. Close other serial monitors/);
  busy = false;
  const retry = await flash(4, { openLink });
  assert.equal(retry.outcome, 'flashed', retry.error?.describe());
  await assertHoldsPlan(4);
});

test('cancel mid-write: reported cancelled, the board stays in the bootloader, and the next flash finishes it', async () => {
  const ac = new AbortController();
  const r = await flash(5, { signal: ac.signal, onProgress: undefined });
  assert.equal(r.outcome, 'flashed', 'a first flash, so the board has firmware');
  const other = await readFlashPlan(makeBuildDir({ chip: 'esp32s3', appSize: 192 * 1024, seed: 8 }));
  const phases: FlashPhase[] = [];
  const cancelled = await flashBoard(
    { path: lab.urls[4], plan: other, label: 'board 5' },
    { signal: ac.signal, onProgress: (p) => (phases.push(p.phase), p.phase === 'writing' && p.bytesWritten > 40_000 && ac.abort()) },
  );
  assert.equal(cancelled.outcome, 'cancelled');
  assert.equal(cancelled.error?.kind, 'cancelled');
  assert.ok(!phases.includes('done') && phases.at(-1) === 'cancelled', 'no success reported after a cancel');
  assert.equal(cancelled.boardState, 'bootloader');
  assert.match(cancelled.stateNote, /left in the bootloader .*partly written/);
  assert.equal((await lab.lab.listBoards())[4].state, 'download', 'the lab agrees: the board waits in its bootloader');
  const finish = await flashBoard({ path: lab.urls[4], plan: other, label: 'board 5' });
  assert.equal(finish.outcome, 'flashed', finish.error?.describe());
});

test('flash that corrupts every written block: a checksum error naming the board, left in the bootloader; a retry succeeds', async () => {
  await lab.lab.setFaults(6, { corruptFlashWrites: true });
  const r = await flash(6);
  assertFailedWithoutSuccess(r, ['checksum'], /^board 6: .* does not match after writing \(MD5 /);
  assert.equal(r.boardState, 'bootloader');
  assert.ok(r.regionsWritten.length > 0, 'the blocks were written; only the verify found them wrong');
  await lab.lab.setFaults(6, { corruptFlashWrites: false });
  const retry = await flash(6);
  assert.equal(retry.outcome, 'flashed', retry.error?.describe());
  await assertHoldsPlan(6);
});
