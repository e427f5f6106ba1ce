// Where the switch to the flash baud happens, per chip: the ESP32-S3 and -C3 ROMs switch before the stub is
// uploaded (their stub keeps the ROM's rate), the ESP32 keeps esptool's order (stub at 115200, then the stub
// switches). Either way a board that does not follow the fast rate falls back, and every flash verifies.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { flashBoards } from '../../../extension/src/core/flash/flash-boards';
import { readFlashPlan } from '../../../extension/src/core/flash/flash-plan';
import { Rfc2217Client } from '../../../extension/src/core/serial/rfc2217-client';
import type { VirtualBoard } from '../../../extension/src/lab/board/virtual-board';
import { makeBuildDir, removeBuildDirs } from '../../support/flash/build-dir';
import { assertNothingLeft, startFlashLab } from '../../support/flash/flash-lab';

after(removeBuildDirs);

const CHIPS = ['esp32', 'esp32s3', 'esp32c3'] as const;

/** The chip's UART rate at every start of the flasher stub (the lab logs "flasher stub running"). */
function stubStartBauds(board: VirtualBoard): number[] {
  const bauds: number[] = [];
  board.onDidLog((line) => {
    if (line.endsWith('flasher stub running')) bauds.push(board.uartBaud);
  });
  return bauds;
}

test('ESP32-S3 and -C3 get the stub at the flash baud (the ROM switches first); the ESP32 at 115200, then switches', async () => {
  const baseline = process.getActiveResourcesInfo();
  const { lab, urls, dispose } = await startFlashLab(CHIPS);
  try {
    const plan = await readFlashPlan(makeBuildDir({ chip: null, appSize: 96 * 1024, seed: 31 }));
    const bauds = lab.boardList.map(stubStartBauds);
    const log: string[] = [];
    const r = await flashBoards(urls.map((path, i) => ({ path, plan, label: CHIPS[i] })), { baud: 921600, log: (l) => log.push(l) });
    assert.equal(r.ok, true, r.failed.map((f) => f.error?.describe()).join('\n'));
    assert.deepEqual(r.results.map((x) => [x.chipInfo?.chip, x.baud]), [['ESP32', 921600], ['ESP32-S3', 921600], ['ESP32-C3', 921600]]);
    assert.deepEqual(bauds, [[115200], [921600], [921600]], 'the rate each chip ran at when its stub started');
    assert.deepEqual(log.filter((l) => /falling back/.test(l)), []);
    for (const [i] of CHIPS.entries()) {
      for (const region of plan.regions) assert.ok(Buffer.from(await lab.readFlash(i + 1, region.offset, region.data.length)).equals(Buffer.from(region.data)), `${CHIPS[i]} holds ${region.name}`);
    }
    // The second flash only compares: connects the same way and writes nothing.
    const again = await flashBoards(urls.map((path, i) => ({ path, plan, label: CHIPS[i] })), { baud: 921600 });
    assert.deepEqual(again.results.map((x) => [x.outcome, x.baud]), Array(3).fill(['unchanged', 921600]));
    assert.deepEqual(bauds, [[115200, 115200], [921600, 921600], [921600, 921600]]);
  } finally {
    dispose();
  }
  await assertNothingLeft(baseline);
});

test('a board that does not follow 921600 falls back to 460800: in the ROM before the stub (S3, C3), in the stub (ESP32)', { timeout: 60_000 }, async () => {
  const baseline = process.getActiveResourcesInfo();
  const { lab, urls, dispose } = await startFlashLab(CHIPS);
  try {
    const plan = await readFlashPlan(makeBuildDir({ chip: null, appSize: 48 * 1024, seed: 32 }));
    const bauds = lab.boardList.map(stubStartBauds);
    // A bridge that cannot do 921600: asked for it, its line runs at 700000 and nothing gets through.
    const openLink = (path: string): Rfc2217Client => {
      const link = new Rfc2217Client(path);
      const set = link.setBaudRate.bind(link);
      link.setBaudRate = (baud: number) => set(baud === 921600 ? 700_000 : baud);
      return link;
    };
    const log: string[] = [];
    const r = await flashBoards(urls.map((path, i) => ({ path, plan, label: CHIPS[i] })), { baud: 921600, openLink, log: (l) => log.push(l) });
    assert.equal(r.ok, true, r.failed.map((f) => f.error?.describe()).join('\n'));
    assert.deepEqual(r.results.map((x) => x.baud), [460800, 460800, 460800]);
    for (const chip of CHIPS) assert.ok(log.includes(`${chip}: did not answer at 921600 baud; falling back to 460800 baud.`), log.join('\n'));
    // ESP32: stub at 115200, and again after the reset that follows the failed switch. S3/C3: the ROM's
    // switch failed, so the board was reset, switched again in the ROM, and got its stub once, at 460800.
    assert.deepEqual(bauds, [[115200, 115200], [460800], [460800]]);
    for (const [i] of CHIPS.entries()) {
      for (const region of plan.regions) assert.ok(Buffer.from(await lab.readFlash(i + 1, region.offset, region.data.length)).equals(Buffer.from(region.data)), `${CHIPS[i]} holds ${region.name}`);
    }
  } finally {
    dispose();
  }
  await assertNothingLeft(baseline);
});

test('a stub that sets its UART back to 115200 (its "OHAI" at the wrong rate): S3 and C3 reconnect and take esptool\'s order, and flash', { timeout: 90_000 }, async () => {
  const baseline = process.getActiveResourcesInfo();
  const chips = ['esp32s3', 'esp32c3'] as const;
  const { lab, urls, dispose } = await startFlashLab(chips);
  try {
    for (const i of [1, 2]) await lab.setFaults(i, { stubResetsBaud: true });
    const plan = await readFlashPlan(makeBuildDir({ chip: null, appSize: 48 * 1024, seed: 33 }));
    const bauds = lab.boardList.map(stubStartBauds);
    const log: string[] = [];
    const r = await flashBoards(urls.map((path, i) => ({ path, plan, label: chips[i] })), { baud: 921600, log: (l) => log.push(l) });
    assert.equal(r.ok, true, r.failed.map((f) => f.error?.describe()).join('\n'));
    assert.deepEqual(r.results.map((x) => x.baud), [921600, 921600], 'the stub then switches to the flash baud');
    for (const chip of chips) assert.ok(log.some((l) => l.startsWith(`${chip}: the flasher stub did not answer at 921600 baud`)), log.join('\n'));
    // First at 921600 (unheard), then, after the reset, at 115200 as esptool does it.
    assert.deepEqual(bauds, [[921600, 115200], [921600, 115200]]);
    for (const [i] of chips.entries()) {
      for (const region of plan.regions) assert.ok(Buffer.from(await lab.readFlash(i + 1, region.offset, region.data.length)).equals(Buffer.from(region.data)), `${chips[i]} holds ${region.name}`);
    }
  } finally {
    dispose();
  }
  await assertNothingLeft(baseline);
});
