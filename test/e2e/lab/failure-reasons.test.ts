import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
  /** Another WebAssembly firmware for every board. */
  readonly wasm?: Uint8Array;
}

/**
 * The smallest firmware that links with the lab and crashes: the exports the lab wants, an io buffer of 4096
 * bytes at 0, and every entry point `unreachable`, a trap as a real firmware's crash is.
 */
function crashingFirmware(): Uint8Array {
  const leb = (n: number): number[] => (n < 0x80 ? [n] : [(n & 0x7f) | 0x80, ...leb(n >> 7)]);
  const section = (id: number, body: number[]) => [id, ...leb(body.length), ...body];
  const name = (n: string) => [n.length, ...Buffer.from(n)];
  const traps = ['epv_boot', 'epv_on_timer', 'epv_on_frame', 'epv_on_send_done', 'epv_on_wifi_connected', 'epv_on_wifi_disconnected', 'epv_on_got_ip', 'epv_power_off'];
  const exports = [[...name('memory'), 0x02, 0], [...name('epv_io_capacity'), 0, 0], [...name('epv_io_buffer'), 0, 1], ...traps.map((t) => [...name(t), 0, 2])];
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, [1, 0x60, 0, 1, 0x7f]), // one type: () -> i32
    ...section(3, [3, 0, 0, 0]), // three functions of it
    ...section(5, [1, 0, 1]), // one page of memory
    ...section(7, [exports.length, ...exports.flat()]),
    ...section(10, [3, 5, 0, 0x41, 0x80, 0x20, 0x0b, 4, 0, 0x41, 0, 0x0b, 3, 0, 0x00, 0x0b]), // 4096; 0; unreachable
  ]);
}

/** A responder and an initiator on lab boards, provisioned by the real workflow over RFC2217. */
async function provision(s: Scenario) {
  const baseline = process.getActiveResourcesInfo();
  const dir = mkdtempSync(join(tmpdir(), 'reasons-'));
  const lab = await Lab.start({ stateDir: join(dir, 'lab'), boards: [{ chip: 'esp32s3' }, { chip: 'esp32c3' }], programs: labPrograms, accessPoint: { ssid: s.apSsid ?? 'net', password: PASSWORD, channel: 6, security: 'wpa2-psk' } });
  const arbiter = new PortArbiter();
  const lines: string[] = [];
  const io = { out: (l: string) => lines.push(l), err: (l: string) => lines.push(l) };
  const wasmPath = s.wasm ? join(dir, 'firmware.wasm') : WASM_FIRMWARE;
  if (s.wasm) writeFileSync(wasmPath, s.wasm);
  const builder = new VirtualFirmwareBuilder({ wasmPath, cacheRoot: join(dir, 'cache') });
  const [r, i] = lab.boardList;
  const workflow = new ProvisionWorkflow(
    { boards: [{ path: r!.url, name: 'responder', role: 'responder', target: 'esp32s3' }, { path: i!.url, name: 'initiator', role: 'initiator', target: 'esp32c3' }], ssid: 'net', password: PASSWORD, channel: 6, security: 'secure', pairKey: KEY, followTimeoutMs: 60_000, ...s.request },
    {
      findBuild: (b, config) => builder.findBuild(b.target, s.buildConfig ? s.buildConfig(b.role, config) : config),
      build: (b, config, signal) => builder.build(b.target, s.buildConfig ? s.buildConfig(b.role, config) : config, { signal }),
      flash: (targets, signal, onProgress) => flashBoards(targets, { arbiter, baud: 921600, signal, onProgress, afterFlash: 'bootloader' }),
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

test('panic: a firmware that crashes at boot ends the run at once, naming the board (exit 15)', { timeout: 60_000 }, async () => {
  const { result, log, reasonOf } = await provision({ wasm: crashingFirmware() });
  assert.match(log, /Guru Meditation Error/);
  assert.equal(reasonOf('responder'), 'panic', result.reasons.join('\n'));
  assert.match(result.reasons.join('\n'), /^responder: the firmware crashed \(Guru Meditation Error/);
  assert.equal(exitCodeOfOutcomes(result.boards), 15);
});

test('wifi_timeout: an access point that never answers the join (exit 9)', { timeout: 90_000 }, async () => {
  const { result, log, reasonOf } = await provision({ before: async (lab) => lab.setAccessPoint({ ssid: 'net', password: PASSWORD, channel: 6, security: 'wpa2-psk', silentAt: 'association' }) });
  assert.equal(reasonOf('initiator'), 'wifi_timeout', log);
  assert.match(log, /PROV_EVT: failed reason=wifi_timeout/);
  assert.equal(exitCodeOfOutcomes(result.boards), 9);
});

test('dhcp_timeout: associated, but no lease ever comes (exit 9)', { timeout: 90_000 }, async () => {
  const { result, log, reasonOf } = await provision({ before: async (lab) => lab.setAccessPoint({ ssid: 'net', password: PASSWORD, channel: 6, security: 'wpa2-psk', silentAt: 'dhcp' }) });
  assert.equal(reasonOf('initiator'), 'dhcp_timeout', log);
  assert.match(log, /PROV_EVT: wifi_connected/);
  assert.equal(exitCodeOfOutcomes(result.boards), 9);
});

test('wifi_join_error: the Wi-Fi driver refuses the join, and the run ends at once with its error (exit 15)', { timeout: 60_000 }, async () => {
  const { result, log, reasonOf } = await provision({ before: async (lab) => void (await lab.setFaults(2, { wifiDriverRefusesJoin: true })) });
  assert.equal(reasonOf('initiator'), 'wifi_join_error', log);
  assert.match(log, /PROV_EVT: failed reason=wifi_join_error detail=ESP_ERR_WIFI_NOT_STARTED/);
  assert.equal(exitCodeOfOutcomes(result.boards), 15);
});
