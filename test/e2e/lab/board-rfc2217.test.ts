import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { ProvisionError } from '../../../extension/src/core/common/errors';
import { Rfc2217Client } from '../../../extension/src/core/serial/rfc2217-client';
import { VirtualBoard, type BoardPrograms } from '../../../extension/src/lab/board/virtual-board';
import type { ChipContext, ChipProgram } from '../../../extension/src/lab/chip/chip-program';
import { openFlashStore } from '../../../extension/src/lab/flash/flash-store';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-board-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A stand-in for the ROM loader: echoes what it hears; "S" locks autobaud like a SYNC frame would. */
class EchoProgram implements ChipProgram {
  constructor(private readonly ctx: ChipContext) {}
  receive(data: Uint8Array): void {
    if (data.length === 1 && data[0] === 0x53) this.ctx.lockAutobaud?.();
    this.ctx.transmit(data);
  }
  dispose(): void {}
}

let boots = 0;
const programs: BoardPrograms = {
  bootloader: (ctx) => new EchoProgram(ctx),
  bootFromFlash: (ctx) => {
    boots++;
    ctx.setUartBaud(115200);
    return { receive: () => undefined, dispose: () => undefined };
  },
};

async function makeBoard(n: number): Promise<VirtualBoard> {
  return VirtualBoard.create({ index: n, chip: 'esp32s3', mac: Uint8Array.of(0x24, 0x0a, 0xc4, 0, 0, n), flash: openFlashStore(path.join(dir, `flash-${n}.bin`), 64 * 1024), programs });
}

function countByType(resources: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of resources) if (r !== 'TTYWrap') counts[r] = (counts[r] ?? 0) + 1;
  return counts;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Resolves with the first `n` bytes the link receives. */
function readBytes(link: Rfc2217Client, n: number): Promise<Uint8Array> {
  return new Promise((resolve) => {
    const got: number[] = [];
    const sub = link.onData((d) => {
      got.push(...d);
      if (got.length >= n) {
        sub.dispose();
        resolve(Uint8Array.from(got.slice(0, n)));
      }
    });
  });
}

/** Everything the link receives within `ms`. */
async function readFor(link: Rfc2217Client, ms: number): Promise<Uint8Array> {
  const got: number[] = [];
  const sub = link.onData((d) => got.push(...d));
  await sleep(ms);
  sub.dispose();
  return Uint8Array.from(got);
}

async function classicReset(link: Rfc2217Client): Promise<void> {
  await link.setSignals({ dtr: false, rts: true });
  await sleep(100);
  await link.setSignals({ dtr: true, rts: false });
  await sleep(50);
  await link.setSignals({ dtr: false });
}

test('our client and a lab board: baud, modem lines, download mode and a byte round-trip with 0xFF', async () => {
  const board = await makeBoard(1);
  const link = new Rfc2217Client(board.url);
  try {
    await link.open(115200);
    assert.equal(link.isOpen, true);
    assert.equal(board.lineBaud, 115200);
    await classicReset(link);
    await sleep(20);
    assert.equal(board.state, 'download');
    assert.deepEqual([board.dtr, board.rts], [false, false]);
    const data = Uint8Array.from({ length: 600 }, (_, i) => (i % 3 === 0 ? 0xff : i & 0xff));
    const echoed = readBytes(link, data.length);
    await link.write(data);
    assert.deepEqual(await echoed, data);
    await link.setBaudRate(460800);
    assert.equal(link.baudRate, 460800);
    assert.equal(board.lineBaud, 460800);
    await link.flush();
  } finally {
    await link.close();
    board.dispose();
  }
});

test('ROM autobaud follows the host until SYNC; after that a baud change without CHANGE_BAUDRATE is garbage both ways', async () => {
  const board = await makeBoard(2);
  const link = new Rfc2217Client(board.url);
  try {
    await link.open(230400);
    await classicReset(link);
    await sleep(20);
    const hello = Uint8Array.from(Buffer.from('hello at 230400'));
    let echoed = readBytes(link, hello.length);
    await link.write(hello);
    assert.deepEqual(await echoed, hello, 'before SYNC the chip follows the host rate');
    echoed = readBytes(link, 1);
    await link.write(Uint8Array.of(0x53));
    await echoed;
    assert.equal(board.uartBaud, 230400);
    await link.setBaudRate(921600);
    const payload = Uint8Array.from(Buffer.from('0123456789abcdef'.repeat(4)));
    const got = readFor(link, 300);
    await link.write(payload);
    const garbage = await got;
    assert.notDeepEqual(garbage.subarray(0, payload.length), payload);
  } finally {
    await link.close();
    board.dispose();
  }
});

test('baud pacing: the same transfer takes more than 4x as long at 115200 as at 921600', async () => {
  const board = await makeBoard(3);
  const link = new Rfc2217Client(board.url);
  const data = new Uint8Array(6000).fill(0x41);
  const timeAt = async (baud: number): Promise<number> => {
    await link.setBaudRate(baud);
    await classicReset(link);
    await sleep(20);
    const t0 = performance.now();
    const echoed = readBytes(link, data.length);
    await link.write(data);
    await echoed;
    return performance.now() - t0;
  };
  try {
    await link.open(115200);
    const slow = await timeAt(115200);
    const fast = await timeAt(921600);
    console.log(`pacing: 6000 bytes echoed in ${slow.toFixed(0)} ms at 115200, ${fast.toFixed(0)} ms at 921600 (ratio ${(slow / fast).toFixed(1)})`);
    assert.ok(slow / fast > 4, `ratio ${slow / fast}`);
  } finally {
    await link.close();
    board.dispose();
  }
});

test('connect refused is port-missing naming the URL; a second user gets port-busy; a dropped connection is port-io', async () => {
  const board = await makeBoard(4);
  const url = board.url;
  const first = new Rfc2217Client(url);
  const second = new Rfc2217Client(url);
  try {
    await first.open(115200);
    await assert.rejects(second.open(115200), (e: unknown) => e instanceof ProvisionError && e.kind === 'port-busy');
    const closed = new Promise<Error | undefined>((r) => first.onClose(r));
    board.setFaults({ dropAfterBytes: 10 });
    await first.write(new Uint8Array(20));
    const err = await closed;
    assert.ok(err instanceof ProvisionError && err.kind === 'port-io' && err.message.includes(url), String(err));
    assert.equal(board.faults.dropAfterBytes, 0, 'the drop fault fires once');
  } finally {
    await first.close();
    board.dispose();
  }
  await assert.rejects(new Rfc2217Client(url).open(115200), (e: unknown) => e instanceof ProvisionError && e.kind === 'port-missing' && e.message.includes(url));
});

test('closing the port releases the lines and the board boots from flash; dispose leaves nothing running', async () => {
  const before = process.getActiveResourcesInfo();
  const board = await makeBoard(5);
  const link = new Rfc2217Client(board.url);
  await link.open(115200);
  await link.setSignals({ dtr: false, rts: true });
  await sleep(20);
  assert.equal(board.state, 'reset');
  const bootsBefore = boots;
  await link.close();
  await sleep(30);
  assert.equal(board.state, 'flash');
  assert.equal(boots, bootsBefore + 1);
  board.dispose();
  await sleep(10);
  const was = countByType(before);
  const grown = Object.entries(countByType(process.getActiveResourcesInfo())).filter(([type, n]) => n > (was[type] ?? 0));
  assert.deepEqual(grown, [], 'resources left behind');
});
