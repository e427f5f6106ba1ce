import * as assert from 'node:assert/strict';
import type { EspNowApi } from '../../../extension/src/vscode/test-api';
import { api, FakeSource, until, usbBoard } from './helpers';

describe('Board discovery', () => {
  let a: EspNowApi;
  let source: FakeSource;
  let registration: { dispose(): void };

  beforeEach(async () => {
    a = await api();
    source = new FakeSource();
    registration = a.addDiscoverySource(source);
  });

  // Guarded: when activation fails, beforeEach never got this far and the failure should say why, once.
  afterEach(() => {
    registration?.dispose();
    source?.dispose();
  });

  it('shows a plugged-in board within a second and drops it when unplugged', async () => {
    let changes = 0;
    const sub = a.boards.onDidChange(() => changes++);
    try {
      const t0 = Date.now();
      source.set([usbBoard('/dev/ttyTEST0', 'DISC-1')]);
      const board = await until('the plugged board is listed', () => a.boards.find('/dev/ttyTEST0'), a.boards.onDidChange, 1_000);
      assert.ok(Date.now() - t0 < 1_000);
      assert.equal(board.port.description, 'Test CP2102 DISC-1');
      assert.equal(board.identity, 'usb:10c4:ea60:DISC-1', 'a USB serial number is the identity until the MAC is known');
      assert.equal(board.role, 'none');
      assert.deepEqual(board.activity, { kind: 'idle' });
      assert.ok(changes > 0, 'the tree is refreshed from onDidChange, which never fired');

      source.set([]);
      await until('the unplugged board is gone', () => !a.boards.find('/dev/ttyTEST0'), a.boards.onDidChange, 1_000);
    } finally {
      sub.dispose();
    }
  });

  it('lists boards of every source side by side', async () => {
    const other = new FakeSource();
    const reg = a.addDiscoverySource(other);
    try {
      source.set([usbBoard('/dev/ttyTEST0', 'DISC-2')]);
      other.set([usbBoard('/dev/ttyTEST1', 'DISC-3')]);
      await until('boards of both sources are listed', () => a.boards.find('/dev/ttyTEST0') && a.boards.find('/dev/ttyTEST1'), a.boards.onDidChange);
      reg.dispose();
      await until("the removed source's board is gone", () => !a.boards.find('/dev/ttyTEST1'), a.boards.onDidChange);
      assert.ok(a.boards.find('/dev/ttyTEST0'), 'removing one source dropped the boards of another');
    } finally {
      reg.dispose();
      other.dispose();
    }
  });
});
