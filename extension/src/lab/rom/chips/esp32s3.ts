import { macWords, type ChipSpec } from './chip-spec';

const EFUSE_BLOCK1 = 0x60007000 + 0x44;

/**
 * ESP32-S3 (QFN56), revision v0.2, no embedded flash or PSRAM. Detected by GET_SECURITY_INFO chip id 9.
 * eFuse BLOCK1 word3: package bits 21..23 = 0, minor revision low bits 18..20 = 2; word5: major bits
 * 24..25 = 0.
 */
export const esp32s3: ChipSpec = {
  kind: 'esp32s3',
  name: 'ESP32-S3',
  magic: 0x00000009,
  securityChipId: 9,
  ecoVersion: 2,
  downloadBanner:
    'ESP-ROM:esp32s3-20210327\r\nBuild:Mar 27 2021\r\nrst:0x1 (POWERON),boot:0x0 (DOWNLOAD(USB/UART0))\r\nwaiting for download\r\n',
  xtalMhz: 40,
  uartClkdivReg: 0x60000014,
  spi: { base: 0x60002000, usrOffset: 0x18, usr2Offset: 0x20, w0Offset: 0x58 },
  ram: [
    [0x3fc88000, 0x3fd00000], // DRAM
    [0x40370000, 0x403e0000], // IRAM
  ],
  registers(mac) {
    const [w0, w1] = macWords(mac);
    return new Map([
      [EFUSE_BLOCK1 + 0, w0],
      [EFUSE_BLOCK1 + 4, w1],
      [EFUSE_BLOCK1 + 4 * 3, 2 << 18],
      [EFUSE_BLOCK1 + 4 * 4, 0],
      [EFUSE_BLOCK1 + 4 * 5, 0],
      [0x3fcef14c, 2], // UARTDEV_BUF_NO: the ROM talks over UART0, not USB
    ]);
  },
};
