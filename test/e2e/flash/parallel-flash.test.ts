import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { connectEsptool } from '../../../extension/src/core/flash/esptool-loader';
import { flashBoards, type FlashBoardsResult } from '../../../extension/src/core/flash/flash-boards';
import { readFlashPlan, type FlashPlan } from '../../../extension/src/core/flash/flash-plan';
import { identifyBoards } from '../../../extension/src/core/flash/identify';
import { Rfc2217Client } from '../../../extension/src/core/serial/rfc2217-client';
import type { Lab } from '../../../extension/src/lab/lab';
import { makeBuildDir, removeBuildDirs } from '../../support/flash/build-dir';
import { assertNothingLeft, startFlashLab } from '../../support/flash/flash-lab';

after(removeBuildDirs);

async function assertBoardsHold(lab: Lab, count: number, plan: FlashPlan): Promise<void> {
  for (let i = 1; i <= count; i++) {
    for (const r of plan.regions) {
      const back = await lab.readFlash(i, r.offset, r.data.length);
      assert.ok(Buffer.from(back).equals(Buffer.from(r.data)), `board ${i} holds ${r.name}`);
    }
  }
}

function report(label: string, result: FlashBoardsResult): void {
  const rows = result.results.map((r) => `${r.board} ${r.outcome} ${(r.bytesWritten / 1024).toFixed(0)} KB in ${(r.durationMs / 1000).toFixed(1)} s at ${r.baud}`);
  console.log(`${label} (${(result.durationMs / 1000).toFixed(1)} s):\n  ${rows.join('\n  ')}`);
}

async function flashTwiceAndCheck(count: number, appSize: number): Promise<void> {
  const baseline = process.getActiveResourcesInfo();
  const { lab, urls, dispose } = await startFlashLab(Array(count).fill('esp32s3'));
  try {
    const plan = await readFlashPlan(makeBuildDir({ chip: 'esp32s3', appSize, seed: count }));
    const phases = new Map<string, Set<string>>();
    const first = await flashBoards(
      urls.map((path, i) => ({ path, plan, label: `board ${i + 1}` })),
      { onProgress: (_o, p) => phases.set(p.board, (phases.get(p.board) ?? new Set()).add(p.phase)) },
    );
    report(`${count} boards, first flash`, first);
    assert.equal(first.ok, true, first.failed.map((r) => r.error?.describe()).join('\n'));
    assert.deepEqual(first.results.map((r) => r.outcome), Array(count).fill('flashed'));
    for (const [, seen] of phases) assert.deepEqual([...seen], ['connecting', 'comparing', 'writing', 'verifying', 'resetting', 'done']);
    await assertBoardsHold(lab, count, plan);
    const macs = new Set(first.results.map((r) => r.chipInfo?.mac));
    assert.equal(macs.size, count, 'every board flashed once, none twice');

    const blocksBefore = lab.boardList.map((b) => b.flash.stats.dataBlocksWritten);
    assert.ok(blocksBefore.every((n) => n > 0));
    const second = await flashBoards(urls.map((path, i) => ({ path, plan, label: `board ${i + 1}` })));
    report(`${count} boards, second flash`, second);
    assert.deepEqual(second.results.map((r) => r.outcome), Array(count).fill('unchanged'));
    assert.ok(second.results.every((r) => r.regionsWritten.length === 0 && r.regionsSkipped.length === plan.regions.length && r.bytesWritten === 0));
    assert.deepEqual(lab.boardList.map((b) => b.flash.stats.dataBlocksWritten), blocksBefore, 'the second flash wrote no data block');
  } finally {
    dispose();
  }
  await assertNothingLeft(baseline);
}

test('two boards flashed in parallel: MD5-verified, read back identical; a second flash writes no data blocks', async () => {
  await flashTwiceAndCheck(2, 512 * 1024);
});

test('eight boards flashed in parallel with the same image; the second flash only compares MD5s', async () => {
  await flashTwiceAndCheck(8, 256 * 1024);
});

test('esptool readFlash through our loader reads back what was flashed', async () => {
  const baseline = process.getActiveResourcesInfo();
  const { urls, dispose } = await startFlashLab(['esp32c3']);
  try {
    const plan = await readFlashPlan(makeBuildDir({ chip: 'esp32c3', appSize: 64 * 1024, seed: 9 }));
    const r = await flashBoards([{ path: urls[0], plan }]);
    assert.equal(r.ok, true);
    const link = new Rfc2217Client(urls[0]);
    const loader = await connectEsptool(link, { board: 'board 1' });
    try {
      const app = plan.regions.at(-1)!;
      const back = await loader.readFlash(app.offset, app.data.length);
      assert.ok(Buffer.from(back).equals(Buffer.from(app.data)));
      await loader.hardReset();
    } finally {
      await loader.close();
      link.dispose();
    }
  } finally {
    dispose();
  }
  await assertNothingLeft(baseline);
});

test('eight boards are identified in parallel: chip, revision, MAC, flash size, then reset to run', { timeout: 120_000 }, async () => {
  const baseline = process.getActiveResourcesInfo();
  const chips = ['esp32', 'esp32s3', 'esp32c3', 'esp32s3', 'esp32', 'esp32c3', 'esp32s3', 'esp32s3'] as const;
  const { lab, urls, dispose } = await startFlashLab(chips);
  try {
    let t = performance.now();
    const one = await identifyBoards(urls.slice(0, 1));
    const oneMs = performance.now() - t;
    t = performance.now();
    const all = await identifyBoards(urls);
    const allMs = performance.now() - t;
    console.log(`identify: 1 board ${oneMs.toFixed(0)} ms, 8 boards ${allMs.toFixed(0)} ms`);
    assert.equal(one[0].result?.chipInfo.mac, all[0].result?.chipInfo.mac);
    const info = await lab.listBoards();
    for (const [i, o] of all.entries()) {
      assert.equal(o.error, undefined, o.error?.describe());
      const r = o.result!;
      assert.equal(r.chipInfo.mac, info[i].mac);
      assert.equal(r.chipInfo.chip, info[i].chipLabel);
      assert.equal(r.chipInfo.flashSize, '4MB');
      assert.ok(r.chipInfo.revision && r.description.startsWith(info[i].chipLabel === 'ESP32' ? 'ESP32-D0WD' : info[i].chipLabel));
    }
    // The reset back to run: boards leave download mode once the reset pulse ends, which identify does
    // not wait for. Poll until they all run; only the test's timeout bounds the wait.
    const running = Array(8).fill('flash');
    let states = (await lab.listBoards()).map((b) => b.state);
    while (states.some((s, i) => s !== running[i])) {
      await new Promise((r) => setTimeout(r, 10));
      states = (await lab.listBoards()).map((b) => b.state);
    }
    assert.deepEqual(states, running, 'every board was reset into its firmware');
  } finally {
    dispose();
  }
  await assertNothingLeft(baseline);
});
