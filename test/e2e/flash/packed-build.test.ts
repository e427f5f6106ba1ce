import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeVirtualBuild } from '../../../extension/src/core/build/image/virtual-build-writer';
import { flashBoards } from '../../../extension/src/core/flash/flash-boards';
import { readFlashPlan } from '../../../extension/src/core/flash/flash-plan';
import { assertNothingLeft, startFlashLab } from '../../support/flash/flash-lab';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'packed-build-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));

/** The product's packer for virtual boards: the same build-dir contract as `idf.py build`. */
function pack(target: 'esp32s3' | 'esp32c3'): string {
  const out = path.join(root, target);
  writeVirtualBuild({ target, sdkconfigText: `CONFIG_IDF_TARGET="${target}"\nCONFIG_ESPNOW_ROLE_RESPONDER=y\n`, wasm: new Uint8Array(8), outDir: out });
  return out;
}

test('builds packed by the virtual build writer flash per chip; a build for the wrong chip is refused before writing', async () => {
  const baseline = process.getActiveResourcesInfo();
  const s3 = await readFlashPlan(pack('esp32s3'));
  const c3 = await readFlashPlan(pack('esp32c3'));
  assert.equal(s3.chip, 'esp32s3');
  assert.deepEqual(s3.regions.map((r) => r.offset), [0x0, 0x8000, 0x10000]);
  const { lab, urls, dispose } = await startFlashLab(['esp32s3', 'esp32c3']);
  try {
    const wrong = await flashBoards([{ path: urls[0], plan: c3, label: 'board 1' }]);
    assert.equal(wrong.results[0].error?.kind, 'config');
    assert.match(wrong.results[0].error!.describe(), /^board 1: The build in .* is for esp32c3, but this board is an ESP32-S3\./);
    assert.equal(wrong.results[0].boardState, 'running-old');
    assert.equal(lab.boardList[0].flash.stats.dataBlocksWritten, 0);

    const right = await flashBoards([
      { path: urls[0], plan: s3, label: 'board 1' },
      { path: urls[1], plan: c3, label: 'board 2' },
    ]);
    assert.equal(right.ok, true, right.failed.map((r) => r.error?.describe()).join('\n'));
    for (const [i, plan] of [s3, c3].entries()) {
      for (const r of plan.regions) assert.ok(Buffer.from(await lab.readFlash(i + 1, r.offset, r.data.length)).equals(Buffer.from(r.data)));
    }
  } finally {
    dispose();
  }
  await assertNothingLeft(baseline);
});
