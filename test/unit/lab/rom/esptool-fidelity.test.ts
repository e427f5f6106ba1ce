import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import type { ChipKind } from '../../../../extension/src/lab/chip/chip-program';
import { CHIPS } from '../../../../extension/src/lab/rom';
import { Op, u32le } from '../../../../extension/src/lab/rom/protocol';
import { LoaderHarness, type Response } from '../../../support/rom/loader-harness';

/**
 * What esptool (4.x, 5.x; esptool/targets/esp32.py, esp32s3.py, esp32c3.py and loader.py) reads from and
 * sends to the three chips, one row per register or command. Register values: esptool's constants and
 * bit positions, espefuse's efuse_defs/<chip>.yaml, and the ROM banners of real boards; each row says
 * where its value comes from. The board's MAC in the harness is 24:0a:c4:12:34:56.
 */
interface RegisterRow {
  chip: ChipKind;
  name: string;
  address: number;
  value: number;
  /** Where the address and the value come from. */
  source: string;
}

const REGISTERS: RegisterRow[] = [
  // ESP32 (ESP32-D0WD-V3, v3.0)
  { chip: 'esp32', name: 'CHIP_DETECT_MAGIC', address: 0x40001000, value: 0x00f01d83, source: 'esp32.py MAGIC_VALUE' },
  { chip: 'esp32', name: 'EFUSE_BLK0_RDATA0 (FLASH_CRYPT_CNT, rd_disable)', address: 0x3ff5a000, value: 0, source: 'esp32.py EFUSE_SPI_BOOT_CRYPT_CNT_REG; no encryption' },
  { chip: 'esp32', name: 'EFUSE_BLK0_RDATA1 (MAC[2..5])', address: 0x3ff5a004, value: 0xc4123456, source: 'esp32.py read_mac: words 2, 1 big-endian' },
  { chip: 'esp32', name: 'EFUSE_BLK0_RDATA2 (MAC[0..1])', address: 0x3ff5a008, value: 0x240a, source: 'esp32.py read_mac' },
  { chip: 'esp32', name: 'EFUSE_BLK0_RDATA3 (package D0WD, 240 MHz, REV1)', address: 0x3ff5a00c, value: 0xa200, source: 'esp32.py get_pkg_version bits 9..11 = 1, get_chip_features bit 13, get_major_chip_version bit 15' },
  { chip: 'esp32', name: 'EFUSE_BLK0_RDATA4 (ADC Vref, CK8M_FREQ)', address: 0x3ff5a010, value: 0x0d32, source: 'esp32.py get_chip_features (bits 8..12), get_rom_cal_crystal_freq (bits 0..7)' },
  { chip: 'esp32', name: 'EFUSE_BLK0_RDATA5 (REV2, minor 0, pads)', address: 0x3ff5a014, value: 0x00100000, source: 'esp32.py get_major_chip_version bit 20, get_minor_chip_version bits 24..25, get_chip_spi_pads' },
  { chip: 'esp32', name: 'EFUSE_BLK0_RDATA6 (coding scheme, ABS_DONE, DISABLE_DL_ENCRYPT)', address: 0x3ff5a018, value: 0, source: 'esp32.py get_chip_features, get_secure_boot_enabled, get_encrypted_download_disabled' },
  { chip: 'esp32', name: 'APB_CTL_DATE (REV3 bit 31)', address: 0x3ff6607c, value: 0x96042000, source: 'esp32.py APB_CTL_DATE_ADDR, APB_CTL_DATE_S = 31' },
  { chip: 'esp32', name: 'RTCCALICFG1 (RTC calibration count, bits 7..31)', address: 0x3ff5f06c, value: 2063 << 7, source: 'esp32.py RTCCALICFG1, TIMERS_RTC_CALI_VALUE_S = 7' },
  { chip: 'esp32', name: 'GPIO_STRAP (download boot)', address: 0x3ff44038, value: 0x03, source: 'esp32.py GPIO_STRAP_REG; the ROM prints it as "boot:0x3" in download mode' },
  { chip: 'esp32', name: 'RTC_CNTL_SDIO_CONF (no VDD_SDIO override)', address: 0x3ff48074, value: 0, source: 'esp32.py RTC_CNTL_SDIO_CONF_REG, _get_rtc_cntl_flash_voltage' },
  { chip: 'esp32', name: 'UART_CLKDIV at 115200 (40 MHz crystal)', address: 0x3ff40014, value: 347, source: 'loader.py get_crystal_freq: divider * baud / 1e6 = 40' },
  // ESP32-S3 (QFN56, v0.2)
  { chip: 'esp32s3', name: 'CHIP_DETECT_MAGIC', address: 0x40001000, value: 0x9, source: 'esp32s3.py MAGIC_VALUE' },
  { chip: 'esp32s3', name: 'EFUSE_RD_REPEAT_DATA0 (DIS_DOWNLOAD_MANUAL_ENCRYPT)', address: 0x60007030, value: 0, source: 'esp32s3.py EFUSE_RD_REG_BASE' },
  { chip: 'esp32s3', name: 'EFUSE_RD_REPEAT_DATA1 (SPI_BOOT_CRYPT_CNT, KEY_PURPOSE_0/1, VDD_SPI)', address: 0x60007034, value: 0, source: 'esp32s3.py EFUSE_SPI_BOOT_CRYPT_CNT_REG, EFUSE_PURPOSE_KEY0_REG, EFUSE_VDD_SPI_REG' },
  { chip: 'esp32s3', name: 'EFUSE_RD_REPEAT_DATA2 (SECURE_BOOT_EN, KEY_PURPOSE_2..5)', address: 0x60007038, value: 0, source: 'esp32s3.py EFUSE_SECURE_BOOT_EN_REG' },
  { chip: 'esp32s3', name: 'EFUSE_RD_REPEAT_DATA3 (FLASH_TYPE 4-line)', address: 0x6000703c, value: 0, source: 'esp32s3.py EFUSE_RD_REPEAT_DATA3_REG, flash_type' },
  { chip: 'esp32s3', name: 'EFUSE_BLOCK1 word0 (MAC[2..5])', address: 0x60007044, value: 0xc4123456, source: 'esp32s3.py MAC_EFUSE_REG' },
  { chip: 'esp32s3', name: 'EFUSE_BLOCK1 word1 (MAC[0..1])', address: 0x60007048, value: 0x240a, source: 'esp32s3.py read_mac' },
  { chip: 'esp32s3', name: 'EFUSE_BLOCK1 word3 (QFN56, minor 2, no embedded flash)', address: 0x60007050, value: 2 << 18, source: 'esp32s3.py get_pkg_version, get_raw_minor_chip_version, get_flash_cap' },
  { chip: 'esp32s3', name: 'EFUSE_BLOCK1 word4 (flash/PSRAM vendor)', address: 0x60007054, value: 0, source: 'esp32s3.py get_flash_vendor, get_psram_cap' },
  { chip: 'esp32s3', name: 'EFUSE_BLOCK1 word5 (major 0)', address: 0x60007058, value: 0, source: 'esp32s3.py get_raw_major_chip_version' },
  { chip: 'esp32s3', name: 'EFUSE_BLOCK2 word4 (BLK_VERSION_MAJOR)', address: 0x6000706c, value: 0, source: 'esp32s3.py get_blk_version_major' },
  { chip: 'esp32s3', name: 'GPIO_STRAP (download boot)', address: 0x60004038, value: 0x0, source: 'esp32s3.py GPIO_STRAP_REG; the ROM prints it as "boot:0x0"' },
  { chip: 'esp32s3', name: 'RTC_CNTL_OPTION1 (FORCE_DOWNLOAD_BOOT clear)', address: 0x6000812c, value: 0, source: 'esp32s3.py RTC_CNTL_OPTION1_REG, hard_reset' },
  { chip: 'esp32s3', name: 'UART_CLKDIV at 115200', address: 0x60000014, value: 347, source: 'esp32s3.py UART_CLKDIV_REG' },
  // ESP32-C3 (QFN32, v0.4)
  { chip: 'esp32c3', name: 'CHIP_DETECT_MAGIC (ECO3+)', address: 0x40001000, value: 0x1b31506f, source: 'esp32c3.py CHIP_DETECT_MAGIC_VALUE' },
  { chip: 'esp32c3', name: 'EFUSE_RD_REPEAT_DATA0 (DIS_DOWNLOAD_MANUAL_ENCRYPT)', address: 0x60008830, value: 0, source: 'esp32c3.py EFUSE_RD_REG_BASE' },
  { chip: 'esp32c3', name: 'EFUSE_RD_REPEAT_DATA1 (SPI_BOOT_CRYPT_CNT, KEY_PURPOSE_0/1)', address: 0x60008834, value: 0, source: 'esp32c3.py EFUSE_SPI_BOOT_CRYPT_CNT_REG' },
  { chip: 'esp32c3', name: 'EFUSE_RD_REPEAT_DATA2 (SECURE_BOOT_EN, KEY_PURPOSE_2..5)', address: 0x60008838, value: 0, source: 'esp32c3.py EFUSE_SECURE_BOOT_EN_REG' },
  { chip: 'esp32c3', name: 'EFUSE_BLOCK1 word0 (MAC[2..5])', address: 0x60008844, value: 0xc4123456, source: 'esp32c3.py MAC_EFUSE_REG' },
  { chip: 'esp32c3', name: 'EFUSE_BLOCK1 word1 (MAC[0..1])', address: 0x60008848, value: 0x240a, source: 'esp32c3.py read_mac' },
  { chip: 'esp32c3', name: 'EFUSE_BLOCK1 word3 (QFN32, minor 4)', address: 0x60008850, value: 4 << 18, source: 'esp32c3.py get_pkg_version, get_minor_chip_version, get_flash_cap' },
  { chip: 'esp32c3', name: 'EFUSE_BLOCK1 word4 (flash vendor)', address: 0x60008854, value: 0, source: 'esp32c3.py get_flash_vendor' },
  { chip: 'esp32c3', name: 'EFUSE_BLOCK1 word5 (major 0)', address: 0x60008858, value: 0, source: 'esp32c3.py get_major_chip_version' },
  { chip: 'esp32c3', name: 'UART_CLKDIV at 115200', address: 0x60000014, value: 347, source: 'esp32c3.py UART_CLKDIV_REG' },
];

async function withLoader<T>(chip: ChipKind, stub: boolean, run: (h: LoaderHarness, statusLength: number) => Promise<T>): Promise<T> {
  const h = new LoaderHarness(chip);
  try {
    if (stub) await h.startStub();
    return await run(h, stub ? 2 : 4);
  } finally {
    h.dispose();
  }
}

for (const mode of ['ROM', 'stub'] as const) {
  test(`${mode}: every register esptool reads answers as on the emulated silicon`, async () => {
    for (const chip of ['esp32', 'esp32s3', 'esp32c3'] as const) {
      await withLoader(chip, mode === 'stub', async (h, statusLength) => {
        for (const row of REGISTERS.filter((r) => r.chip === chip)) {
          const r = await h.command(Op.READ_REG, u32le(row.address), 0, statusLength);
          assert.equal(r.value, row.value >>> 0, `${chip} ${row.name} @0x${row.address.toString(16)} (${row.source}): 0x${r.value.toString(16)}`);
        }
      });
    }
  });
}

/** esptool's get_rom_cal_crystal_freq and ESP32ROM.change_baud (targets/esp32.py), as it computes them. */
function esptoolFalseRomBaud(rtcCaliCfg1: number, efuseWord4: number, baud: number): number {
  const caliVal = (rtcCaliCfg1 >>> 7) & 0x01ffffff;
  const ck8m = efuseWord4 & 0xff;
  const romFreq = (caliVal * 15625 * ck8m) / 40;
  const validFreq = romFreq > 33_000_000 ? 40_000_000 : 26_000_000;
  return Math.floor((baud * romFreq) / validFreq);
}

test("ESP32 ROM: esptool's crystal work-around asks for a rate that lands on the one it wants; without it the ROM is 0.7 % off", async () => {
  await withLoader('esp32', false, async (h) => {
    const cali = (await h.command(Op.READ_REG, u32le(0x3ff5f06c))).value;
    const word4 = (await h.command(Op.READ_REG, u32le(0x3ff5a010))).value;
    const asked = esptoolFalseRomBaud(cali, word4, 460800);
    assert.equal(asked, 464175, 'the rate esptool 4.x/5.x sends in ROM mode (--no-stub --baud 460800)');
    const r = await h.command(Op.CHANGE_BAUDRATE, u32le(asked, 0));
    assert.deepEqual([...r.status], [0, 0, 0, 0]);
    await new Promise((res) => setImmediate(res));
    assert.equal(h.bauds.at(-1), 460800);
    // esptool-js sends the rate as is: the UART lands within its tolerance, but not on it.
    await h.command(Op.CHANGE_BAUDRATE, u32le(460800, 0));
    await new Promise((res) => setImmediate(res));
    assert.equal(h.bauds.at(-1), 457450);
  });
  for (const chip of ['esp32s3', 'esp32c3'] as const) {
    await withLoader(chip, false, async (h) => {
      await h.command(Op.CHANGE_BAUDRATE, u32le(460800, 0));
      await new Promise((res) => setImmediate(res));
      assert.equal(h.bauds.at(-1), 460800, `${chip}: the ROM divides by the real crystal`);
    });
  }
  await withLoader('esp32', true, async (h) => {
    await h.command(Op.CHANGE_BAUDRATE, u32le(460800, 115200), 0, 2);
    await new Promise((res) => setImmediate(res));
    assert.equal(h.bauds.at(-1), 460800, 'the stub divides by the real crystal');
  });
  assert.equal(CHIPS.esp32s3.romCrystalCalibration, undefined);
});

/** A command as esptool sends it, and what the loader must answer. */
interface CommandRow {
  op: number;
  name: string;
  payload: (chip: ChipKind) => Uint8Array;
  checksum?: number;
  /** Per mode: 'ok' with the data length esptool expects, or the loader's refusal. */
  rom: { ok: number } | 'unsupported' | ((chip: ChipKind) => { ok: number } | 'unsupported');
  stub: { ok: number } | 'unsupported' | ((chip: ChipKind) => { ok: number } | 'unsupported');
  source: string;
}

const ram = (chip: ChipKind): number => CHIPS[chip].ram[1][0] + 0x10000;
const securityInfo = (chip: ChipKind): { ok: number } | 'unsupported' => (chip === 'esp32' ? 'unsupported' : { ok: 20 });

const COMMANDS: CommandRow[] = [
  { op: Op.READ_REG, name: 'READ_REG', payload: () => u32le(0x40001000), rom: { ok: 0 }, stub: { ok: 0 }, source: 'serial-protocol.rst; value field carries the word' },
  { op: Op.WRITE_REG, name: 'WRITE_REG', payload: () => u32le(0x3ff00000, 0, 0xffffffff, 0), rom: { ok: 0 }, stub: { ok: 0 }, source: 'address, value, mask, delay' },
  { op: Op.SPI_SET_PARAMS, name: 'SPI_SET_PARAMS', payload: () => u32le(0, 4 << 20, 64 << 10, 4096, 256, 0xffff), rom: { ok: 0 }, stub: { ok: 0 }, source: 'loader.py flash_set_parameters' },
  { op: Op.SPI_ATTACH, name: 'SPI_ATTACH with the ROM\'s two words', payload: () => u32le(0, 0), rom: { ok: 0 }, stub: 'unsupported', source: 'loader.py flash_spi_attach: a second word for the ROM only; the stub takes one' },
  { op: Op.READ_FLASH_SLOW, name: 'READ_FLASH_SLOW 64 bytes', payload: () => u32le(0x1000, 64), rom: { ok: 64 }, stub: 'unsupported', source: 'loader.py ESP_CMDS "ROM only"; esp32.py read_flash_slow, 64-byte buffer' },
  { op: Op.GET_SECURITY_INFO, name: 'GET_SECURITY_INFO', payload: () => new Uint8Array(0), rom: securityInfo, stub: securityInfo, source: 'loader.py get_security_info: 20 bytes with chip id and ECO on S3/C3; not in the ESP32 ROM' },
  { op: Op.MEM_BEGIN, name: 'MEM_BEGIN', payload: (chip) => u32le(64, 1, 0x1800, ram(chip)), rom: { ok: 0 }, stub: { ok: 0 }, source: 'size, blocks, block size, address' },
  { op: Op.FLASH_BEGIN, name: 'FLASH_BEGIN', payload: () => u32le(0x1000, 1, 0x400, 0x10000), rom: { ok: 0 }, stub: { ok: 0 }, source: 'size, blocks, block size, offset' },
  { op: Op.FLASH_DEFL_BEGIN, name: 'FLASH_DEFL_BEGIN', payload: () => u32le(0x1000, 1, 0x4000, 0x10000), rom: { ok: 0 }, stub: { ok: 0 }, source: 'uncompressed size, blocks, block size, offset' },
  { op: Op.SPI_FLASH_MD5, name: 'SPI_FLASH_MD5', payload: () => u32le(0, 0x1000, 0, 0), rom: { ok: 32 }, stub: { ok: 16 }, source: 'serial-protocol.rst: ROM 32 hex characters, stub 16 raw bytes' },
  { op: Op.ERASE_REGION, name: 'ERASE_REGION', payload: () => u32le(0x20000, 0x1000), rom: 'unsupported', stub: { ok: 0 }, source: 'stub loader only' },
  { op: Op.ERASE_FLASH, name: 'ERASE_FLASH', payload: () => new Uint8Array(0), rom: 'unsupported', stub: { ok: 0 }, source: 'stub loader only' },
];

async function expectAnswer(h: LoaderHarness, row: CommandRow, chip: ChipKind, stub: boolean): Promise<void> {
  const want = (typeof (stub ? row.stub : row.rom) === 'function' ? (stub ? row.stub : row.rom) as (c: ChipKind) => { ok: number } | 'unsupported' : () => (stub ? row.stub : row.rom) as { ok: number } | 'unsupported')(chip);
  const statusLength = stub ? 2 : 4;
  const r: Response = await h.command(row.op, row.payload(chip), row.checksum ?? 0, statusLength);
  const where = `${chip} ${stub ? 'stub' : 'ROM'} ${row.name} (${row.source})`;
  if (want === 'unsupported') {
    if (stub) {
      assert.equal(r.status[0] !== 0 || r.status[1] !== 0, true, `${where}: refused`);
    } else {
      // The ROM answers a command it lacks eight times with another command byte and 0x01 0x05.
      assert.notEqual(r.op, row.op, where);
      assert.deepEqual([...r.status.subarray(0, 2)], [1, 5], where);
      await h.take(7);
    }
    return;
  }
  assert.equal(r.op, row.op, where);
  assert.deepEqual([...r.status], new Array<number>(statusLength).fill(0), `${where}: status`);
  assert.equal(r.data.length, want.ok, `${where}: data length`);
}

for (const mode of ['ROM', 'stub'] as const) {
  test(`${mode}: every command esptool sends is answered (or refused) as the real loader does`, async () => {
    for (const chip of ['esp32', 'esp32s3', 'esp32c3'] as const) {
      for (const row of COMMANDS) {
        await withLoader(chip, mode === 'stub', (h) => expectAnswer(h, row, chip, mode === 'stub'));
      }
    }
  });
}

test('READ_FLASH_SLOW returns the flash bytes in a 64-byte buffer; longer than 64 is a read length error (0x0a)', async () => {
  await withLoader('esp32c3', false, async (h) => {
    h.flash.write(0x3000, Uint8Array.from({ length: 16 }, (_, i) => i));
    const r = await h.command(Op.READ_FLASH_SLOW, u32le(0x3000, 16));
    assert.deepEqual([...r.data.subarray(0, 16)], Array.from({ length: 16 }, (_, i) => i));
    assert.equal(r.data.length, 64);
    const bad = await h.command(Op.READ_FLASH_SLOW, u32le(0x3000, 65));
    assert.deepEqual([...bad.status.subarray(0, 2)], [1, 0x0a]);
  });
});

test('SPI flash commands esptool runs through the SPI registers: RDID answers the JEDEC id, RDSFDP the "SFDP" signature', async () => {
  for (const chip of ['esp32', 'esp32s3', 'esp32c3'] as const) {
    await withLoader(chip, false, async (h) => {
      const { base, usr2Offset, w0Offset } = CHIPS[chip].spi;
      const run = async (command: number, address: number): Promise<number> => {
        await h.command(Op.WRITE_REG, u32le(base + usr2Offset, (7 << 28) | command, 0xffffffff, 0));
        await h.command(Op.WRITE_REG, u32le(base + 4, address, 0xffffffff, 0));
        await h.command(Op.WRITE_REG, u32le(base, 1 << 18, 0xffffffff, 0));
        return (await h.command(Op.READ_REG, u32le(base + w0Offset))).value;
      };
      assert.equal(await run(0x9f, 0), 0x1640c8, `${chip}: GigaDevice (0xc8), 0x40 family, 4 MB (0x16)`);
      assert.equal(await run(0x5a, 0), 0x50444653, `${chip}: esptool's SFDP_SIGNATURE (cmds.py)`);
    });
  }
});
