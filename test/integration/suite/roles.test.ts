import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { EspNowApi } from '../../../extension/src/vscode/test-api';
import { api, FakeSource, until, usbBoard } from './helpers';

const roleAt = (a: EspNowApi, path: string) => a.boards.find(path)?.role;

describe('Roles', () => {
  let a: EspNowApi;
  let source: FakeSource;
  let registration: { dispose(): void };

  beforeEach(async () => {
    a = await api();
    source = new FakeSource();
    registration = a.addDiscoverySource(source);
    source.set([usbBoard('/dev/ttyTEST0', 'ROLE-1'), usbBoard('/dev/ttyTEST1', 'ROLE-2')]);
    await until('both test boards are listed', () => a.boards.find('/dev/ttyTEST0') && a.boards.find('/dev/ttyTEST1'), a.boards.onDidChange);
    // Start from no roles, whatever an earlier test (or a reused profile) left in workspace state.
    await vscode.commands.executeCommand('espnow.setRoleNone', '/dev/ttyTEST0');
    await vscode.commands.executeCommand('espnow.setRoleNone', '/dev/ttyTEST1');
  });

  afterEach(async () => {
    // When activation fails, beforeEach never got this far: nothing to restore.
    if (!registration) return;
    source.set([usbBoard('/dev/ttyTEST0', 'ROLE-1'), usbBoard('/dev/ttyTEST1', 'ROLE-2')]);
    await until('both test boards are back', () => a.boards.find('/dev/ttyTEST0') && a.boards.find('/dev/ttyTEST1'), a.boards.onDidChange);
    await vscode.commands.executeCommand('espnow.setRoleNone', '/dev/ttyTEST0');
    await vscode.commands.executeCommand('espnow.setRoleNone', '/dev/ttyTEST1');
    registration.dispose();
    source.dispose();
  });

  it('sets roles from the commands and shows the pair in the status bar', async () => {
    assert.match(a.statusBar.text, /no pair/);
    await vscode.commands.executeCommand('espnow.setRoleResponder', '/dev/ttyTEST0');
    await vscode.commands.executeCommand('espnow.setRoleInitiator', '/dev/ttyTEST1');
    assert.equal(roleAt(a, '/dev/ttyTEST0'), 'responder');
    assert.equal(roleAt(a, '/dev/ttyTEST1'), 'initiator');
    await until('the status bar shows the pair', () => /ttyTEST0 → ttyTEST1/.test(a.statusBar.text), a.boards.onDidChange);
  });

  it('keeps a role across unplug, re-plug, and a move to another port', async () => {
    await vscode.commands.executeCommand('espnow.setRoleResponder', '/dev/ttyTEST0');
    source.set([]);
    await until('the boards are unplugged', () => a.boards.list().every((b) => !b.port.path.startsWith('/dev/ttyTEST')), a.boards.onDidChange);
    // Same board (same USB serial number) on another port: the role comes from workspace state.
    source.set([usbBoard('/dev/ttyTEST5', 'ROLE-1')]);
    const moved = await until('the board is back on ttyTEST5', () => a.boards.find('/dev/ttyTEST5'), a.boards.onDidChange);
    assert.equal(moved.role, 'responder');
    assert.equal(moved.identity, 'usb:10c4:ea60:ROLE-1');
  });

  it('has one responder: giving the role to a board takes it from the other', async () => {
    await vscode.commands.executeCommand('espnow.setRoleResponder', '/dev/ttyTEST0');
    await vscode.commands.executeCommand('espnow.setRoleResponder', '/dev/ttyTEST1');
    assert.equal(roleAt(a, '/dev/ttyTEST1'), 'responder');
    assert.equal(roleAt(a, '/dev/ttyTEST0'), 'none');
  });
});
