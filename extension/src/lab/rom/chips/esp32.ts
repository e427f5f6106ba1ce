import { macWords, type ChipSpec } from './chip-spec';

const EFUSE_RD = 0x3ff5a000;
const APB_CTL_DATE = 0x3ff66000 + 0x7c;
/** TIMG0 RTCCALICFG1: esptool's RTCCALICFG1, calibration count in bits 7..31. */
const RTCCALICFG1 = 0x3ff5f06c;
const GPIO_STRAP = 0x3ff44038;
const RTC_CNTL_SDIO_CONF = 0x3ff48074;

/**
 * The lab ROM's crystal estimate: 2063 * 15625 * 50 / 40 = 40.29 MHz, 0.73 % above the real 40 MHz.
 * Espressif documents the registers and esptool's formula, not typical readings; the drift is chosen so
 * that a host without the work-around (esptool-js) still lands within the UART's tolerance, while the
 * rate esptool asks for in ROM mode (460800 -> 464175) is only right when the ROM side is modelled.
 */
const ROM_CRYSTAL_CALIBRATION = { register: RTCCALICFG1, caliValue: 2063, ck8mFreq: 50 };

/**
 * ESP32-D0WD-V3, revision v3.0, 40 MHz crystal. No GET_SECURITY_INFO in this ROM: esptool detects it by
 * the magic register. Every value below is a register esptool 4.x/5.x reads (esptool/targets/esp32.py);
 * bit positions from there and from espefuse's efuse_defs/esp32.yaml.
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
  romCrystalCalibration: ROM_CRYSTAL_CALIBRATION,
  registers(mac) {
    const [w0, w1] = macWords(mac);
    return new Map([
      // BLK0 word0: write/read-protect bits 0..19 and FLASH_CRYPT_CNT 20..26 clear: no flash encryption.
      [EFUSE_RD + 4 * 0, 0],
      // Words 1/2: factory MAC (esptool read_mac packs word2, word1 big-endian and drops the top 2 bytes).
      [EFUSE_RD + 4 * 1, w0],
      [EFUSE_RD + 4 * 2, w1],
      // Word3: CHIP_PACKAGE bits 9..11 = 1 (D0WD), CPU_FREQ_RATED bit 13 (240 MHz: FREQ_LOW bit 12 clear),
      // CHIP_VER_REV1 bit 15; app CPU and BT enabled (bits 0, 1 clear), SPI_PAD_CONFIG_HD 4..8 = 0.
      [EFUSE_RD + 4 * 3, (1 << 9) | (1 << 13) | (1 << 15)],
      // Word4: CK8M_FREQ bits 0..7 (ROM crystal estimate), ADC_VREF bits 8..12, XPD_SDIO bits 14..16 clear
      // (flash voltage from the strapping pin).
      [EFUSE_RD + 4 * 4, (0x0d << 8) | ROM_CRYSTAL_CALIBRATION.ck8mFreq],
      // Word5: SPI pads 0..19 default (0), CHIP_VER_REV2 bit 20, WAFER_VERSION_MINOR 24..25 = 0,
      // FLASH_CRYPT_CONFIG 28..31 = 0.
      [EFUSE_RD + 4 * 5, 1 << 20],
      // Word6: CODING_SCHEME 0..1 = None, ABS_DONE_0/1 (bits 4, 5: secure boot) and DISABLE_DL_ENCRYPT
      // (bit 7) clear.
      [EFUSE_RD + 4 * 6, 0],
      // APB_CTL_DATE bit 31: the third revision bit; with REV1 and REV2 it makes v3.
      [APB_CTL_DATE, 0x96042000],
      [RTCCALICFG1, (ROM_CRYSTAL_CALIBRATION.caliValue << 7) >>> 0],
      // Strapping pins as sampled at reset, the value the ROM prints as "boot:0x3" in download mode:
      // GPIO5 and MTDO high, GPIO0 low; MTDI (bit 5, VDD_SPI) low = 3.3 V flash.
      [GPIO_STRAP, 0x03],
      // No software override of the flash voltage regulator (SDIO_FORCE bit 22 clear).
      [RTC_CNTL_SDIO_CONF, 0],
    ]);
  },
};
