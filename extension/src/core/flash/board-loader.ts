import type { SerialLink } from '../serial/serial-link';

/** What the ROM bootloader reports about the chip, read while connected. */
export interface LoaderChipDetails {
  /** esptool's chip name: "ESP32", "ESP32-S3", "ESP32-C3". */
  readonly chip: string;
  /** esptool's description, e.g. "ESP32-S3 (QFN56) (revision v0.2)". */
  readonly description: string;
  /** "v0.2", when the chip reports a revision. */
  readonly revision?: string;
  /** "aa:bb:cc:dd:ee:ff" */
  readonly mac: string;
  /** "8MB", when the flash ID maps to a size. */
  readonly flashSize?: string;
  readonly features: readonly string[];
  /** "40MHz" */
  readonly crystal?: string;
}

/** Progress of one region write, in bytes of the uncompressed image. */
export type WriteProgress = (writtenBytes: number, totalBytes: number) => void;

/**
 * A board in its ROM bootloader (or stub) as flashing and identification need it. esptool-js sits behind
 * this interface in esptool-loader.ts; tests use a fake, so the skip and scheduling logic runs without a
 * serial port.
 */
export interface BoardLoader {
  /** esptool's chip name, known once connected: "ESP32-S3". */
  readonly chip: string;
  /** The baud rate the link runs at after connecting (the flash baud, or a fallback). */
  readonly baudRate: number;
  /** Reads description, revision, MAC, flash size, crystal and features. */
  readChipDetails(): Promise<LoaderChipDetails>;
  /** MD5 (lowercase hex) the board computes over a flash region. */
  flashMd5(offset: number, size: number): Promise<string>;
  /**
   * Writes one region, compressed. `onProgress` is called after every block; throwing from it (a cancel)
   * stops the write between blocks and rejects with what was thrown.
   */
  writeRegion(offset: number, data: Uint8Array, onProgress: WriteProgress): Promise<void>;
  readFlash(offset: number, size: number): Promise<Uint8Array>;
  /** Pulses EN through RTS so the board boots what is in flash. */
  hardReset(): Promise<void>;
  /** Leaves the board as it is (bootloader or running) and releases the link's streams. */
  close(): Promise<void>;
}

/** How to reach the bootloader. */
export interface LoaderConnectOptions {
  /** Names the board in errors and log lines: a label or the port path. */
  readonly board: string;
  /** Baud rate of the ROM bootloader's first contact. Default 115200. */
  readonly romBaud?: number;
  /**
   * Baud to switch to; undefined or equal to romBaud = stay. Default 921600. The ESP32-S3 and -C3 switch
   * in the ROM and get the stub at this rate; other chips switch once the stub runs (esptool's order).
   */
  readonly flashBaud?: number;
  /** Run the flasher stub (needed for fast writes, compressed MD5 and readFlash). Default true. */
  readonly stub?: boolean;
  /** One line per message; esptool-js's own output is routed here too. */
  readonly log?: (line: string) => void;
  /**
   * USB ids of a local port, as Web Serial reports them: esptool-js picks the USB-Serial/JTAG reset
   * sequence for Espressif's native USB (303a:1001).
   */
  readonly portInfo?: { readonly usbVendorId?: number; readonly usbProductId?: number };
  /** Aborting stops connect attempts at the next reset. */
  readonly signal?: AbortSignal;
}

/** Connects to a board's bootloader over an open-able link; the loader owns the link until close(). */
export type ConnectLoader = (link: SerialLink, options: LoaderConnectOptions) => Promise<BoardLoader>;
