import * as assert from 'node:assert/strict';
import type { EspNowApi } from '../../../extension/src/vscode/extension-api';
import { api, plugFakeSource, uniqueName, until, usbBoard } from './helpers';

describe('Board discovery', () => {
  let a: EspNowApi;

  beforeEach(async () => {
    a = await api();
  });

  it('shows a plugged-in board and drops it when unplugged (latency: npm run bench)', async () => {
    const fake = await plugFakeSource(a);
    let changes = 0;
    const sub = a.boards.onDidChange(() => changes++);
    try {
      const name = uniqueName('DISC');
      const path = `/dev/tty${name}`;
      fake.source.set([usbBoard(path, name)]);
      const board = await until('the plugged board is listed', () => a.boards.find(path), a.boards.onDidChange, 10_000);
      assert.equal(board.port.description, `Test CP2102 ${name}`);
      assert.equal(board.identity, `usb:10c4:ea60:${name}`, 'a USB serial number is the identity until the MAC is known');
      assert.equal(board.role, 'none');
      assert.deepEqual(board.activity, { kind: 'idle' });
      assert.ok(changes > 0, 'the tree is refreshed from onDidChange, which never fired');

      fake.source.set([]);
      await until('the unplugged board is gone', () => !a.boards.find(path), a.boards.onDidChange, 10_000);
    } finally {
      sub.dispose();
      await fake.remove();
    }
  });

  it('lists boards of every source side by side, and drops only those of a removed source', async () => {
    const first = await plugFakeSource(a);
    const second = await plugFakeSource(a);
    try {
      const [n1, n2] = [uniqueName('DISC'), uniqueName('DISC')];
      first.source.set([usbBoard(`/dev/tty${n1}`, n1)]);
      second.source.set([usbBoard(`/dev/tty${n2}`, n2)]);
      await until('boards of both sources are listed', () => a.boards.find(`/dev/tty${n1}`) && a.boards.find(`/dev/tty${n2}`), a.boards.onDidChange);
      await second.remove();
      assert.ok(a.boards.find(`/dev/tty${n1}`), 'removing one source dropped the boards of another');
    } finally {
      await first.remove();
      await second.remove();
    }
  });
});
