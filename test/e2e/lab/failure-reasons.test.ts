import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliMonitors } from '../../../extension/src/cli/workflow-output';
import { VirtualFirmwareBuilder } from '../../../extension/src/core/build/firmware-builder';
import { flashBoards } from '../../../extension/src/core/flash/flash-boards';
import { Redactor } from '../../../extension/src/core/monitor/redactor';
import { describeOutcome, exitCodeOfOutcomes } from '../../../extension/src/core/provision/failure-reasons';
import { ProvisionWorkflow, type ProvisionDeps, type ProvisionRequest } from '../../../extension/src/core/provision/provision-workflow';
import { PortArbiter } from '../../../extension/src/core/serial/port-arbiter';
import { Lab } from '../../../extension/src/lab/lab';
import { labPrograms } from '../../../extension/src/lab/lab-programs';
import { assertNothingLeft } from '../../support/lab/resources';
import { WASM_FIRMWARE } from '../../support/lab/virtual-firmware';

const KEY = 'ab'.repeat(32);
const PASSWORD = 'pw-12345678';

interface Scenario {
  /** What the run asks for, over a secure pair on the lab's network "net". */
  readonly request?: Partial<ProvisionRequest>;
  /** The lab's access point SSID (default: "net", the network the run hands out). */
  readonly apSsid?: string;
  /** Set up the lab after it starts (board 1 is the responder, board 2 the initiator). */
  readonly before?: (lab: Lab) => Promise<void>;
  /** Change the config a board's image is built with. */
  readonly buildConfig?: (role: string, config: Parameters<ProvisionDeps['build']>[1]) => Parameters<ProvisionDeps['build']>[1];
}

/** A responder and an initiator on lab boards, provisioned by the real workflow over RFC2217. */
async function provision(s: Scenario) {
  const baseline = process.getActiveResourcesInfo();
  const dir = mkdtempSync(join(tmpdir(), 'reasons-'));
  const lab = await Lab.start({ stateDir: join(dir, 'lab'), boards: [{ chip: 'esp32s3' }, { chip: 'esp32c3' }], programs: labPrograms, accessPoint: { ssid: s.apSsid ?? 'net', password: PASSWORD, channel: 6, security: 'wpa2-psk' } });
  const arbiter = new PortArbiter();
  const lines: string[] = [];
  const io = { out: (l: string) => lines.push(l), err: (l: string) => lines.push(l) };
  const builder = new VirtualFirmwareBuilder({ wasmPath: WASM_FIRMWARE, cacheRoot: join(dir, 'cache') });
  const [r, i] = lab.boardList;
  const workflow = new ProvisionWorkflow(
    { boards: [{ path: r!.url, name: 'responder', role: 'responder', target: 'esp32s3' }, { path: i!.url, name: 'initiator', role: 'initiator', target: 'esp32c3' }], ssid: 'net', password: PASSWORD, channel: 6, security: 'secure', pairKey: KEY, followTimeoutMs: 60_000, ...s.request },
    {
      build: (b, config, signal) => builder.build(b.target, s.buildConfig ? s.buildConfig(b.role, config) : config, { signal }),
      flash: (targets, signal, onProgress) => flashBoards(targets, { arbiter, baud: 921600, signal, onProgress }),
      monitor: cliMonitors({ arbiter, redactor: new Redactor([]), io, quiet: false }),
    },
  );
  try {
    await s.before?.(lab);
    const result = await workflow.run();
    return { result, log: lines.join('\n'), reasonOf: (board: string) => result.boards.find((o) => o.board === board)?.reason };
  } finally {
    workflow.dispose();
    lab.dispose();
    await assertNothingLeft(baseline, 3000);
    rmSync(dir, { recursive: true, force: true });
  }
}

test('window_expired: a responder whose window serves no one says so, and the run ends on it (exit 9)', { timeout: 90_000 }, async () => {
  const { result, log, reasonOf } = await provision({ request: { beaconWindowS: 2, scanTimeoutS: 60 }, before: (lab) => lab.moveOutOfRange(2) });
  assert.equal(result.outcome, 'failed', log);
  assert.match(log, /PROV_EVT: failed reason=window_expired detail=no_initiator_served/);
  assert.equal(reasonOf('responder'), 'window_expired', result.reasons.join('\n'));
  assert.equal(reasonOf('initiator'), 'unaffected', 'the initiator, still scanning, is not blamed');
  assert.match(result.reasons.join('\n'), /^responder: the beacon window ended before any initiator was served/);
  assert.equal(exitCodeOfOutcomes(result.boards), 9);
});

test('scan_timeout: an initiator that hears no beacon (exit 9)', { timeout: 90_000 }, async () => {
  const { result, log, reasonOf } = await provision({ request: { beaconWindowS: 60, scanTimeoutS: 2 }, before: (lab) => lab.moveOutOfRange(2) });
  assert.equal(reasonOf('initiator'), 'scan_timeout', log);
  assert.equal(reasonOf('responder'), 'unaffected');
  assert.equal(exitCodeOfOutcomes(result.boards), 9);
});

test('no_credentials: an initiator with another pair key, with the responder\'s refusal (exit 12)', { timeout: 90_000 }, async () => {
  const { result, log, reasonOf } = await provision({ request: { credentialsIn: 'menuconfig' }, buildConfig: (role, c) => (role === 'initiator' ? { ...c, pairKey: 'cd'.repeat(32) } : c) });
  assert.equal(reasonOf('initiator'), 'no_credentials', log);
  assert.match(describeOutcome(result.boards.find((o) => o.board === 'initiator')!), /the responder rejected a device: bad proof/);
  assert.equal(exitCodeOfOutcomes(result.boards), 12);
});

test('wifi_reason_<n>: the network the responder hands out is not on the air (exit 13)', { timeout: 90_000 }, async () => {
  const { result, log, reasonOf } = await provision({ apSsid: 'elsewhere' });
  assert.equal(reasonOf('initiator'), 'wifi_reason_201', log);
  assert.match(result.reasons.join('\n'), /initiator: no AP found \(SSID wrong or out of range\)/);
  assert.equal(exitCodeOfOutcomes(result.boards), 13);
});
