import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deflateSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import { LoaderHarness, decode } from '../../../support/rom/loader-harness';
import { Op, u32le } from '../../../../extension/src/lab/rom/protocol';

const SYNC = Uint8Array.from([0x07, 0x07, 0x12, 0x20, ...new Array<number>(32).fill(0x55)]);

test('ROM SYNC: eight answers with value 0x20120707 and 4 status bytes', async () => {
  const h = new LoaderHarness('esp32');
  try {
    h.send(Op.SYNC, SYNC, 0, 5);
    const frames = (await h.take(8)).map((f) => decode(f, 4));
    for (const r of frames) {
      assert.equal(r.op, Op.SYNC);
      assert.equal(r.value, 0x20120707);
      assert.deepEqual([...r.status], [0, 0, 0, 0]);
    }
  } finally {
    h.dispose();
  }
});

test('ROM READ_REG: magic register per chip, eFuse MAC words, value kept for later responses', async () => {
  for (const [chip, magic] of [['esp32', 0x00f01d83], ['esp32s3', 0x9], ['esp32c3', 0x1b31506f]] as const) {
    const h = new LoaderHarness(chip);
    try {
      const r = await h.command(Op.READ_REG, u32le(0x40001000));
      assert.equal(r.value, magic, chip);
      assert.deepEqual([...r.status], [0, 0, 0, 0]);
      // The ROM's value field keeps the last READ_REG result (seen in real traces).
      const spi = await h.command(Op.SPI_ATTACH, u32le(0, 0));
      assert.equal(spi.value, magic);
    } finally {
      h.dispose();
    }
  }
  const h = new LoaderHarness('esp32s3');
  try {
    const w0 = (await h.command(Op.READ_REG, u32le(0x60007044))).value;
    const w1 = (await h.command(Op.READ_REG, u32le(0x60007048))).value;
    assert.equal(w0, 0xc4123456);
    assert.equal(w1 & 0xffff, 0x240a);
  } finally {
    h.dispose();
  }
});

test('ROM FLASH_DATA with a wrong checksum: status 1, error 0x07 (checksum error)', async () => {
  const h = new LoaderHarness('esp32');
  try {
    assert.deepEqual([...(await h.command(Op.FLASH_BEGIN, u32le(4096, 1, 4096, 0x10000, 0))).status], [0, 0, 0, 0]);
    const block = new Uint8Array(4096).fill(0x42);
    const r = await h.dataCommand(Op.FLASH_DATA, 0, block, 4, 0x12);
    assert.deepEqual([...r.status], [1, 0x07, 0, 0]);
    assert.equal(h.flash.read(0x10000, 1)[0], 0xff, 'nothing written');
  } finally {
    h.dispose();
  }
});

test('ROM FLASH_DATA out of order: status 1, error 0x05 (invalid message)', async () => {
  const h = new LoaderHarness('esp32s3');
  try {
    await h.command(Op.FLASH_BEGIN, u32le(8192, 2, 4096, 0x10000, 0));
    const r = await h.dataCommand(Op.FLASH_DATA, 1, new Uint8Array(4096).fill(1));
    assert.deepEqual([...r.status], [1, 0x05, 0, 0]);
    assert.deepEqual([...(await h.dataCommand(Op.FLASH_DATA, 0, new Uint8Array(4096).fill(1))).status], [0, 0, 0, 0]);
  } finally {
    h.dispose();
  }
});

test('ROM FLASH_BEGIN beyond the end of flash: status 1, error 0x06; a write past the end: 0x08', async () => {
  const h = new LoaderHarness('esp32c3', 1024 * 1024);
  try {
    assert.deepEqual([...(await h.command(Op.FLASH_BEGIN, u32le(8192, 2, 4096, 0xff000, 0))).status], [1, 0x06, 0, 0]);
    await h.command(Op.FLASH_BEGIN, u32le(4096, 2, 4096, 0xff000, 0));
    assert.deepEqual([...(await h.dataCommand(Op.FLASH_DATA, 0, new Uint8Array(4096))).status], [0, 0, 0, 0]);
    assert.deepEqual([...(await h.dataCommand(Op.FLASH_DATA, 1, new Uint8Array(4096))).status], [1, 0x08, 0, 0]);
  } finally {
    h.dispose();
  }
});

test('ROM: an unknown command is answered eight times with a different command byte and 0x01 0x05', async () => {
  const h = new LoaderHarness('esp32');
  try {
    h.send(Op.ERASE_FLASH);
    const frames = (await h.take(8)).map((f) => decode(f, 4));
    for (const r of frames) {
      assert.notEqual(r.op, Op.ERASE_FLASH);
      assert.deepEqual([...r.status.subarray(0, 2)], [1, 0x05]);
    }
  } finally {
    h.dispose();
  }
});

test('GET_SECURITY_INFO: unsupported on the ESP32 ROM, chip id on ESP32-S3 and -C3', async () => {
  const esp32 = new LoaderHarness('esp32');
  try {
    esp32.send(Op.GET_SECURITY_INFO);
    assert.equal((await esp32.take(8)).length, 8);
  } finally {
    esp32.dispose();
  }
  for (const [chip, id] of [['esp32s3', 9], ['esp32c3', 5]] as const) {
    const h = new LoaderHarness(chip);
    try {
      const r = await h.command(Op.GET_SECURITY_INFO);
      assert.equal(r.data.length, 20);
      assert.equal(r.data[12], id);
      assert.deepEqual([...r.status], [0, 0, 0, 0]);
    } finally {
      h.dispose();
    }
  }
});

test('ROM MEM_BEGIN outside RAM: 0x0F; MEM_DATA with a bad checksum: 0x07', async () => {
  const h = new LoaderHarness('esp32');
  try {
    assert.deepEqual([...(await h.command(Op.MEM_BEGIN, u32le(16, 1, 16, 0x10000000))).status], [1, 0x0f, 0, 0]);
    await h.command(Op.MEM_BEGIN, u32le(16, 1, 16, 0x40080000));
    assert.deepEqual([...(await h.dataCommand(Op.MEM_DATA, 0, new Uint8Array(16).fill(3), 4, 0)).status], [1, 0x07, 0, 0]);
  } finally {
    h.dispose();
  }
});

test('ROM compressed download inflates across blocks; SPI_FLASH_MD5 answers 32 hex characters', async () => {
  const h = new LoaderHarness('esp32');
  try {
    const image = new Uint8Array(50000).map((_, i) => (i * 7) % 251);
    const z = deflateSync(image, { level: 9 });
    const blocks = Math.ceil(z.length / 1024);
    await h.command(Op.FLASH_DEFL_BEGIN, u32le(Math.ceil(image.length / 4096) * 4096, blocks, 1024, 0x1000));
    for (let s = 0; s < blocks; s++) {
      const r = await h.dataCommand(Op.FLASH_DEFL_DATA, s, z.subarray(s * 1024, (s + 1) * 1024));
      assert.deepEqual([...r.status], [0, 0, 0, 0], `block ${s}`);
    }
    assert.deepEqual([...h.flash.read(0x1000, image.length)], [...image]);
    const md5 = await h.command(Op.SPI_FLASH_MD5, u32le(0x1000, image.length, 0, 0));
    assert.equal(new TextDecoder().decode(md5.data), createHash('md5').update(image).digest('hex'));
  } finally {
    h.dispose();
  }
});

test('CHANGE_BAUDRATE is answered at the old rate, then the UART switches', async () => {
  const h = new LoaderHarness('esp32c3');
  try {
    const r = await h.command(Op.CHANGE_BAUDRATE, u32le(921600, 0));
    assert.deepEqual([...r.status], [0, 0, 0, 0]);
    await new Promise((res) => setImmediate(res));
    assert.deepEqual(h.bauds, [921600]);
  } finally {
    h.dispose();
  }
});

test('a silenced bootloader reads and acts but never answers; unsilenced, the same loader answers', async () => {
  const h = new LoaderHarness('esp32c3');
  try {
    h.faults.silentBootloader = true;
    h.send(Op.SYNC, SYNC);
    // CHANGE_BAUDRATE answers at the old rate before it switches: a switch with nothing sent means it acted and kept quiet.
    h.send(Op.CHANGE_BAUDRATE, u32le(921600, 0));
    await new Promise((res) => setImmediate(res));
    assert.deepEqual(h.bauds, [921600], 'the loader read and acted on the command');
    assert.equal(h.rawTx.length, 0, 'and sent nothing');
    h.faults.silentBootloader = false;
    const r = await h.command(Op.SYNC, SYNC);
    assert.equal(r.op, Op.SYNC, 'the loader is alive: the fault alone kept it quiet');
  } finally {
    h.dispose();
  }
});
