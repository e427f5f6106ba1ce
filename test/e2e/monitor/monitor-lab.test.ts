import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BoardDiscovery } from '../../../extension/src/core/boards/board-discovery';
import { BoardRegistry } from '../../../extension/src/core/boards/board-registry';
import { MemoryKeyValueStore } from '../../support/memory-key-value-store';
import { RoleStore } from '../../../extension/src/core/boards/role-store';
import { flashBoards } from '../../../extension/src/core/flash/flash-boards';
import { readFlashPlan } from '../../../extension/src/core/flash/flash-plan';
import { activityFromMonitorState } from '../../../extension/src/core/monitor/monitor-activity';
import { MonitorSession } from '../../../extension/src/core/monitor/monitor-session';
import { Redactor } from '../../../extension/src/core/monitor/redactor';
import { openSerialLink } from '../../../extension/src/core/serial/link-factory';
import { PortArbiter } from '../../../extension/src/core/serial/port-arbiter';
import type { ChipContext, ChipProgram } from '../../../extension/src/lab/chip/chip-program';
import { Lab } from '../../../extension/src/lab/lab';
import { labPrograms } from '../../../extension/src/lab/lab-programs';
import type { ProgramsFactory } from '../../../extension/src/lab/lab-types';
import { VirtualDiscoverySource } from '../../../extension/src/lab/virtual-discovery-source';
import { LAB_PASSWORD, LAB_SSID } from '../../support/lab/virtual-firmware';
import { assertNothingLeft } from '../../support/lab/resources';
import { packBuild } from '../../support/lab/virtual-firmware';

const PAIR_KEY = '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff';

/**
 * Firmware like the seed example, which logs the Wi-Fi password in clear: it prints the seed's initiator
 * lines with the real password, the password's line cut across several UART writes.
 */
function seedStyleFirmware(ctx: ChipContext): ChipProgram {
  const say = (s: string) => ctx.transmit(new TextEncoder().encode(s));
  ctx.setUartBaud(115200);
  const timer = setTimeout(() => {
    say('I (575) ESPNOW: espnow [version: 1.0] init\r\n');
    say('I (339495) app_main: MAC: 7c:df:a1:86:d8:24, Channel: 1, RSSI: -35, Product_id: responder_test, Device Name: \r\n');
    say(`I (339515) app_main: MAC: 7c:df:a1:86:d8:24, Channel: 1, RSSI: -36, wifi_mode: 0, ssid: ${LAB_SSID}, password: ${LAB_PASSWORD.slice(0, 5)}`);
    say(`${LAB_PASSWORD.slice(5)}, token: \r\n`);
    say('\x1b[0;32mI (339545) wifi:connected with lab net, aid = 2, channel 1, 40U, bssid = 3c:46:d8:0e:4c:ac\x1b[0m\r\n');
    say('I (340345) esp_netif_handlers: sta ip: 192.168.1.100, mask: 255.255.255.0, gw: 192.168.1.253\r\n');
  }, 100);
  return { receive: () => undefined, dispose: () => clearTimeout(timer) };
}

test('monitors follow real firmware on virtual boards: colored logs, tree states, and the password redacted everywhere', { timeout: 90_000 }, async () => {
  const baseline = process.getActiveResourcesInfo();
  const stateDir = mkdtempSync(join(tmpdir(), 'monitor-lab-'));
  const programs: ProgramsFactory = (env, board) => (board.index === 3 ? { ...labPrograms(env, board), bootFromFlash: seedStyleFirmware } : labPrograms(env, board));
  const lab = await Lab.start({
    stateDir,
    programs,
    boards: [{ chip: 'esp32s3' }, { chip: 'esp32c3' }, { chip: 'esp32' }],
    accessPoint: { ssid: LAB_SSID, password: LAB_PASSWORD, channel: 6, security: 'wpa2-psk' },
  });
  const kv = new MemoryKeyValueStore();
  const discovery = new BoardDiscovery(60_000);
  const source = new VirtualDiscoverySource(lab);
  discovery.addSource(source);
  const registry = new BoardRegistry(discovery, new RoleStore(kv), kv);
  const arbiter = new PortArbiter();
  const redactor = new Redactor([
    { kind: 'password', value: LAB_PASSWORD },
    { kind: 'pair-key', value: PAIR_KEY },
  ]);
  const sessions: MonitorSession[] = [];
  const outputs: string[] = [];
  try {
    await discovery.refresh();
    const byIndex = (n: number) => registry.get(lab.board(n).url);
    const [responder, initiator, seedBoard] = [byIndex(1), byIndex(2), byIndex(3)];
    await registry.setRole(responder.port.path, 'responder');
    await registry.setRole(initiator.port.path, 'initiator');

    // Flash both roles in parallel through the same path real boards take.
    const builds = join(stateDir, 'builds');
    const plans = await Promise.all([
      readFlashPlan(packBuild('esp32s3', 'responder', 'SECURE', join(builds, 'responder'))),
      readFlashPlan(packBuild('esp32c3', 'initiator', 'SECURE', join(builds, 'initiator'))),
    ]);
    const flashed = await flashBoards(
      [
        { path: responder.port.path, plan: plans[0], label: 'responder' },
        { path: initiator.port.path, plan: plans[1], label: 'initiator' },
      ],
      { baud: 921600, arbiter },
    );
    assert.ok(flashed.ok, JSON.stringify(flashed.failed.map((f) => f.error?.describe())));

    for (const board of [responder, initiator, seedBoard]) {
      const s = new MonitorSession({ path: board.port.path, baudRate: 115200, arbiter, openLink: openSerialLink, pipeline: { redactor } });
      s.pipeline.onDidRender((t) => outputs.push(t));
      s.pipeline.onDidParse((r) => outputs.push(r.raw, r.message, JSON.stringify(r)));
      s.pipeline.onDidRecognize((e) => outputs.push(JSON.stringify(e)));
      s.pipeline.onDidChangeState((st) => registry.setActivity(board.port.path, activityFromMonitorState(st)));
      sessions.push(s);
      await s.start();
      await s.resetBoard();
    }

    const done = () => [2, 3].every((n) => byIndex(n).activity.kind === 'provisioned');
    await new Promise<void>((resolve) => {
      const timer = setTimeout(finish, 40_000);
      const sub = registry.onDidChange(() => done() && finish());
      function finish() {
        clearTimeout(timer);
        sub.dispose();
        resolve();
      }
      if (done()) finish();
    });
    const [r, i, seed] = [byIndex(1), byIndex(2), byIndex(3)];
    assert.equal(i.activity.kind, 'provisioned', `initiator: ${JSON.stringify(i.activity)}\n${sessions[1].pipeline.saveText()}`);
    assert.deepEqual(i.activity, { kind: 'provisioned', ip: '192.168.4.100' });
    assert.deepEqual(seed.activity, { kind: 'provisioned', ip: '192.168.1.100' }, 'the seed example lines are recognised too');
    assert.equal(r.role, 'responder');
    assert.ok(sessions[0].pipeline.state.status === 'credentialsSent' || sessions[0].pipeline.state.status === 'beaconing', sessions[0].pipeline.state.status);

    const initiatorText = sessions[1].pipeline.saveText();
    assert.match(initiatorText, /ESP-ROM:esp32c3/, 'the ROM boot banner is shown');
    assert.match(initiatorText, /PROV_EVT: got_ip ip=192\.168\.4\.100/);
    const rendered = outputs.join('');
    assert.match(rendered, /\x1b\[[0-9;]*3[12]m/, 'log lines are colored by level');

    // The seed-style firmware printed the password; nothing we can read shows it.
    const seedText = sessions[2].pipeline.saveText();
    assert.match(seedText, /password: ‹redacted›, token/);
    const everything = [rendered, ...sessions.map((s) => s.pipeline.saveText())].join('\n');
    for (const secret of [LAB_PASSWORD, PAIR_KEY, LAB_PASSWORD.slice(0, 8)]) assert.ok(!everything.includes(secret), `"${secret}" leaked`);
  } finally {
    for (const s of sessions) s.dispose();
    registry.dispose();
    discovery.dispose();
    source.dispose();
    lab.dispose();
  }
  await assertNothingLeft(baseline, 3000);
  rmSync(stateDir, { recursive: true, force: true });
});
