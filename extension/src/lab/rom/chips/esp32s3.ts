import { macWords, type ChipSpec } from './chip-spec';

const EFUSE_BASE = 0x60007000;
const EFUSE_BLOCK1 = EFUSE_BASE + 0x44;
const EFUSE_BLOCK2 = EFUSE_BASE + 0x5c;
const GPIO_STRAP = 0x60004038;
const RTC_CNTL_OPTION1 = 0x6000812c;

/**
 * ESP32-S3 (QFN56), revision v0.2, no embedded flash or PSRAM. Detected by GET_SECURITY_INFO chip id 9.
 * Registers as esptool 4.x/5.x reads them (esptool/targets/esp32s3.py).
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
      // BLOCK0 RD_REPEAT_DATA0..3: DIS_DOWNLOAD_MANUAL_ENCRYPT (data0 bit 20), SPI_BOOT_CRYPT_CNT
      // (data1 bits 18..20), KEY_PURPOSE_0..5 (data1 24..31, data2 0..15), SECURE_BOOT_EN (data2 bit 20),
      // VDD_SPI_XPD/TIEH/FORCE (data1 bits 4..6), FLASH_TYPE (data3 bit 9: 0 = 4-line): all clear.
      [EFUSE_BASE + 0x30, 0],
      [EFUSE_BASE + 0x34, 0],
      [EFUSE_BASE + 0x38, 0],
      [EFUSE_BASE + 0x3c, 0],
      // BLOCK1 words 0/1: factory MAC.
      [EFUSE_BLOCK1 + 0, w0],
      [EFUSE_BLOCK1 + 4, w1],
      // Word3: PKG_VERSION bits 21..23 = 0 (QFN56), WAFER_VERSION_MINOR_LO 18..20 = 2, FLASH_CAP 27..29
      // = 0 (no embedded flash), BLK_VERSION_MINOR 24..26 = 0.
      [EFUSE_BLOCK1 + 4 * 3, 2 << 18],
      // Word4: flash vendor 0..2, PSRAM cap 3..4 and vendor 7..8 = 0 (none embedded).
      [EFUSE_BLOCK1 + 4 * 4, 0],
      // Word5: WAFER_VERSION_MINOR_HI bit 23 = 0, WAFER_VERSION_MAJOR 24..25 = 0, PSRAM_CAP_HI bit 19 = 0.
      [EFUSE_BLOCK1 + 4 * 5, 0],
      // BLOCK2 word4: BLK_VERSION_MAJOR 0..1 = 0 (only read to tell v0.0 chips apart).
      [EFUSE_BLOCK2 + 4 * 4, 0],
      // Strapping pins in download mode, as the ROM prints them ("boot:0x0"): GPIO0 (bit 3) low.
      [GPIO_STRAP, 0x0],
      // FORCE_DOWNLOAD_BOOT (bit 0) clear: download mode came from the strapping pin, not from software.
      [RTC_CNTL_OPTION1, 0],
      [0x3fcef14c, 2], // UARTDEV_BUF_NO (esptool-js, esptool 4.x): the ROM talks over UART0, not USB
    ]);
  },
};
