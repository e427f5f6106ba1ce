import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { api, until } from './helpers';

/**
 * The lab commands and the board commands on virtual boards, in the real extension host: what a user
 * gets from Start Virtual Lab, Identify Board and Open Monitor.
 */
describe('Virtual lab from the command palette', function () {
  this.timeout(60_000);

  it('starts one lab even when asked twice at once, identifies and monitors its boards, and stops', async () => {
    const a = await api();
    const [first, second] = await Promise.all([vscode.commands.executeCommand('espnow.lab.start', 2), vscode.commands.executeCommand('espnow.lab.start', 2)]);
    try {
      assert.ok(first, 'Start Virtual Lab returned the lab');
      assert.equal(first, second, 'the second start joined the first instead of starting another lab');
      const virtual = () => a.boards.list().filter((b) => b.port.source === 'virtual');
      await until('two virtual boards are listed', () => virtual().length === 2 || undefined, a.boards.onDidChange, 20_000);

      const board = virtual()[0];
      await vscode.commands.executeCommand('espnow.identifyBoard', board.port.path);
      const identified = a.boards.find(board.port.path)!;
      assert.equal(identified.chipInfo?.mac, board.port.macHint, 'the ROM bootloader reported the MAC the lab burned in');
      assert.match(identified.chipInfo?.chip ?? '', /^ESP32/);
      assert.equal(identified.identity, `mac:${board.port.macHint}`);

      await vscode.commands.executeCommand('espnow.openMonitor', board.port.path);
      await until('the board is marked as monitored', () => a.boards.find(board.port.path)?.activity.kind === 'monitoring' || undefined, a.boards.onDidChange, 10_000);
    } finally {
      await vscode.commands.executeCommand('espnow.lab.stop');
    }
    assert.equal(a.lab.isRunning, false);
    await until('the virtual boards are gone', () => a.boards.list().every((b) => b.port.source !== 'virtual') || undefined, a.boards.onDidChange, 10_000);
  });

  it('writes a monitor log per board once espnow.monitor.logToFile is on, open monitors included: every line, redacted, no colors', async () => {
    const a = await api();
    const config = vscode.workspace.getConfiguration('espnow');
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'espnow-monitor-logs-'));
    try {
      await vscode.commands.executeCommand('espnow.lab.start', 1);
      const board = await until('a virtual board', () => a.boards.list().find((b) => b.port.source === 'virtual'), a.boards.onDidChange, 20_000);
      const session = a.monitors.show(board);
      await until('the monitor is open', () => session.connection === 'open' || undefined, session.onDidChangeConnection, 10_000);
      // Logging is switched on while the monitor is open: it starts logging there and then.
      await config.update('monitor.logFolder', folder, vscode.ConfigurationTarget.Global);
      await config.update('monitor.logToFile', true, vscode.ConfigurationTarget.Global);
      // Every open monitor starts a log (earlier tests' may still be open): this board's names its port.
      const logFile = () => fs.readdirSync(folder).map((f) => path.join(folder, f)).find((f) => fs.readFileSync(f, 'utf8').split('\n', 1)[0].includes(` on ${board.port.path} at `));
      await until('a log file for the open monitor', () => logFile(), vscode.workspace.onDidChangeConfiguration, 10_000);
      // Reset the board: its ROM prints the boot banner, which the log must hold.
      await session.resetBoard();
      await until('the ROM banner in the log', () => /ESP-ROM:/.test(fs.readFileSync(logFile()!, 'utf8')) || undefined, session.pipeline.onDidParse, 10_000);
      const text = fs.readFileSync(logFile()!, 'utf8');
      assert.match(text, new RegExp(`^# ${board.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`), 'the log names the board');
      assert.ok(!text.includes('\x1b'), 'no ANSI codes in the log');
      assert.equal(fs.statSync(logFile()!).mode & 0o777, 0o600);
    } finally {
      await vscode.commands.executeCommand('espnow.lab.stop');
      await config.update('monitor.logToFile', undefined, vscode.ConfigurationTarget.Global);
      await config.update('monitor.logFolder', undefined, vscode.ConfigurationTarget.Global);
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });

  it('names its access point after the configured network, so boards provisioned earlier rejoin after a restart', async () => {
    const a = await api();
    const config = vscode.workspace.getConfiguration('espnow');
    await config.update('wifi.ssid', 'restart-net', vscode.ConfigurationTarget.Workspace);
    try {
      await vscode.commands.executeCommand('espnow.lab.start', 1);
      assert.equal(a.lab.current?.accessPointInfo.ssid, 'restart-net');
    } finally {
      await vscode.commands.executeCommand('espnow.lab.stop');
      await config.update('wifi.ssid', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });

  it('names a bad board count, and starts no lab', async () => {
    const a = await api();
    // What the command reports (as an error message) is what the lab refuses with: the count and what to give.
    await assert.rejects(a.lab.start(-1), (e: Error) => /got -1 boards/.test(e.message));
    await assert.rejects(a.lab.start(2.5), (e: Error) => /got 2\.5 boards/.test(e.message));
    await vscode.commands.executeCommand('espnow.lab.start', -1);
    assert.equal(a.lab.isRunning, false, 'no lab starts with -1 boards');
  });
});
