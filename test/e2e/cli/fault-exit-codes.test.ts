import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDemoCommand } from '../../../extension/src/cli/commands/demo';
import { runFlashCommand } from '../../../extension/src/cli/commands/flash';
import { runProvisionCommand } from '../../../extension/src/cli/commands/provision';
import { exitCodeOf, isProvisionError } from '../../../extension/src/core/common/errors';
import type { BoardFaults } from '../../../extension/src/lab/chip/chip-program';
import { Lab } from '../../../extension/src/lab/lab';
import { labPrograms } from '../../../extension/src/lab/lab-programs';
import { assertNothingLeft } from '../../support/lab/resources';
import { packBuild, TEST_PRODUCT_PATHS as paths } from '../../support/lab/virtual-firmware';

/** The README's exit-code table: a fault the lab injects, and the code every command must exit with. */
const FAULTS: ReadonlyArray<{ name: string; faults: Partial<BoardFaults>; code: number }> = [
  { name: 'a silent bootloader', faults: { silentBootloader: true }, code: 6 },
  { name: 'a connection dropped mid-flash', faults: { dropAfterBytes: 30_000 }, code: 5 },
  { name: 'flash writes that fail their MD5', faults: { corruptFlashWrites: true }, code: 8 },
];

const io = () => {
  const lines: string[] = [];
  return { io: { out: (l: string) => lines.push(l), err: (l: string) => lines.push(l) }, text: () => lines.join('\n') };
};

/** What `espnow-prov` (cli/main.ts) does with a command's result or error. */
async function exitCode(run: () => Promise<number>): Promise<number> {
  try {
    return await run();
  } catch (e) {
    if (isProvisionError(e)) return exitCodeOf[e.kind];
    throw e;
  }
}

/** A responder and an initiator on lab boards, the initiator (board 2) with `faults`. */
async function withLab<T>(faults: Partial<BoardFaults>, fn: (urls: string[], dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'fault-exit-'));
  const lab = await Lab.start({ stateDir: join(dir, 'lab'), boards: [{ chip: 'esp32s3' }, { chip: 'esp32c3' }], programs: labPrograms, accessPoint: { ssid: 'net', password: 'pw-12345678', channel: 6, security: 'wpa2-psk' } });
  try {
    await lab.setFaults(2, faults);
    return await fn(lab.boardList.map((b) => b.url), dir);
  } finally {
    lab.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}

for (const { name, faults, code } of FAULTS) {
  test(`${name}: flash, provision and demo exit with ${code}`, { timeout: 180_000 }, async () => {
    const baseline = process.getActiveResourcesInfo();
    const flash = io();
    const flashCode = await withLab(faults, (urls, dir) => exitCode(() => runFlashCommand(['--build', packBuild('esp32c3', 'initiator', 'SECURE', join(dir, 'build')), urls[1]], flash.io)));
    assert.equal(flashCode, code, `flash:\n${flash.text()}`);

    const provision = io();
    const provisionCode = await withLab(faults, ([r, i], dir) =>
      exitCode(() => runProvisionCommand(['--responder', r, '--initiator', i, '--ssid', 'net', '--builder', 'virtual', '--build-cache', join(dir, 'cache'), '--timeout', '30', '--quiet'], provision.io, { paths, env: { ESPNOW_WIFI_PASSWORD: 'pw-12345678', ESPNOW_PAIR_KEY: 'ab'.repeat(32) } })),
    );
    assert.equal(provisionCode, code, `provision:\n${provision.text()}`);

    const demo = io();
    const demoCode = await exitCode(() => runDemoCommand(['--timeout', '30', '--quiet'], demo.io, { paths, signals: new EventEmitter(), onLab: async (lab) => void (await lab.setFaults(2, faults)) }));
    assert.equal(demoCode, code, `demo:\n${demo.text()}`);
    await assertNothingLeft(baseline, 3000);
  });
}
