import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliMonitors } from '../../../extension/src/cli/workflow-output';
import { VirtualFirmwareBuilder } from '../../../extension/src/core/build/firmware-builder';
import { writeVirtualBuild } from '../../../extension/src/core/build/image/virtual-build-writer';
import { flashBoards } from '../../../extension/src/core/flash/flash-boards';
import { Redactor } from '../../../extension/src/core/monitor/redactor';
import { exitCodeOfOutcomes } from '../../../extension/src/core/provision/failure-reasons';
import { ProvisionWorkflow, type ProvisionDeps } from '../../../extension/src/core/provision/provision-workflow';
import { PortArbiter } from '../../../extension/src/core/serial/port-arbiter';
import { Lab } from '../../../extension/src/lab/lab';
import { labPrograms } from '../../../extension/src/lab/lab-programs';
import { assertNothingLeft } from '../../support/lab/resources';
import { WASM_FIRMWARE } from '../../support/lab/virtual-firmware';

const KEY = 'ab'.repeat(32);
/** Far beyond the test's own timeout: a run that waits for it instead of ending at once fails the test. */
const FOLLOW_FOREVER_MS = 10 * 60_000;

/** A responder and an initiator on lab boards, provisioned by a workflow whose build step the test chooses. */
async function provisionWith(build: (dir: string) => ProvisionDeps['build']) {
  const baseline = process.getActiveResourcesInfo();
  const dir = mkdtempSync(join(tmpdir(), 'fw-start-'));
  const lab = await Lab.start({ stateDir: join(dir, 'lab'), boards: [{ chip: 'esp32s3' }, { chip: 'esp32c3' }], programs: labPrograms, accessPoint: { ssid: 'net', password: 'pw-12345678', channel: 6, security: 'wpa2-psk' } });
  const arbiter = new PortArbiter();
  const lines: string[] = [];
  const io = { out: (l: string) => lines.push(l), err: (l: string) => lines.push(l) };
  const [r, i] = lab.boardList;
  const workflow = new ProvisionWorkflow(
    { boards: [{ path: r!.url, name: 'responder', role: 'responder', target: 'esp32s3' }, { path: i!.url, name: 'initiator', role: 'initiator', target: 'esp32c3' }], ssid: 'net', password: 'pw-12345678', channel: 6, security: 'secure', pairKey: KEY, followTimeoutMs: FOLLOW_FOREVER_MS },
    { build: build(dir), findBuild: async () => undefined, flash: (targets, signal, onProgress) => flashBoards(targets, { arbiter, baud: 921600, signal, onProgress, afterFlash: 'bootloader' }), monitor: cliMonitors({ arbiter, redactor: new Redactor([]), io, quiet: false }) },
  );
  try {
    return { result: await workflow.run(), log: lines.join('\n') };
  } finally {
    workflow.dispose();
    lab.dispose();
    await assertNothingLeft(baseline, 3000);
    rmSync(dir, { recursive: true, force: true });
  }
}

test('a virtual board that cannot start its firmware ends the run at once, with the reason, naming the board', { timeout: 60_000 }, async () => {
  const { result, log } = await provisionWith((dir) => {
    // An image whose module is damaged: flashable and bootable, but no firmware can run from it.
    const corrupt = join(dir, 'corrupt.wasm');
    writeFileSync(corrupt, Buffer.concat([readFileSync(WASM_FIRMWARE).subarray(0, 4096), Buffer.alloc(64, 0xff)]));
    const builder = new VirtualFirmwareBuilder({ wasmPath: corrupt, cacheRoot: join(dir, 'cache') });
    return async (b, config, signal) => builder.build(b.target, config, { signal });
  });
  assert.equal(result.outcome, 'failed', log);
  assert.equal(result.stage, 'following');
  // The responder's failure alone ends the run (no initiator can be served); the initiator's may be listed too.
  assert.deepEqual(result.boards.find((o) => o.board === 'responder')?.reason, 'firmware_not_started');
  assert.match(result.reasons.join('\n'), /responder: the virtual board could not start its firmware: its WebAssembly module is corrupt \(/);
  assert.equal(exitCodeOfOutcomes(result.boards), 15);
});

test('a configuration the firmware refuses at boot ends the run with its "config error at line N" reason', { timeout: 60_000 }, async () => {
  const { result, log } = await provisionWith((dir) => async (b) => {
    // What a hand-edited or corrupted sdkconfig does: the responder's channel is out of range.
    const outDir = join(dir, `build-${b.role}`);
    const sdkconfig = b.role === 'responder' ? 'CONFIG_ESPNOW_ROLE_RESPONDER=y\nCONFIG_ESPNOW_CHANNEL=42\n' : 'CONFIG_ESPNOW_ROLE_INITIATOR=y\n';
    writeVirtualBuild({ target: b.target as 'esp32s3' | 'esp32c3', sdkconfigText: sdkconfig, wasm: readFileSync(WASM_FIRMWARE), outDir });
    return { buildDir: outDir, cached: false };
  });
  assert.equal(result.outcome, 'failed', log);
  assert.deepEqual(result.boards.find((o) => o.board === 'responder')?.reason, 'config_error');
  assert.match(result.reasons.join('\n'), /responder: the firmware stopped at boot: config error at line 2: CHANNEL: 0\.\.13/);
  assert.equal(exitCodeOfOutcomes(result.boards), 2);
});
