import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { Board } from '../../../extension/src/core/boards/board';
import type { ProvisionResult } from '../../../extension/src/core/provision/provision-workflow';
import type { EspNowApi } from '../../../extension/src/vscode/extension-api';
import { api, plugFakeSource, uniqueName, until, usbBoard } from './helpers';

/** Activities that draw a spinner or a percentage: work under way. */
const BUSY = new Set(['identifying', 'building', 'flashing']);

/**
 * Every board row that still shows work under way, read from what the tree hands VS Code (icon and
 * description) and from the model behind it. Empty when nothing spins.
 */
async function rowsShowingProgress(a: EspNowApi): Promise<string[]> {
  const busy: string[] = [];
  // Boards sit under a group per source, or at the top level when they all come from one.
  const nodes = [];
  for (const top of (await a.tree.getChildren()) ?? []) nodes.push(...(top.kind === 'group' ? ((await a.tree.getChildren(top)) ?? []) : [top]));
  {
    for (const node of nodes) {
      const item = await a.tree.getTreeItem(node);
      const icon = (item.iconPath as { id?: string } | undefined)?.id ?? '';
      const description = String(item.description ?? '');
      const label = typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
      if (icon.includes('~spin') || /\d+\s*%|\b(building|flashing|identifying)\b/.test(`${label} ${description}`)) busy.push(`${label} | ${description} [${icon}]`);
    }
  }
  for (const b of a.boards.list()) if (BUSY.has(b.activity.kind)) busy.push(`${b.port.path}: activity ${JSON.stringify(b.activity)}`);
  return busy;
}

/** Checks right after the run and again a moment later, so a late progress event cannot bring a spinner back. */
async function assertNothingSpins(a: EspNowApi, result: ProvisionResult): Promise<void> {
  const rows = () => a.boards.list().map((b) => `${b.port.path} (${b.role}): ${JSON.stringify(b.activity)}`).join('\n  ');
  assert.deepEqual(await rowsShowingProgress(a), [], `after a run that failed while ${result.stage} (${result.reasons.join(' ')}), rows still show progress:\n  ${rows()}`);
  await new Promise((r) => setTimeout(r, 1_000));
  assert.deepEqual(await rowsShowingProgress(a), [], `a second after the failed run, rows show progress again:\n  ${rows()}`);
}

/**
 * A run that fails at any stage (building, flashing, following the logs) leaves no board showing progress
 * or a spinner: the tree tells the user the run is over, and which board failed.
 */
describe('A failed Provision Pair leaves no spinner', function () {
  this.timeout(150_000);
  const config = () => vscode.workspace.getConfiguration('espnow');
  let a: EspNowApi;

  async function labBoards(): Promise<Board[]> {
    await vscode.commands.executeCommand('espnow.lab.start', 2);
    const virtual = () => a.boards.list().filter((b) => b.port.source === 'virtual');
    await until('two virtual boards', () => virtual().length === 2 || undefined, a.boards.onDidChange, 20_000);
    return virtual();
  }

  async function labIndexOf(board: Board): Promise<number> {
    const info = (await a.lab.current!.listBoards()).find((b) => b.url === board.port.path);
    assert.ok(info, `no lab board serves ${board.port.path}`);
    return info.index;
  }

  async function provision(responder: Board, initiator: Board): Promise<ProvisionResult> {
    await vscode.commands.executeCommand('espnow.setRoleResponder', responder.port.path);
    await vscode.commands.executeCommand('espnow.setRoleInitiator', initiator.port.path);
    const result = (await vscode.commands.executeCommand('espnow.provisionPair')) as ProvisionResult | undefined;
    assert.ok(result, 'Provision Pair returned no result');
    return result;
  }

  before(async () => {
    a = await api();
    // A network name no other run used: the responder's flash then differs from what any earlier run left.
    await config().update('wifi.ssid', uniqueName(`failing-net-${Date.now()}-`), vscode.ConfigurationTarget.Workspace);
    // The password and idfPath are read from user settings only (a workspace must not set them).
    await config().update('wifi.password', 'correct horse 42', vscode.ConfigurationTarget.Global);
  });

  afterEach(async () => {
    await vscode.commands.executeCommand('espnow.lab.stop');
    for (const b of a.boards.list()) if (b.role !== 'none') await vscode.commands.executeCommand('espnow.setRoleNone', b.port.path);
  });

  after(async () => {
    await config().update('wifi.ssid', undefined, vscode.ConfigurationTarget.Workspace);
    for (const key of ['wifi.password', 'idfPath']) await config().update(key, undefined, vscode.ConfigurationTarget.Global);
  });

  it('when a setting is wrong: a notice naming it, kept while it stays wrong, withdrawn once it is fixed', async () => {
    const [responder, initiator] = await labBoards();
    const ssid = config().get<string>('wifi.ssid');
    await vscode.commands.executeCommand('espnow.setRoleResponder', responder.port.path);
    await vscode.commands.executeCommand('espnow.setRoleInitiator', initiator.port.path);
    try {
      await config().update('wifi.ssid', '', vscode.ConfigurationTarget.Workspace);
      await vscode.commands.executeCommand('espnow.provisionPair');
      await until('a notice about espnow.wifi.ssid', () => a.notices.settings.includes('espnow.wifi.ssid') || undefined, a.notices.onDidChange, 10_000);
      // Still wrong (33 bytes): the notice stays.
      await config().update('wifi.ssid', 'x'.repeat(33), vscode.ConfigurationTarget.Workspace);
      await a.notices.recheck('espnow.wifi.ssid');
      assert.deepEqual(a.notices.settings, ['espnow.wifi.ssid'], 'a 33-byte SSID is still wrong: the notice stays');
      // Another wrong setting neither hides this one nor withdraws its notice.
      await config().update('flashBaud', 12345, vscode.ConfigurationTarget.Workspace);
      await a.notices.recheck('espnow.wifi.ssid');
      assert.deepEqual(a.notices.settings, ['espnow.wifi.ssid'], 'a bad flashBaud does not stand in for the SSID');
      await config().update('flashBaud', undefined, vscode.ConfigurationTarget.Workspace);
      await config().update('wifi.ssid', ssid, vscode.ConfigurationTarget.Workspace);
      await until('the notice withdrawn once the SSID is fixed', () => !a.notices.settings.includes('espnow.wifi.ssid') || undefined, a.notices.onDidChange, 10_000);
    } finally {
      await config().update('wifi.ssid', ssid, vscode.ConfigurationTarget.Workspace);
      await config().update('flashBaud', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });

  it('when the build fails (a USB board and no ESP-IDF)', async () => {
    const fake = await plugFakeSource(a);
    try {
      const name = uniqueName('NOIDF');
      fake.source.set([{ ...usbBoard(`/dev/tty${name}`, name), chipHint: 'ESP32' }]);
      const usb = await until('the USB board is listed', () => a.boards.find(`/dev/tty${name}`), a.boards.onDidChange);
      await config().update('idfPath', '/nonexistent/esp-idf', vscode.ConfigurationTarget.Global);
      const [virtual] = await labBoards();
      const result = await provision(usb, virtual);
      assert.equal(result.outcome, 'failed', `expected a failed build, got ${result.outcome}: ${result.reasons.join(' ')}`);
      assert.equal(result.stage, 'building', result.reasons.join(' '));
      await assertNothingSpins(a, result);
    } finally {
      await config().update('idfPath', undefined, vscode.ConfigurationTarget.Global);
      await fake.remove();
    }
  });

  it('when flashing fails (a board whose flash corrupts every write)', async () => {
    const [responder, initiator] = await labBoards();
    await a.lab.current!.setFaults(await labIndexOf(responder), { corruptFlashWrites: true });
    const result = await provision(responder, initiator);
    assert.equal(result.outcome, 'failed', `expected a failed flash, got ${result.outcome}: ${result.reasons.join(' ')}`);
    assert.equal(result.stage, 'flashing', result.reasons.join(' '));
    await assertNothingSpins(a, result);
  });

  it('when the access point refuses the password while following the logs', async () => {
    const [responder, initiator] = await labBoards();
    const lab = a.lab.current!;
    // Provision Pair sets the lab's access point to the configured network when it starts; once the
    // boards are being flashed, the "router" gets a new password, so the initiator's join is refused.
    let changed = false;
    const sub = a.boards.onDidChange(() => {
      if (changed || !a.boards.list().some((b) => b.activity.kind === 'flashing')) return;
      changed = true;
      lab.setAccessPoint({ ssid: lab.accessPointInfo.ssid, password: 'changed on the router', channel: lab.accessPointInfo.channel, security: 'wpa2-psk' });
    });
    let result: ProvisionResult;
    try {
      result = await provision(responder, initiator);
    } finally {
      sub.dispose();
    }
    const why = `${result.reasons.join(' ')}${changed ? '' : ' (no board was ever shown flashing, so the password was never changed)'}`;
    assert.equal(result.outcome, 'failed', `expected the access point to refuse the initiator, got ${result.outcome}: ${why}`);
    assert.equal(result.stage, 'following', why);
    await assertNothingSpins(a, result);
  });
});
