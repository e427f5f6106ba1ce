import { macWords, type ChipSpec } from './chip-spec';

const EFUSE_BASE = 0x60008800;
const EFUSE_BLOCK1 = EFUSE_BASE + 0x44;

/**
 * ESP32-C3 (QFN32), revision v0.4, no embedded flash. Detected by GET_SECURITY_INFO chip id 5; the magic
 * register holds the ECO3+ value. Registers as esptool 4.x/5.x reads them (esptool/targets/esp32c3.py).
 */
export const esp32c3: ChipSpec = {
  kind: 'esp32c3',
  name: 'ESP32-C3',
  magic: 0x1b31506f,
  securityChipId: 5,
  ecoVersion: 4,
  downloadBanner:
    'ESP-ROM:esp32c3-api1-20210207\r\nBuild:Feb  7 2021\r\nrst:0x1 (POWERON),boot:0x4 (DOWNLOAD(USB/UART0/1))\r\nwaiting for download\r\n',
  xtalMhz: 40,
  uartClkdivReg: 0x60000014,
  spi: { base: 0x60002000, usrOffset: 0x18, usr2Offset: 0x20, w0Offset: 0x58 },
  ram: [
    [0x3fc80000, 0x3fce0000], // DRAM
    [0x4037c000, 0x403e0000], // IRAM
  ],
  registers(mac) {
    const [w0, w1] = macWords(mac);
    return new Map([
      // BLOCK0 RD_REPEAT_DATA0..2: DIS_DOWNLOAD_MANUAL_ENCRYPT (data0 bit 20), SPI_BOOT_CRYPT_CNT
      // (data1 bits 18..20), KEY_PURPOSE_0..5 (data1 24..31, data2 0..15), SECURE_BOOT_EN (data2 bit 20):
      // all clear.
      [EFUSE_BASE + 0x30, 0],
      [EFUSE_BASE + 0x34, 0],
      [EFUSE_BASE + 0x38, 0],
      // BLOCK1 words 0/1: factory MAC.
      [EFUSE_BLOCK1 + 0, w0],
      [EFUSE_BLOCK1 + 4, w1],
      // Word3: PKG_VERSION bits 21..23 = 0 (QFN32), WAFER_VERSION_MINOR_LO 18..20 = 4, FLASH_CAP 27..29 = 0.
      [EFUSE_BLOCK1 + 4 * 3, 4 << 18],
      // Word4: flash vendor 0..2 = 0.
      [EFUSE_BLOCK1 + 4 * 4, 0],
      // Word5: WAFER_VERSION_MINOR_HI bit 23 = 0, WAFER_VERSION_MAJOR 24..25 = 0.
      [EFUSE_BLOCK1 + 4 * 5, 0],
    ]);
  },
};
