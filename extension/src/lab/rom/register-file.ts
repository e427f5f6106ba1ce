import { CHIP_DETECT_MAGIC_REG, type ChipSpec } from './chips';

/** SPI_ADDR_REG, the same offset on ESP32, -S3 and -C3 (esptool's run_spiflash_command). */
const SPI_ADDR_OFFSET = 0x04;
/** SPI_CMD_REG bit that starts a user-defined command; hardware clears it when the command is done. */
const SPI_CMD_USR = 1 << 18;
const SPIFLASH_RDID = 0x9f;
const SPIFLASH_RDSR = 0x05;
/** Read SFDP (JEDEC JESD216): esptool reads its signature to tell whether a flash answers at all. */
const SPIFLASH_RDSFDP = 0x5a;
/** "SFDP" read as a little-endian word: esptool's SFDP_SIGNATURE (cmds.py). */
const SFDP_SIGNATURE = 0x50444653;
/** GigaDevice: a common flash vendor on ESP32 modules; the device byte is the GD25Q "40" family. */
const FLASH_MANUFACTURER = 0xc8;
const FLASH_DEVICE = 0x40;

/**
 * The memory-mapped registers a host reaches with READ_REG/WRITE_REG: the chip's fixed values (magic,
 * eFuse words), a UART divider that follows the programmed baud rate, and enough of the SPI flash
 * controller that esptool's "run SPI flash command" (JEDEC id) works. Any other address reads what was
 * last written there, or 0.
 */
export class RegisterFile {
  private readonly values: Map<number, number>;

  constructor(
    private readonly spec: ChipSpec,
    mac: Uint8Array,
    private readonly flashSize: number,
    /** The UART baud the chip runs at now: the divider register is derived from it. */
    private readonly currentBaud: () => number,
  ) {
    this.values = spec.registers(mac);
    this.values.set(CHIP_DETECT_MAGIC_REG, spec.magic);
  }

  read(addr: number): number {
    addr >>>= 0;
    if (addr === this.spec.uartClkdivReg) {
      // esptool computes the crystal as baud * divider / 1e6, so the divider is xtal / baud.
      return Math.round((this.spec.xtalMhz * 1e6) / this.currentBaud()) & 0xfffff;
    }
    return this.values.get(addr) ?? 0;
  }

  /** WRITE_REG semantics: bits outside `mask` keep their old value. */
  write(addr: number, value: number, mask = 0xffffffff): void {
    addr >>>= 0;
    const merged = mask === 0xffffffff ? value >>> 0 : ((value & mask) | (this.read(addr) & ~mask)) >>> 0;
    if (addr === CHIP_DETECT_MAGIC_REG) return; // ROM: not writable
    this.values.set(addr, merged);
    if (addr === this.spec.spi.base && (merged & SPI_CMD_USR) !== 0) this.runSpiCommand();
  }

  private runSpiCommand(): void {
    const { base, usr2Offset, w0Offset } = this.spec.spi;
    const command = this.read(base + usr2Offset) & 0xff;
    if (command === SPIFLASH_RDID) {
      this.values.set(base + w0Offset, FLASH_MANUFACTURER | (FLASH_DEVICE << 8) | (jedecSizeCode(this.flashSize) << 16));
    } else if (command === SPIFLASH_RDSR) {
      this.values.set(base + w0Offset, 0); // never busy: erases and writes complete before the next command
    } else if (command === SPIFLASH_RDSFDP) {
      // The SFDP header's first word at address 0 (esptool shifts a 24-bit address into the top of
      // SPI_ADDR on these chips, so 0 reads 0 either way); other SFDP bytes are not modelled.
      const address = this.read(base + SPI_ADDR_OFFSET);
      this.values.set(base + w0Offset, address === 0 ? SFDP_SIGNATURE : 0xffffffff);
    }
    this.values.set(base, this.read(base) & ~SPI_CMD_USR);
  }
}

/** JEDEC capacity byte: log2 of the size in bytes (0x16 = 4 MB), as esptool's DETECTED_FLASH_SIZES maps it. */
export function jedecSizeCode(size: number): number {
  return Math.round(Math.log2(size));
}
