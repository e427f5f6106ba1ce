import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { Air } from '../../../../extension/src/lab/air/air';
import { bootFromFlash } from '../../../../extension/src/lab/boot/index';
import { appImage, CHIPS, writeFirmware } from '../../../support/lab/image-builder';
import { partitionTable, SINGLE_FACTORY } from '../../../../extension/src/core/build/image/partition-table-writer';
import { FakeChip } from '../../../support/lab/fake-chip';
import { assertNothingLeft, sleep } from '../../../support/lab/resources';

const air = new Air();
after(() => air.dispose());
const deps = { air, accessPoints: () => [], bootLoopIntervalMs: 10 };

test('erased flash: the ROM banner, then invalid header lines paced into a watchdog boot loop', async () => {
  const baseline = process.getActiveResourcesInfo();
  const chip = new FakeChip('esp32');
  const program = bootFromFlash(chip, deps);
  assert.equal(chip.bauds[0], 115200);
  assert.equal(chip.text, 'ets Jul 29 2019 12:21:46\r\n\r\nrst:0x1 (POWERON_RESET),boot:0x13 (SPI_FAST_FLASH_BOOT)\r\n');
  await sleep(35);
  const lines = chip.text.split('\r\n').filter((l) => l.startsWith('invalid header'));
  assert.ok(lines.length >= 2 && lines.length <= 4, `paced, not a flood: ${lines.length}`);
  assert.equal(lines[0], 'invalid header: 0xffffffff');
  await chip.waitFor(/rst:0x10 \(RTCWDT_RTC_RESET\),boot:0x13/);
  const firstCycle = chip.text.slice(0, chip.text.indexOf('ets Jul 29', 5));
  assert.equal(firstCycle.split('invalid header').length - 1, 7);
  program.dispose();
  const after = chip.text.length;
  await sleep(30);
  assert.equal(chip.text.length, after, 'nothing printed after dispose');
  await assertNothingLeft(baseline);
});

test('erased flash on ESP32-S3 and C3: their ROM banners', async () => {
  for (const [kind, banner] of [
    ['esp32s3', 'ESP-ROM:esp32s3-20210327\r\nBuild:Mar 27 2021\r\nrst:0x1 (POWERON),boot:0x8 (SPI_FAST_FLASH_BOOT)\r\n'],
    ['esp32c3', 'ESP-ROM:esp32c3-api1-20210207\r\nBuild:Feb  7 2021\r\nrst:0x1 (POWERON),boot:0xc (SPI_FAST_FLASH_BOOT)\r\n'],
  ] as const) {
    const chip = new FakeChip(kind);
    const p = bootFromFlash(chip, deps);
    assert.equal(chip.text, banner);
    await chip.waitFor(/invalid header: 0xffffffff\r\n/);
    await chip.waitFor(/RTCWDT_RTC_RST\),boot:0x[8c] \(SPI_FAST_FLASH_BOOT\)\r\nSaved PC:0x/);
    p.dispose();
  }
});

test('a valid app of unknown firmware: bootloader log with partitions, app info, then idle', async () => {
  const chip = new FakeChip('esp32');
  writeFirmware(chip.flash, 'esp32', appImage('esp32', { projectName: 'blink' }));
  const p = bootFromFlash(chip, deps);
  const t = chip.text;
  assert.match(t, /^ets Jul 29 2019 12:21:46\r\n\r\nrst:0x1 \(POWERON_RESET\),boot:0x13 \(SPI_FAST_FLASH_BOOT\)\r\nconfigsip: 0, SPIWP:0xee\r\n/);
  assert.match(t, /mode:DIO, clock div:2\r\nload:0x3fff0030,len:64\r\nload:0x40078000,len:128\r\nload:0x40080400,len:192\r\nentry 0x400781c4\r\n/);
  assert.match(t, /I \(\d+\) boot: ESP-IDF v5\.3\.1 2nd stage bootloader\r\n/);
  assert.match(t, /I \(\d+\) boot\.esp32: SPI Flash Size : 4MB\r\n/);
  assert.match(t, /I \(\d+\) boot: {2}2 factory {10}factory app {6}00 00 00010000 00100000\r\n/);
  assert.match(t, /I \(\d+\) boot: Defaulting to factory image\r\n/);
  assert.match(t, /I \(\d+\) esp_image: segment 0: paddr=00010020 vaddr=3f400020 size=00140h \( {3}320\) map\r\n/);
  assert.match(t, /esp_image: segment 1: paddr=\w+ vaddr=3ffb0000 size=00080h \( {3}128\) load/);
  assert.match(t, /I \(\d+\) app_init: Project name: {5}blink\r\n/);
  assert.match(t, /main_task: Calling app_main\(\)\r\n$/);
  const stamps = [...t.matchAll(/^[IE] \((\d+)\)/gm)].map((m) => Number(m[1]));
  assert.deepEqual(stamps, [...stamps].sort((a, b) => a - b), 'timestamps rise');
  assert.match(chip.logs.join('\n'), /booted app "blink"; not espnow_prov, idling/);
  p.dispose();
});

test('S3 load lines print hex lengths; a wrong-chip app is refused by chip id and the board resets', async () => {
  const chip = new FakeChip('esp32s3');
  writeFirmware(chip.flash, 'esp32s3', appImage('esp32s3', { projectName: 'blink', chipId: CHIPS.esp32.chipId }));
  const p = bootFromFlash(chip, deps);
  assert.match(chip.text, /load:0x3fce3818,len:0x40\r\n/);
  assert.match(chip.text, /boot\.esp32s3: Boot SPI Speed : 40MHz/);
  assert.match(chip.text, /E \(\d+\) boot_comm: mismatch chip ID, expected 9, found 0\r\n/);
  assert.match(chip.text, /E \(\d+\) boot: Factory app partition is not bootable\r\n/);
  await chip.waitFor(/rst:0x3 \(RTC_SW_SYS_RST\)/);
  p.dispose();
});

test('corrupt app, corrupt table and corrupt bootloader each print what a real board prints', async () => {
  const corruptApp = new FakeChip('esp32');
  const app = appImage('esp32', { projectName: 'blink' });
  app[200] ^= 0xff;
  writeFirmware(corruptApp.flash, 'esp32', app);
  const a = bootFromFlash(corruptApp, deps);
  assert.match(corruptApp.text, /E \(\d+\) esp_image: Checksum failed\. Calculated 0x[0-9a-f]+ read 0x[0-9a-f]+\r\n/);
  await corruptApp.waitFor(/rst:0x3 \(SW_RESET\),boot:0x13/);
  a.dispose();

  const noApp = new FakeChip('esp32');
  writeFirmware(noApp.flash, 'esp32', new Uint8Array(16).fill(0xff));
  const b = bootFromFlash(noApp, deps);
  assert.match(noApp.text, /E \(\d+\) esp_image: image at 0x10000 has invalid magic byte \(nothing flashed here\?\)\r\n/);
  assert.match(noApp.text, /E \(\d+\) boot: No bootable app partitions in the partition table\r\n/);
  b.dispose();

  const badTable = new FakeChip('esp32');
  const table = partitionTable(SINGLE_FACTORY);
  table[4] ^= 1;
  writeFirmware(badTable.flash, 'esp32', appImage('esp32', { projectName: 'blink' }), table);
  const c = bootFromFlash(badTable, deps);
  assert.match(badTable.text, /E \(\d+\) flash_parts: Incorrect MD5 checksum\r\nE \(\d+\) boot: Failed to verify partition table\r\n/);
  c.dispose();

  const badBootloader = new FakeChip('esp32');
  writeFirmware(badBootloader.flash, 'esp32', appImage('esp32', { projectName: 'blink' }));
  badBootloader.flash.write(0x1000 + 40, Uint8Array.of(0)); // inside the first bootloader segment (0x01 -> 0x00)
  const d = bootFromFlash(badBootloader, deps);
  assert.match(badBootloader.text, /csum err:0x[0-9a-f]+!=0x[0-9a-f]+\r\nets_main\.c 371 \r\n$/);
  d.dispose();
});

test('a partition beyond the end of flash reads as erased instead of throwing', async () => {
  const chip = new FakeChip('esp32');
  const table = partitionTable([{ label: 'factory', type: 0, subtype: 0, offset: 0x7f0000, size: 0x100000 }]);
  writeFirmware(chip.flash, 'esp32', appImage('esp32', { projectName: 'blink' }), table);
  const p = bootFromFlash(chip, deps);
  assert.match(chip.text, /esp_image: image at 0x7f0000 has invalid magic byte/);
  assert.deepEqual(chip.logs.filter((l) => /failed/.test(l)), []);
  p.dispose();
});
