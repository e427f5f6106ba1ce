import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChipKind } from '../../../extension/src/lab/chip/chip-program';
import { EsptoolSession, md5Hex, testImage } from '../../support/rom/esptool-session';

const CHIPS: Array<{ chip: ChipKind; name: string; description: RegExp }> = [
  { chip: 'esp32', name: 'ESP32', description: /^ESP32-D0WD-V3 \(revision 3\)$/ },
  { chip: 'esp32s3', name: 'ESP32-S3', description: /^ESP32-S3 \(QFN56\) \(revision v0\.2\)$/ },
  { chip: 'esp32c3', name: 'ESP32-C3', description: /^ESP32-C3 \(QFN32\) \(revision v0\.4\)$/ },
];
// 2 Mbaud keeps the suite short; at 921600 the same test runs ~50 s per chip (speeds in the report).
const BAUD = 2000000;
const MB = 1024 * 1024;
const OFFSET = 0x10000;

for (const [i, { chip, name, description }] of CHIPS.entries()) {
  test(`esptool-js 0.7.0 through RFC2217: ${name} detect, MAC, flash 1 MB compressed and uncompressed, MD5, read back`, async () => {
    const mac = Uint8Array.of(0x24, 0x0a, 0xc4, 0x00, 0x10, i + 1);
    const s = await EsptoolSession.open(chip, mac, BAUD, i + 1);
    try {
      const described = await s.loader.main();
      assert.equal(s.loader.chip.CHIP_NAME, name);
      assert.match(described, description);
      assert.equal(await s.loader.chip.readMac(s.loader), [...mac].map((b) => b.toString(16).padStart(2, '0')).join(':'));
      assert.equal(s.loader.IS_STUB, true, 'the stub was uploaded and answered OHAI');
      assert.equal(s.board.uartBaud, BAUD);

      for (const compress of [true, false]) {
        const image = testImage(MB, compress ? 1 : 2);
        const t0 = Date.now();
        await s.loader.writeFlash({
          fileArray: [{ data: image, address: OFFSET }],
          flashMode: 'keep',
          flashFreq: 'keep',
          flashSize: 'keep',
          eraseAll: false,
          compress,
          calculateMD5Hash: md5Hex,
        });
        const tw = Date.now() - t0;
        assert.deepEqual(s.board.readFlash(OFFSET, MB), image, 'flash holds the image');
        if (compress) {
          console.log(`${name} compressed: write+verify ${tw} ms (${((MB / tw) * 1000 / 1024).toFixed(0)} KiB/s)`);
          continue; // one READ_FLASH per chip keeps the suite short; the uncompressed pass reads back
        }
        const t1 = Date.now();
        const back = await s.loader.readFlash(OFFSET, MB);
        const tr = Date.now() - t1;
        assert.equal(back.length, MB);
        assert.ok(Buffer.from(back).equals(Buffer.from(image)), 'read back byte-identical');
        console.log(`${name} uncompressed: write+verify ${tw} ms (${((MB / tw) * 1000 / 1024).toFixed(0)} KiB/s), read ${tr} ms (${((MB / tr) * 1000 / 1024).toFixed(0)} KiB/s)`);
      }
    } finally {
      await s.close();
    }
  });
}
