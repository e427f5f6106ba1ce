import { macWords, type ChipSpec } from './chip-spec';

const EFUSE_RD = 0x3ff5a000;
const APB_CTL_DATE = 0x3ff66000 + 0x7c;

/**
 * ESP32-D0WD-V3, revision 3, 40 MHz crystal. No GET_SECURITY_INFO in this ROM: esptool detects it by
 * the magic register. eFuse words: BLK0 word3 = package D0WD (bits 9..11 = 1), rev bit 15, rated
 * 240 MHz (bit 13); word5 bit 20 and APB_CTL_DATE bit 31 complete revision 3; word4 carries an ADC
 * Vref calibration; word6 coding scheme None.
 */
export const esp32: ChipSpec = {
  kind: 'esp32',
  name: 'ESP32',
  magic: 0x00f01d83,
  ecoVersion: 3,
  downloadBanner:
    'ets Jul 29 2019 12:21:46\r\n\r\nrst:0x1 (POWERON_RESET),boot:0x3 (DOWNLOAD_BOOT(UART0/UART1/SDIO_REI_REO_V2))\r\nwaiting for download\r\n',
  xtalMhz: 40,
  uartClkdivReg: 0x3ff40014,
  spi: { base: 0x3ff42000, usrOffset: 0x1c, usr2Offset: 0x24, w0Offset: 0x80 },
  ram: [
    [0x3ffae000, 0x40000000], // DRAM
    [0x40070000, 0x400c0000], // IRAM (cache-as-IRAM and DIRAM included; the stub loads at 0x40080000+)
  ],
  registers(mac) {
    const [w0, w1] = macWords(mac);
    return new Map([
      [EFUSE_RD + 4 * 1, w0],
      [EFUSE_RD + 4 * 2, w1],
      [EFUSE_RD + 4 * 3, (1 << 9) | (1 << 13) | (1 << 15)],
      [EFUSE_RD + 4 * 4, 0x0d << 8],
      [EFUSE_RD + 4 * 5, 1 << 20],
      [EFUSE_RD + 4 * 6, 0],
      [APB_CTL_DATE, 0x96042000],
    ]);
  },
};
