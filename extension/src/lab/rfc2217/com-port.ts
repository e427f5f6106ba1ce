/** Frame settings a host can set over RFC2217. The chip's UART is 8N1; anything else garbles. */
export interface FrameFormat {
  dataBits: number;
  /** RFC2217 values: 1 none, 2 odd, 3 even, 4 mark, 5 space. */
  parity: number;
  /** RFC2217 values: 1 one, 2 two, 3 one and a half. */
  stopBits: number;
}

/**
 * The board side of a USB-UART bridge as an RFC2217 session drives it: the host's line settings, the
 * modem lines and the two data buffers. The virtual board implements it.
 */
export interface ComPortModel {
  readonly lineBaud: number;
  setLineBaud(baud: number): void;
  readonly frame: FrameFormat;
  setFrame(frame: Partial<FrameFormat>): void;
  readonly dtr: boolean;
  readonly rts: boolean;
  readonly breakOn: boolean;
  setDtr(on: boolean): void;
  setRts(on: boolean): void;
  setBreak(on: boolean): void;
  /** Host-to-board bytes, already unescaped. */
  write(data: Uint8Array): void;
  /** Discards bytes not yet delivered: `toBoard` = received from the host, `toHost` = waiting to be sent. */
  purge(toBoard: boolean, toHost: boolean): void;
  /** CTS/DSR/RI/CD as the bridge sees them (RFC2217 NOTIFY-MODEMSTATE bits, upper nibble). */
  readonly modemState: number;
}
