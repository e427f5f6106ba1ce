import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { ProvisionError } from '../../../extension/src/core/common/errors';
import { Rfc2217Client } from '../../../extension/src/core/serial/rfc2217-client';
import { ControlServer } from '../../../extension/src/lab/control-server';
import { Lab } from '../../../extension/src/lab/lab';
import { LabClient } from '../../../extension/src/lab/lab-client';
import type { ProgramsFactory } from '../../../extension/src/lab/lab-types';
import { VirtualDiscoverySource } from '../../../extension/src/lab/virtual-discovery-source';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-control-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));

/** The ROM loader and the boot are other parts of the lab; here a chip writes a marker into its flash. */
const programs: ProgramsFactory = () => ({
  bootloader: (ctx) => ({
    receive: (d) => {
      ctx.flash.write(0x1000, d);
      ctx.transmit(d);
    },
    dispose: () => undefined,
  }),
  bootFromFlash: () => ({ receive: () => undefined, dispose: () => undefined }),
});

function countByType(resources: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of resources) if (r !== 'TTYWrap') counts[r] = (counts[r] ?? 0) + 1;
  return counts;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

test('a lab starts boards with deterministic MACs, keeps flash and identities across restarts, and leaves nothing behind', async () => {
  const stateDir = path.join(root, 'restart');
  const baseline = process.getActiveResourcesInfo();
  let lab = await Lab.start({ stateDir, boards: [{ chip: 'esp32s3' }, { chip: 'esp32c3' }], programs });
  const first = await lab.listBoards();
  assert.deepEqual(first.map((b) => [b.index, b.chip, b.chipLabel, b.mac]), [[1, 'esp32s3', 'ESP32-S3', '24:0a:c4:00:00:01'], [2, 'esp32c3', 'ESP32-C3', '24:0a:c4:00:00:02']]);
  assert.ok(first.every((b) => b.url === `rfc2217://127.0.0.1:${b.port}` && b.port > 0));

  // Put bytes into board 1's flash through its serial port in download mode.
  const link = new Rfc2217Client(first[0].url);
  await link.open(115200);
  await link.setSignals({ dtr: false, rts: true });
  await sleep(50);
  await link.setSignals({ dtr: true, rts: false });
  await sleep(30);
  await link.setSignals({ dtr: false });
  const echoed = new Promise<void>((r) => link.onData(() => r()));
  await link.write(Uint8Array.of(0x12, 0x34));
  await echoed;
  await link.close();
  assert.deepEqual(await lab.readFlash(1, 0x1000, 3), Uint8Array.of(0x12, 0x34, 0xff));
  lab.dispose();

  lab = await Lab.start({ stateDir, programs });
  const again = await lab.listBoards();
  assert.deepEqual(again.map((b) => [b.index, b.chip, b.mac, b.port]), first.map((b) => [b.index, b.chip, b.mac, b.port]));
  assert.deepEqual(await lab.readFlash(1, 0x1000, 2), Uint8Array.of(0x12, 0x34));
  lab.dispose();
  await sleep(20);
  const was = countByType(baseline);
  const grown = Object.entries(countByType(process.getActiveResourcesInfo())).filter(([t, n]) => n > (was[t] ?? 0));
  assert.deepEqual(grown, [], 'resources left behind after dispose');
});

test('the control socket offers the same operations, pushes changes, and discovery lists virtual boards', async () => {
  const stateDir = path.join(root, 'control');
  const lab = await Lab.start({ stateDir, boards: [{ chip: 'esp32' }], programs });
  const server = await ControlServer.listen(lab, stateDir);
  const client = await LabClient.connectToStateDir(stateDir);
  const source = new VirtualDiscoverySource(client);
  try {
    let changes = 0;
    source.onDidChange(() => changes++);
    const created = await client.createBoard({ chip: 'esp32s3' });
    assert.equal(created.index, 2);
    assert.equal(created.mac, '24:0a:c4:00:00:02');
    const ports = await source.scan();
    assert.deepEqual(
      ports.map((p) => [p.source, p.description, p.chipHint, p.macHint]),
      [['virtual', 'Virtual ESP32', 'ESP32', '24:0a:c4:00:00:01'], ['virtual', 'Virtual ESP32-S3', 'ESP32-S3', '24:0a:c4:00:00:02']],
    );
    assert.equal(ports[1].path, created.url);
    const faulted = await client.setFaults(2, { bitErrorRate: 0.01, heldInReset: true });
    assert.equal(faulted.faults.bitErrorRate, 0.01);
    assert.equal(faulted.state, 'reset');
    await client.setFaults(2, { heldInReset: false });
    await client.resetBoard(1);
    await client.setPosition(1, { x: 3, y: 4 });
    await client.moveOutOfRange(2);
    await client.moveIntoRange(2);
    await client.setChannel(11);
    await assert.rejects(client.setChannel(14), (e: unknown) => e instanceof ProvisionError && e.kind === 'config');
    assert.deepEqual(await client.readFlash(1, 0, 4), Uint8Array.of(0xff, 0xff, 0xff, 0xff));
    await assert.rejects(client.removeBoard(9), (e: unknown) => e instanceof ProvisionError && e.kind === 'config' && /no board 9/.test(e.message));
    await client.removeBoard(2);
    await sleep(20);
    assert.ok(changes >= 2, `${changes} change events`);
    assert.equal((await source.scan()).length, 1);
  } finally {
    source.dispose();
    client.dispose();
    server.dispose();
    lab.dispose();
  }
  assert.equal(fs.existsSync(path.join(stateDir, 'control.json')), false, 'control.json removed when the lab stops');
  await assert.rejects(LabClient.connectToStateDir(stateDir), (e: unknown) => e instanceof ProvisionError && e.kind === 'port-missing');
});

test('a starting lab removes config files (Wi-Fi password, pair key) that a killed older lab left behind', async () => {
  const stateDir = path.join(root, 'stale-config');
  const run = path.join(stateDir, 'run');
  fs.mkdirSync(run, { recursive: true, mode: 0o700 });
  const deadPid = spawnSync(process.execPath, ['-e', '']).pid;
  const stale = path.join(run, `config-240ac4000001-${deadPid}-k1.cfg`);
  fs.writeFileSync(stale, 'CONFIG_ESPNOW_WIFI_PASSWORD="left behind"\n', { mode: 0o600 });
  const logs: string[] = [];
  const lab = await Lab.start({ stateDir, boards: [{ chip: 'esp32' }], programs, log: (m) => logs.push(m) });
  try {
    assert.equal(fs.existsSync(stale), false);
    assert.ok(logs.some((l) => /removed 1 config file/.test(l)), logs.join('\n'));
  } finally {
    lab.dispose();
  }
});
