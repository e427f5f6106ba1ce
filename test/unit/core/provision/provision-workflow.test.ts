import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Emitter } from '../../../../extension/src/core/common/emitter';
import { ProvisionError } from '../../../../extension/src/core/common/errors';
import type { FirmwareConfig } from '../../../../extension/src/core/build/sdkconfig';
import type { FlashBoardsResult } from '../../../../extension/src/core/flash/flash-boards';
import type { BoardState } from '../../../../extension/src/core/monitor/board-state';
import { exitCodeOfOutcomes } from '../../../../extension/src/core/provision/failure-reasons';
import { ProvisionWorkflow, type BoardMonitor, type ProvisionBoard, type ProvisionDeps, type ProvisionStage } from '../../../../extension/src/core/provision/provision-workflow';
import { makeBuildDir } from '../../../support/flash/build-dir';
import type { FlashTarget } from '../../../../extension/src/core/flash/flash-board';
import { readNvsPartition } from '../../../../extension/src/core/nvs';
import { BOARD_CONFIG_REGION } from '../../../../extension/src/core/provision/board-config-plan';

const boards: ProvisionBoard[] = [
  { path: 'rfc2217://h:1', name: 'responder', role: 'responder', target: 'esp32s3' },
  { path: 'rfc2217://h:2', name: 'initiator 1', role: 'initiator', target: 'esp32c3' },
  { path: 'rfc2217://h:3', name: 'initiator 2', role: 'initiator', target: 'esp32c3' },
];
const request = { boards, ssid: 'lab', password: 'correct horse', channel: 6, security: 'secure' as const, pairKey: 'ab'.repeat(32), followTimeoutMs: 2000 };

class FakeMonitor implements BoardMonitor {
  private readonly emitter = new Emitter<BoardState>();
  readonly onDidChangeState = this.emitter.event;
  state: BoardState = { status: 'provisioned', ip: '10.0.0.1' }; // stale state from an earlier run
  resets = 0;
  constructor(private readonly script: (m: FakeMonitor) => void) {}
  get listeners(): number {
    return this.emitter.listenerCount;
  }
  async whenOpen(): Promise<void> {}
  resetState(): void {
    this.state = { status: 'unknown' };
  }
  async resetBoard(): Promise<void> {
    this.resets++;
    setImmediate(() => this.script(this));
  }
  set(s: BoardState): void {
    this.state = s;
    this.emitter.fire(s);
  }
  dispose(): void {}
}

function deps(over: Partial<ProvisionDeps> & { script?: (b: ProvisionBoard, m: FakeMonitor) => void } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'wf-'));
  const configs: Array<[string, FirmwareConfig]> = [];
  const lookups: string[] = [];
  const monitors: FakeMonitor[] = [];
  const d: ProvisionDeps = {
    build: async (b, config) => {
      configs.push([`${b.role}:${b.target}`, config]);
      return { buildDir: makeBuildDir({ chip: b.target, appSize: 4096, seed: configs.length }), cached: false };
    },
    // The build cache holds an earlier image of every key (Update Credentials' usual case).
    findBuild: async (b) => (lookups.push(`${b.role}:${b.target}`), makeBuildDir({ chip: b.target, appSize: 4096, seed: 100 + lookups.length })),
    flash: async (targets) =>
      ({ ok: true, results: targets.map((t) => ({ board: t.label, outcome: 'flashed' })), failed: [], cancelled: [], durationMs: 1 }) as unknown as FlashBoardsResult,
    monitor: async (b) => {
      const m = new FakeMonitor((mm) => (over.script ?? defaultScript)(b, mm));
      monitors.push(m);
      return m;
    },
    ...over,
  };
  return { d, configs, lookups, monitors, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

function defaultScript(b: ProvisionBoard, m: FakeMonitor): void {
  if (b.role === 'responder') m.set({ status: 'credentialsSent' });
  else m.set({ status: 'provisioned', ip: `192.168.4.${100 + Number(b.name.slice(-1))}` });
}

/** The NVS values a run put into each board's plan, by board name. */
function nvsByBoard(targets: readonly FlashTarget[]): Map<string, Map<string, unknown>> {
  return new Map(
    targets.map((t): [string, Map<string, unknown>] => {
      const region = t.plan.regions.find((r) => r.name === BOARD_CONFIG_REGION)!;
      const erased = region.data.every((b) => b === 0xff);
      return [t.label ?? t.path, erased ? new Map() : new Map(readNvsPartition(region.data).values.map((v) => [v.key, v.value]))];
    }),
  );
}

test('a fleet runs its stages in order, builds one image per chip, gives each board its own NVS configuration, and succeeds with every IP', async () => {
  let flashed: readonly FlashTarget[] = [];
  const { d, configs, monitors, cleanup } = deps();
  const flash = d.flash;
  d.flash = async (targets, signal, onProgress) => ((flashed = targets), flash(targets, signal, onProgress));
  const wf = new ProvisionWorkflow(request, d);
  const stages: ProvisionStage[] = [];
  wf.onDidChangeStage((s) => stages.push(s.stage));
  const r = await wf.run();
  assert.equal(r.outcome, 'succeeded', r.reasons.join('\n'));
  assert.deepEqual(stages, ['building', 'flashing', 'monitoring', 'following', 'succeeded']);
  assert.deepEqual(configs.map(([k]) => k), ['responder:esp32s3', 'initiator:esp32c3'], 'one build per chip');
  assert.ok(configs.every(([, c]) => c.password === '' && c.ssid === '' && c.pairKey === ''), 'no image carries a secret');
  const nvs = nvsByBoard(flashed);
  assert.equal(nvs.get('responder')!.get('password'), 'correct horse');
  assert.equal(nvs.get('responder')!.get('role'), 0);
  assert.equal(nvs.get('initiator 1')!.get('role'), 1);
  assert.equal(nvs.get('initiator 1')!.has('password'), false, 'an initiator gets no credentials');
  assert.equal(Buffer.from(nvs.get('initiator 2')!.get('pair_key') as Uint8Array).toString('hex'), 'ab'.repeat(32));
  assert.deepEqual([...r.ips], [['initiator 1', '192.168.4.101'], ['initiator 2', '192.168.4.102']]);
  assert.deepEqual(r.boards, [
    { board: 'responder', reason: 'served' },
    { board: 'initiator 1', reason: 'provisioned', detail: '192.168.4.101' },
    { board: 'initiator 2', reason: 'provisioned', detail: '192.168.4.102' },
  ]);
  assert.ok(monitors.every((m) => m.resets === 1), 'each board is reset once its monitor listens');
  assert.ok(r.timings.flashing !== undefined && r.timings.following !== undefined);
  cleanup();
});

test('credentials in menuconfig: one image per role and chip with the responder\'s credentials, NVS partitions erased', async () => {
  let flashed: readonly FlashTarget[] = [];
  const { d, configs, cleanup } = deps();
  const flash = d.flash;
  d.flash = async (targets, signal, onProgress) => ((flashed = targets), flash(targets, signal, onProgress));
  const r = await new ProvisionWorkflow({ ...request, credentialsIn: 'menuconfig' }, d).run();
  assert.equal(r.outcome, 'succeeded', r.reasons.join('\n'));
  assert.deepEqual(configs.map(([k]) => k), ['responder:esp32s3', 'initiator:esp32c3']);
  assert.equal(configs[0]![1].password, 'correct horse');
  assert.equal(configs[1]![1].password, '', 'an initiator image carries no credentials');
  assert.ok([...nvsByBoard(flashed).values()].every((m) => m.size === 0), 'values an earlier NVS run left cannot override the images');
  cleanup();
});

test('update only: no build stage, and each board gets only its NVS partition', async () => {
  let flashed: readonly FlashTarget[] = [];
  const { d, configs, lookups, cleanup } = deps();
  const flash = d.flash;
  d.flash = async (targets, signal, onProgress) => ((flashed = targets), flash(targets, signal, onProgress));
  const wf = new ProvisionWorkflow({ ...request, updateOnly: true }, d);
  const stages: ProvisionStage[] = [];
  wf.onDidChangeStage((s) => stages.push(s.stage));
  assert.equal((await wf.run()).outcome, 'succeeded');
  assert.deepEqual(stages, ['flashing', 'monitoring', 'following', 'succeeded']);
  assert.deepEqual(configs, [], 'the images were looked up, never built');
  assert.deepEqual(lookups, ['responder:esp32s3', 'initiator:esp32c3']);
  assert.ok(flashed.every((t) => t.plan.regions.length === 1 && t.plan.regions[0]!.name === BOARD_CONFIG_REGION));
  assert.throws(() => new ProvisionWorkflow({ ...request, updateOnly: true, credentialsIn: 'menuconfig' }, d), /Update Credentials writes the boards' NVS partitions/);
  cleanup();
});

test('update only, the build cache lost an image: the build runs as its own stage, not under flashing', async () => {
  const { d, configs, cleanup } = deps({ findBuild: async () => undefined });
  const wf = new ProvisionWorkflow({ ...request, updateOnly: true }, d);
  const stages: ProvisionStage[] = [];
  wf.onDidChangeStage((s) => stages.push(s.stage));
  const r = await wf.run();
  assert.equal(r.outcome, 'succeeded', r.reasons.join('\n'));
  assert.deepEqual(stages, ['building', 'flashing', 'monitoring', 'following', 'succeeded']);
  assert.deepEqual(configs.map(([k]) => k), ['responder:esp32s3', 'initiator:esp32c3']);
  assert.ok(r.timings.building !== undefined);
  cleanup();
});

test('following ends on the state event that decides the run, and leaves no timer or subscription behind', { timeout: 5000 }, async () => {
  const { d, monitors, cleanup } = deps();
  const wf = new ProvisionWorkflow({ ...request, followTimeoutMs: 10 * 60_000 }, d);
  const timersBefore = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
  const started = performance.now();
  const r = await wf.run();
  assert.equal(r.outcome, 'succeeded', r.reasons.join('\n'));
  assert.ok(performance.now() - started < 2000, 'ended on the event, not at the deadline');
  assert.equal(process.getActiveResourcesInfo().filter((t) => t === 'Timeout').length, timersBefore, 'the deadline timer is gone');
  assert.ok(monitors.every((m) => m.listeners === 0), 'the run unsubscribed from every monitor');
  cleanup();
});

test('a stale "got IP" from before the run does not count', async () => {
  const { d, cleanup } = deps({ script: (b, m) => (b.role === 'responder' ? m.set({ status: 'beaconing' }) : m.set({ status: 'scanning' })) });
  const r = await new ProvisionWorkflow({ ...request, followTimeoutMs: 300 }, d).run();
  assert.equal(r.outcome, 'failed');
  assert.equal(r.stage, 'following');
  assert.match(r.reasons.join('\n'), /initiator 1: timed out while scanning for a responder/);
  assert.deepEqual(r.boards.map((o) => o.reason), ['unaffected', 'timeout', 'timeout']);
  cleanup();
});

test('a board that fails to flash stops the run with its reason', async () => {
  const { d, cleanup } = deps({
    flash: async () =>
      ({
        ok: false,
        results: [
          { board: 'responder', outcome: 'flashed', stateNote: 'runs the new firmware' },
          { board: 'initiator 2', outcome: 'failed', error: new ProvisionError('bootloader-silent', 'did not answer the ROM bootloader sync.', 'initiator 2', 'Hold BOOT and press RESET.'), stateNote: 'state unknown' },
        ],
        failed: [],
        cancelled: [],
        durationMs: 1,
      }) as unknown as FlashBoardsResult,
  });
  const r = await new ProvisionWorkflow(request, d).run();
  assert.equal(r.outcome, 'failed');
  assert.equal(r.stage, 'flashing');
  assert.deepEqual(r.reasons, ['initiator 2: did not answer the ROM bootloader sync. Hold BOOT and press RESET. (state unknown)']);
  assert.deepEqual(r.boards.map((o) => [o.board, o.reason]), [['responder', 'unaffected'], ['initiator 2', 'bootloader_silent']]);
  assert.equal(exitCodeOfOutcomes(r.boards), 6, 'what `espnow-prov flash` exits with for a silent bootloader');
  cleanup();
});

test('a failing initiator is reported with the responder\'s view, and a build error names its stage', async () => {
  const { d, cleanup } = deps({
    script: (b, m) => (b.role === 'responder' ? m.set({ status: 'beaconing', lastRejection: { reason: 'bad_proof' } }) : m.set({ status: 'failed', reason: 'no_credentials' })),
  });
  const r = await new ProvisionWorkflow(request, d).run();
  assert.equal(r.outcome, 'failed');
  assert.match(r.reasons.join('\n'), /initiator 1: no credentials received \(the responder rejected a device: bad proof\)/);
  const broken = deps({ build: async () => Promise.reject(new ProvisionError('build', 'idf.py build failed (exit 2).')) });
  const r2 = await new ProvisionWorkflow(request, broken.d).run();
  assert.equal(r2.stage, 'building');
  assert.deepEqual(r2.boards, [{ board: 'all boards', reason: 'build', detail: 'idf.py build failed (exit 2).' }]);
  assert.equal(exitCodeOfOutcomes(r2.boards), 11);
  cleanup();
  broken.cleanup();
});

test('cancel ends the run as cancelled, and bad requests are refused up front', async () => {
  const { d, cleanup } = deps({ script: () => undefined });
  const ac = new AbortController();
  const wf = new ProvisionWorkflow({ ...request, followTimeoutMs: 60_000 }, d);
  wf.onDidChangeStage((s) => s.stage === 'following' && setImmediate(() => ac.abort()));
  const r = await wf.run(ac.signal);
  assert.equal(r.outcome, 'cancelled');
  assert.match(r.reasons[0], /^responder: cancelled while following$/);
  assert.equal(exitCodeOfOutcomes(r.boards), 130);
  assert.throws(() => new ProvisionWorkflow({ ...request, boards: boards.slice(1) }, d), /exactly one responder/);
  assert.throws(() => new ProvisionWorkflow({ ...request, boards: boards.slice(0, 1) }, d), /at least one initiator/);
  assert.throws(() => new ProvisionWorkflow({ ...request, ssid: '' }, d), /espnow\.wifi\.ssid is empty/);
  cleanup();
});
