import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { LoaderHarness, decode } from '../../../support/rom/loader-harness';
import { Op, u32le } from '../../../../extension/src/lab/rom/protocol';
import { slipEncode } from '../../../../extension/src/core/serial/slip';

/** A harness already switched to the stub (2 status bytes, esp-flasher-stub codes). */
async function stub(chip: 'esp32' | 'esp32s3' | 'esp32c3' = 'esp32', flashSize?: number): Promise<LoaderHarness> {
  const h = new LoaderHarness(chip, flashSize);
  await h.startStub();
  return h;
}

test('stub SYNC: eight answers with value 0 (how esptool recognises a running stub)', async () => {
  const h = await stub();
  try {
    h.send(Op.SYNC, Uint8Array.from([7, 7, 0x12, 0x20, ...new Array<number>(32).fill(0x55)]));
    for (const f of await h.take(8)) {
      const r = decode(f, 2);
      assert.equal(r.value, 0);
      assert.deepEqual([...r.status], [0, 0]);
    }
  } finally {
    h.dispose();
  }
});

test('stub FLASH_DATA with a wrong checksum: 0xC1 0x00 (bad data checksum)', async () => {
  const h = await stub();
  try {
    await h.command(Op.FLASH_BEGIN, u32le(4096, 1, 4096, 0x10000), 0, 2);
    const r = await h.dataCommand(Op.FLASH_DATA, 0, new Uint8Array(4096).fill(0x5a), 2, 0x00);
    assert.deepEqual([...r.status], [0xc1, 0x00]);
  } finally {
    h.dispose();
  }
});

test('stub ignores sequence numbers (esp-flasher-stub 1.x does): blocks land in arrival order', async () => {
  const h = await stub();
  try {
    await h.command(Op.FLASH_BEGIN, u32le(8192, 2, 4096, 0x20000), 0, 2);
    assert.deepEqual([...(await h.dataCommand(Op.FLASH_DATA, 7, new Uint8Array(4096).fill(1), 2)).status], [0, 0]);
    assert.deepEqual([...(await h.dataCommand(Op.FLASH_DATA, 3, new Uint8Array(4096).fill(2), 2)).status], [0, 0]);
    assert.deepEqual([...(await h.command(Op.FLASH_END, u32le(1), 0, 2)).status], [0, 0]);
    assert.deepEqual([...h.flash.read(0x20000, 1), ...h.flash.read(0x21000, 1)], [1, 2]);
    assert.equal(h.flash.stats.dataBlocksWritten, 2);
  } finally {
    h.dispose();
  }
});

test('stub write past the end of flash: acknowledged, then 0xC4 (failed SPI op) on the next command', async () => {
  const h = await stub('esp32c3', 1024 * 1024);
  try {
    assert.deepEqual([...(await h.command(Op.FLASH_BEGIN, u32le(8192, 2, 4096, 0xff000), 0, 2)).status], [0, 0]);
    assert.deepEqual([...(await h.dataCommand(Op.FLASH_DATA, 0, new Uint8Array(4096), 2)).status], [0, 0]);
    // The stub answers a block before writing it; the failure of block 1 surfaces on the command after.
    assert.deepEqual([...(await h.dataCommand(Op.FLASH_DATA, 1, new Uint8Array(4096), 2)).status], [0, 0]);
    const next = await h.command(Op.READ_REG, u32le(0x40001000), 0, 2);
    assert.deepEqual([...next.status], [0xc4, 0x00]);
    assert.equal(next.value, 0, 'the failed command is not executed');
    // FLASH_BEGIN whose first sector is already outside the flash fails at once.
    assert.deepEqual([...(await h.command(Op.FLASH_BEGIN, u32le(4096, 1, 4096, 0x100000), 0, 2)).status], [0xc4, 0x00]);
  } finally {
    h.dispose();
  }
});

test('stub: unknown command 0xC3, DATA without BEGIN 0xC6, ERASE_REGION unaligned 0xC0', async () => {
  const h = await stub();
  try {
    assert.deepEqual([...(await h.command(0x42, new Uint8Array(0), 0, 2)).status], [0xc3, 0x00]);
    assert.deepEqual([...(await h.dataCommand(Op.FLASH_DATA, 0, new Uint8Array(16), 2)).status], [0xc6, 0x00]);
    assert.deepEqual([...(await h.command(Op.ERASE_REGION, u32le(0x1001, 0x1000), 0, 2)).status], [0xc0, 0x00]);
  } finally {
    h.dispose();
  }
});

test('stub GET_SECURITY_INFO on ESP32: 0xFF00 (not implemented)', async () => {
  const h = await stub('esp32');
  try {
    assert.deepEqual([...(await h.command(Op.GET_SECURITY_INFO, new Uint8Array(0), 0, 2)).status], [0xff, 0x00]);
  } finally {
    h.dispose();
  }
});

test('stub SPI_FLASH_MD5 answers 16 raw bytes; ERASE_FLASH erases everything', async () => {
  const h = await stub('esp32s3');
  try {
    h.flash.write(0x3000, Uint8Array.of(1, 2, 3));
    const r = await h.command(Op.SPI_FLASH_MD5, u32le(0x3000, 3, 0, 0), 0, 2);
    assert.deepEqual(Buffer.from(r.data), createHash('md5').update(Uint8Array.of(1, 2, 3)).digest());
    assert.deepEqual([...(await h.command(Op.ERASE_FLASH, new Uint8Array(0), 0, 2)).status], [0, 0]);
    assert.equal(h.flash.read(0x3000, 1)[0], 0xff);
  } finally {
    h.dispose();
  }
});

test('stub READ_FLASH: response, packets acknowledged one at a time, then the MD5 of the data', async () => {
  const h = await stub('esp32');
  try {
    const data = new Uint8Array(10000).map((_, i) => i & 0xff);
    h.flash.write(0x8000, data);
    const r = await h.command(Op.READ_FLASH, u32le(0x8000, data.length, 4096, 64), 0, 2);
    assert.deepEqual([...r.status], [0, 0]);
    const got: number[] = [];
    while (got.length < data.length) {
      const [packet] = await h.take(1);
      assert.ok(packet.length <= 4096);
      got.push(...packet);
      assert.equal(h.frames.length, 0, 'one packet in flight');
      h.sendRaw(slipEncode(u32le(got.length)));
    }
    assert.deepEqual(got, [...data]);
    const [md5] = await h.take(1);
    assert.deepEqual(Buffer.from(md5), createHash('md5').update(data).digest());
  } finally {
    h.dispose();
  }
});
