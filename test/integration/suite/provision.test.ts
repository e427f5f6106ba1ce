import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ProvisionResult } from '../../../extension/src/core/provision/provision-workflow';
import { api, until } from './helpers';

/**
 * Provision Pair on the virtual lab, from the command, in the real extension host: the whole mission
 * (build per role, flash both, monitor both, follow to the initiator's IP), and the tree's states.
 */
/** A lab of two boards, the first as responder, the second as initiator. */
async function labPair() {
  const a = await api();
  await vscode.commands.executeCommand('espnow.lab.start', 2);
  const virtual = () => a.boards.list().filter((b) => b.port.source === 'virtual');
  await until('two virtual boards', () => virtual().length === 2 || undefined, a.boards.onDidChange, 20_000);
  const [r, i] = virtual();
  await vscode.commands.executeCommand('espnow.setRoleResponder', r.port.path);
  await vscode.commands.executeCommand('espnow.setRoleInitiator', i.port.path);
  return { a, r, i };
}

describe('Provision Pair on virtual boards', function () {
  this.timeout(120_000);
  const config = () => vscode.workspace.getConfiguration('espnow');

  before(async () => {
    await config().update('wifi.ssid', 'home-net', vscode.ConfigurationTarget.Workspace);
    // The discouraged settings.json password: it must still work (with a warning). User settings only:
    // a workspace may not set it.
    await config().update('wifi.password', 'correct horse 42', vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    await vscode.commands.executeCommand('espnow.lab.stop');
    await config().update('wifi.ssid', undefined, vscode.ConfigurationTarget.Workspace);
    await config().update('wifi.password', undefined, vscode.ConfigurationTarget.Global);
  });

  it('builds firmware for a role and chip, then finds it in the build cache', async () => {
    type Built = { buildDir: string; cached: boolean };
    const first = (await vscode.commands.executeCommand('espnow.buildFirmware', 'initiator', 'esp32c3', 'virtual')) as Built;
    assert.ok(first?.buildDir, 'Build Firmware returned its build');
    const args = JSON.parse(Buffer.from(await vscode.workspace.fs.readFile(vscode.Uri.file(`${first.buildDir}/flasher_args.json`))).toString()) as { extra_esptool_args: { chip: string } };
    assert.equal(args.extra_esptool_args.chip, 'esp32c3');
    const folder = vscode.workspace.workspaceFolders![0].uri.fsPath;
    assert.ok(!first.buildDir.startsWith(folder), 'builds (they hold secrets) stay out of the workspace');
    const again = (await vscode.commands.executeCommand('espnow.buildFirmware', 'initiator', 'esp32c3', 'virtual')) as Built;
    assert.equal(again.cached, true);
    assert.equal(again.buildDir, first.buildDir);
  });

  it('takes the initiator from plugged in to an IP address, and the tree says so', async () => {
    const { a, r, i } = await labPair();
    assert.match(a.statusBar.text, /→/, 'the status bar shows the pair');

    const result = (await vscode.commands.executeCommand('espnow.provisionPair')) as ProvisionResult | undefined;
    assert.ok(result, 'Provision Pair returned its result');
    assert.equal(result.outcome, 'succeeded', result.reasons.join('\n'));
    const ips = [...result.ips.values()];
    assert.equal(ips.length, 1);
    assert.match(ips[0], /^192\.168\.4\.\d+$/);
    assert.deepEqual(a.boards.find(i.port.path)?.activity, { kind: 'provisioned', ip: ips[0] });
    assert.ok(a.monitors.sessionOf(r.port.path) && a.monitors.sessionOf(i.port.path), 'a monitor terminal per board');
  });

  it('Stop Virtual Lab during a run on its boards cancels the run (after asking), and stops the lab', async () => {
    const { a, i } = await labPair();
    const run = vscode.commands.executeCommand('espnow.provisionPair') as Thenable<ProvisionResult | undefined>;
    await until('the run is flashing the boards', () => a.boards.find(i.port.path)?.activity.kind === 'flashing' || undefined, a.boards.onDidChange, 30_000);
    // The command asks in a modal dialog; `true` is the answer "Stop Lab and Run" (a test cannot click).
    assert.equal(await vscode.commands.executeCommand('espnow.lab.stop', true), true);
    const result = await run;
    assert.equal(result?.outcome, 'cancelled', `the run ends as cancelled, not as a fault of the boards: ${result?.outcome} ${result?.reasons.join(' ')}`);
    assert.equal(a.lab.isRunning, false);
    assert.equal(a.lastRun.run?.outcome, 'cancelled');
  });
});
