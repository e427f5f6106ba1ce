import type { Disposable } from '../../core/common/disposable';

/** The chip kinds the lab emulates. */
import type { ChipKey } from '../../core/chips/chips';

/** The chips the lab emulates: every chip the product knows (core/chips). */
export type ChipKind = ChipKey;

/** A board's flash: a file in the lab's state folder, erased = 0xFF. */
export interface FlashStore extends Disposable {
  readonly size: number;
  read(offset: number, length: number): Uint8Array;
  /** NOR semantics: a write can only clear bits; writing over unerased data ANDs it. */
  write(offset: number, data: Uint8Array): void;
  erase(offset: number, length: number): void;
  /** Persists pending writes to the backing file. */
  flush(): void;
  /** Counters for tests and benches (e.g. "a second flash of the same image writes no data blocks"). */
  readonly stats: { dataBlocksWritten: number; bytesWritten: number; erases: number };
}

/** The UART rate after a reset: the ROM prints its boot messages at 115200 baud (40 MHz crystal), as does ESP-IDF's default console. */
export const BOOT_BAUD = 115200;

/** Faults a test can switch on for one board. */
export interface BoardFaults {
  /** The ROM bootloader reads but never answers. */
  silentBootloader: boolean;
  /** Probability per byte, both directions, that one bit flips on the wire. */
  bitErrorRate: number;
  /** Drop the host connection after this many bytes of host-to-board traffic (once), then reset to 0. */
  dropAfterBytes: number;
  /** EN held low: the chip does nothing until released. */
  heldInReset: boolean;
  /**
   * Each FLASH_DATA / FLASH_DEFL_DATA block lands in flash with one bit flipped, as a failing flash chip
   * would do: the MD5 the loader reports then differs from the host's. Optional so older fakes compile.
   */
  corruptFlashWrites?: boolean;
  /**
   * The flasher stub sets its UART back to 115200 baud when it starts, whatever rate the ROM ran at (what
   * the ESP32's stub does when the ROM's record of its rate is not the one it switched to): a host that
   * switched before uploading the stub then hears its "OHAI" at the wrong rate.
   */
  stubResetsBaud?: boolean;
  /** The firmware's Wi-Fi driver refuses every join (esp_wifi_connect returns ESP_ERR_WIFI_NOT_STARTED). */
  wifiDriverRefusesJoin?: boolean;
}

/**
 * What the board gives the program running on its chip (the ROM bootloader emulator, or the boot from
 * flash and the firmware it starts). The board owns the UART, the modem lines and the flash file.
 */
export interface ChipContext {
  readonly chip: ChipKind;
  /** Factory MAC from eFuse, 6 bytes. */
  readonly mac: Uint8Array;
  readonly flash: FlashStore;
  readonly faults: BoardFaults;
  /** Bytes the chip sends on UART TX, paced and delivered to the host by the board. */
  transmit(data: Uint8Array): void;
  /** The chip reprograms its UART divisor (ROM autobaud, CHANGE_BAUDRATE, app console baud). */
  setUartBaud(baud: number): void;
  /**
   * ROM autobaud (added by the board owner): in download mode the chip's UART follows whatever rate the
   * host uses until the ROM has seen its first SYNC frame. The bootloader calls this when it receives
   * that SYNC; from then on the UART stays at the host's rate of that moment until `setUartBaud`
   * (CHANGE_BAUDRATE). Optional so fakes need not implement it; the virtual board always does.
   */
  lockAutobaud?(): void;
  /** Lab-internal diagnostics (not UART output). */
  log(message: string): void;
  /**
   * Optional: the program leaves the ROM loader (FLASH_END/FLASH_DEFL_END sent to the ROM). 'soft-reset'
   * resets the chip (strapping pins are sampled again); 'run-user-code' boots from flash. A board without
   * it keeps the loader running, which is what esp-flasher-stub does for these commands anyway.
   */
  leaveLoader?(how: 'soft-reset' | 'run-user-code'): void;
}

/** Whatever runs on the chip between two resets. The board disposes it on reset or power-off. */
export interface ChipProgram extends Disposable {
  /** Bytes that reached the chip's UART RX at a matching baud rate. */
  receive(data: Uint8Array): void;
}
