import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { EspNowApi } from '../../../extension/src/vscode/extension-api';
import { api, plugFakeSource, uniqueName, until, usbBoard } from './helpers';

describe('Roles', () => {
  let a: EspNowApi;
  let fake: Awaited<ReturnType<typeof plugFakeSource>> | undefined;
  // Two boards per test, with names no other test uses: roles are stored per identity in workspace state.
  let r: string;
  let i: string;
  const roleAt = (name: string) => a.boards.find(`/dev/tty${name}`)?.role;
  const setRole = (cmd: string, name: string) => vscode.commands.executeCommand(cmd, `/dev/tty${name}`);

  beforeEach(async () => {
    a = await api();
    fake = await plugFakeSource(a);
    [r, i] = [uniqueName('ROLE'), uniqueName('ROLE')];
    fake.source.set([usbBoard(`/dev/tty${r}`, r), usbBoard(`/dev/tty${i}`, i)]);
    await until('both test boards are listed', () => roleAt(r) && roleAt(i), a.boards.onDidChange);
  });

  // When activation fails, beforeEach never got this far: nothing to unplug.
  afterEach(async () => {
    await fake?.remove();
    fake = undefined;
  });

  it('sets roles from the commands and shows the pair in the status bar', async () => {
    assert.equal(roleAt(r), 'none');
    await setRole('espnow.setRoleResponder', r);
    await setRole('espnow.setRoleInitiator', i);
    assert.equal(roleAt(r), 'responder');
    assert.equal(roleAt(i), 'initiator');
    // By name: a board's default name is what its port says until its ROM has told chip and MAC.
    await until('the status bar shows the pair by name', () => a.statusBar.text.includes(`Test CP2102 ${r} → Test CP2102 ${i}`), a.boards.onDidChange);
    await vscode.commands.executeCommand('espnow.renameBoard', `/dev/tty${r}`, 'bench responder');
    await until('the status bar shows the new name', () => a.statusBar.text.includes(`ESP-NOW: bench responder → Test CP2102 ${i}`), a.boards.onDidChange);
    await vscode.commands.executeCommand('espnow.renameBoard', `/dev/tty${r}`, '');
    await setRole('espnow.setRoleNone', r);
    await setRole('espnow.setRoleNone', i);
    assert.equal(roleAt(r), 'none');
    await until('the status bar shows no pair', () => /no pair/.test(a.statusBar.text), a.boards.onDidChange);
  });

  it('keeps a role across unplug, re-plug, and a move to another port', async () => {
    await setRole('espnow.setRoleResponder', r);
    fake!.source.set([]);
    await until('the boards are unplugged', () => !roleAt(r) && !roleAt(i), a.boards.onDidChange);
    // Same board (same USB serial number) on another port: the role comes back from workspace state.
    const otherPort = `/dev/tty${r}-moved`;
    fake!.source.set([usbBoard(otherPort, r)]);
    const moved = await until('the board is back on another port', () => a.boards.find(otherPort), a.boards.onDidChange);
    assert.equal(moved.role, 'responder');
    assert.equal(moved.identity, `usb:10c4:ea60:${r}`);
    await vscode.commands.executeCommand('espnow.setRoleNone', otherPort);
  });

  it('has one responder: giving the role to a board takes it from the other', async () => {
    await setRole('espnow.setRoleResponder', r);
    await setRole('espnow.setRoleResponder', i);
    assert.equal(roleAt(i), 'responder');
    assert.equal(roleAt(r), 'none');
    await setRole('espnow.setRoleNone', i);
  });
});
