import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runNvsDumpCommand } from '../../../extension/src/cli/commands/nvs';
import { boardConfigPartition } from '../../../extension/src/core/provision/board-config';
import { ControlServer } from '../../../extension/src/lab/control-server';
import { Lab } from '../../../extension/src/lab/lab';
import { labPrograms } from '../../../extension/src/lab/lab-programs';
import { assertNothingLeft } from '../../support/lab/resources';
import { flashVirtualFirmware } from '../../support/lab/virtual-firmware';

test('the lab shows a board\'s configuration from its flash (nvs-dump --lab-board), secrets masked', { timeout: 60_000 }, async () => {
  const baseline = process.getActiveResourcesInfo();
  const dir = mkdtempSync(join(tmpdir(), 'lab-config-'));
  const lab = await Lab.start({ stateDir: dir, boards: [{ chip: 'esp32c3' }], programs: labPrograms });
  const control = await ControlServer.listen(lab, dir);
  try {
    const out: string[] = [];
    const io = { out: (l: string) => out.push(l), err: (l: string) => out.push(l) };
    await assert.rejects(runNvsDumpCommand(['--lab-board', '1', '--state-dir', dir], io), /Lab board 1 has no readable partition table .*nothing flashed yet/);
    const board = lab.boardList[0]!;
    flashVirtualFirmware(board.flash, 'esp32c3', 'responder', 'SECURE', join(dir, 'build'));
    board.flash.write(0x9000, boardConfigPartition({ role: 'responder', security: 'secure', ssid: 'home', password: 'hunter2 hunter2', channel: 6, pairKey: '9f'.repeat(32) }, 0x6000));
    board.flash.flush();
    assert.equal(await runNvsDumpCommand(['--lab-board', '1', '--state-dir', dir], io), 0);
    const text = out.join('\n');
    assert.match(text, /lab board 1 \(nvs at 0x9000\)/);
    assert.match(text, /ssid +string +"home"/);
    assert.match(text, /password +string +<15 bytes, hidden>/);
    assert.match(text, /pair_key +blob +<32 bytes>/);
    assert.ok(!text.includes('hunter2'));
  } finally {
    control.dispose();
    lab.dispose();
  }
  await assertNothingLeft(baseline, 3000);
  rmSync(dir, { recursive: true, force: true });
});
