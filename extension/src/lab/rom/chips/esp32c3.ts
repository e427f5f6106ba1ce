import { macWords, type ChipSpec } from './chip-spec';

const EFUSE_BLOCK1 = 0x60008800 + 0x44;

/**
 * ESP32-C3 (QFN32), revision v0.4, no embedded flash. Detected by GET_SECURITY_INFO chip id 5; the magic
 * register holds the ECO3+ value. eFuse BLOCK1 word3: package bits 21..23 = 0, minor revision low bits
 * 18..20 = 4; word5: major bits 24..25 = 0.
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
      [EFUSE_BLOCK1 + 0, w0],
      [EFUSE_BLOCK1 + 4, w1],
      [EFUSE_BLOCK1 + 4 * 3, 4 << 18],
      [EFUSE_BLOCK1 + 4 * 4, 0],
      [EFUSE_BLOCK1 + 4 * 5, 0],
    ]);
  },
};
