import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { ProvisionError } from '../../../extension/src/core/common/errors';
import { ControlServer } from '../../../extension/src/lab/control-server';
import { Lab } from '../../../extension/src/lab/lab';
import { LabClient } from '../../../extension/src/lab/lab-client';
import type { ProgramsFactory } from '../../../extension/src/lab/lab-types';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'control-args-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));

const programs: ProgramsFactory = () => ({
  bootloader: () => ({ receive: () => undefined, dispose: () => undefined }),
  bootFromFlash: () => ({ receive: () => undefined, dispose: () => undefined }),
});

/** One request line written as is (LabClient would never send these), after the token, and its answer. */
function rawRequest(stateDir: string, line: string): Promise<{ ok: boolean; error?: { kind: string; message: string } }> {
  const control = JSON.parse(fs.readFileSync(path.join(stateDir, 'control.json'), 'utf8')) as { socket: string; token: string };
  return new Promise((resolve, reject) => {
    const s = net.connect({ path: control.socket }, () => s.write(JSON.stringify({ token: control.token }) + '\n' + line + '\n'));
    let text = '';
    s.setEncoding('utf8');
    s.on('data', (d: string) => {
      text += d;
      for (const l of text.split('\n').slice(0, -1)) {
        const msg = JSON.parse(l) as { id?: number; ok: boolean; error?: { kind: string; message: string } };
        if (msg.id !== undefined) {
          s.destroy();
          resolve(msg);
        }
      }
    });
    s.on('error', reject);
  });
}

const rejectsNaming = (p: Promise<unknown>, name: RegExp) =>
  assert.rejects(p, (e: unknown) => e instanceof ProvisionError && e.kind === 'config' && name.test(e.message));

test('the control socket refuses bad arguments with a config error naming the argument, and the lab is untouched', async () => {
  const stateDir = path.join(root, 'lab');
  const lab = await Lab.start({ stateDir, boards: [{ chip: 'esp32' }], programs });
  const server = await ControlServer.listen(lab, stateDir);
  const client = await LabClient.connectToStateDir(stateDir);
  // The client's types forbid these values; a peer speaking JSON need not use the client.
  const loose = client as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
  try {
    const before = (await client.listBoards())[0].faults;
    await rejectsNaming(client.setFaults(1, { bitErrorRate: 5 }), /setFaults: argument faults\.bitErrorRate must be a probability from 0 to 1 \(got 5\)/);
    await rejectsNaming(client.setFaults(1, { dropAfterBytes: -1 }), /faults\.dropAfterBytes must be an integer from 0/);
    await rejectsNaming(client.setFaults(1, { dropAfterBytes: 1.5 }), /faults\.dropAfterBytes/);
    await rejectsNaming(loose.setFaults(1, { heldInReset: 'yes' }), /faults\.heldInReset must be true or false \(got "yes"\)/);
    await rejectsNaming(loose.setFaults(1, { slowFlash: true }), /faults\.slowFlash is not known/);
    await rejectsNaming(loose.setFaults(1, null), /argument faults must be an object/);
    await rejectsNaming(loose.setFaults('1', {}), /argument index must be an integer/);
    await rejectsNaming(loose.resetBoard(0), /resetBoard: argument index must be an integer from 1/);
    await rejectsNaming(loose.readFlash(1, -4, 4), /readFlash: argument offset/);
    await rejectsNaming(loose.createBoard({ chip: 'esp8266' }), /createBoard: argument spec\.chip must be esp32, esp32s3 or esp32c3/);
    await rejectsNaming(loose.createBoard({ chip: 'esp32', port: 70000 }), /spec\.port/);
    await rejectsNaming(loose.setPosition(1, { x: 'far', y: 0 }), /setPosition: argument position\.x must be a finite number/);
    await rejectsNaming(loose.setChannel(0), /setChannel: argument channel must be an integer from 1 to 13/);

    // `__proto__` as JSON.parse makes it: an own key, which Object.assign would turn into a prototype change.
    const proto = await rawRequest(stateDir, '{"id":7,"op":"setFaults","args":[1,{"__proto__":{"heldInReset":true}}]}');
    assert.equal(proto.ok, false);
    assert.equal(proto.error?.kind, 'config');
    assert.match(proto.error!.message, /faults\.__proto__ is not known/);
    const extra = await rawRequest(stateDir, '{"id":9,"op":"moveIntoRange","args":[1,2]}');
    assert.match(extra.error!.message, /moveIntoRange: takes 1 argument\(s\), got 2/);
    const notArray = await rawRequest(stateDir, '{"id":8,"op":"resetBoard","args":{"0":1}}');
    assert.match(notArray.error!.message, /resetBoard: args must be an array/);

    const info = (await client.listBoards())[0];
    assert.deepEqual(info.faults, before, 'no refused request changed a fault');
    assert.notEqual(info.state, 'reset');
    assert.equal(Object.getPrototypeOf(lab.board(1).faults), Object.prototype);
    assert.equal(lab.boardList.length, 1);

    // Valid requests still pass, with only the keys they name.
    const ok = await client.setFaults(1, { bitErrorRate: 0.25, dropAfterBytes: 0, corruptFlashWrites: true });
    assert.deepEqual(ok.faults, { ...before, bitErrorRate: 0.25, corruptFlashWrites: true });
    const made = await client.createBoard({ chip: 'esp32c3', wiring: 'usb-serial-jtag' });
    assert.equal(made.wiring, 'usb-serial-jtag');
  } finally {
    client.dispose();
    server.dispose();
    lab.dispose();
  }
});
