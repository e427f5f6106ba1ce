/** SLIP framing as the ESP ROM loader and flasher stub use it (RFC 1055 bytes, a frame per packet). */
export const SLIP_END = 0xc0;
export const SLIP_ESC = 0xdb;
export const SLIP_ESC_END = 0xdc;
export const SLIP_ESC_ESC = 0xdd;

/**
 * Frames `payload`: leading and trailing 0xC0, with 0xC0/0xDB escaped inside. One definition for both ends of
 * the line: the flasher frames its requests with it (the bytes esptool-js's Transport.slipWriter() sends,
 * checked by a test), the lab's ROM and stub their answers. Payloads without a byte to escape, most flash
 * blocks of compressed data are not, are copied in one go.
 */
export function slipEncode(payload: Uint8Array): Uint8Array {
  let escapes = 0;
  for (let i = payload.indexOf(SLIP_END); i >= 0; i = payload.indexOf(SLIP_END, i + 1)) escapes++;
  for (let i = payload.indexOf(SLIP_ESC); i >= 0; i = payload.indexOf(SLIP_ESC, i + 1)) escapes++;
  const out = new Uint8Array(payload.length + escapes + 2);
  out[0] = SLIP_END;
  if (escapes === 0) {
    out.set(payload, 1);
  } else {
    let o = 1;
    for (let i = 0; i < payload.length; i++) {
      const b = payload[i];
      if (b === SLIP_END) {
        out[o++] = SLIP_ESC;
        out[o++] = SLIP_ESC_END;
      } else if (b === SLIP_ESC) {
        out[o++] = SLIP_ESC;
        out[o++] = SLIP_ESC_ESC;
      } else {
        out[o++] = b;
      }
    }
  }
  out[out.length - 1] = SLIP_END;
  return out;
}

/**
 * Streaming SLIP decoder: bytes may arrive in any chunking, a frame may span many chunks and a chunk
 * may hold many frames. Bytes outside a frame (boot noise, garbage from a wrong baud rate) are dropped,
 * as the ROM does; a frame with an invalid escape is discarded whole rather than delivered corrupted.
 */
export class SlipDecoder {
  private buf = new Uint8Array(256);
  private len = 0;
  private inFrame = false;
  private escaping = false;
  private corrupt = false;

  constructor(
    private readonly onFrame: (frame: Uint8Array) => void,
    /** Upper bound on a frame; longer ones are discarded (the loader's receive buffer is finite). */
    private readonly maxFrame = 0x10000 + 64,
  ) {}

  push(chunk: Uint8Array): void {
    for (const b of chunk) {
      if (b === SLIP_END) {
        // 0xC0 both ends one frame and may start the next: back-to-back "C0 C0" is an empty frame, skipped.
        if (this.inFrame && this.len > 0 && !this.corrupt && !this.escaping) this.onFrame(this.buf.slice(0, this.len));
        this.inFrame = true;
        this.len = 0;
        this.escaping = false;
        this.corrupt = false;
        continue;
      }
      if (!this.inFrame || this.corrupt) continue;
      if (this.escaping) {
        this.escaping = false;
        if (b === SLIP_ESC_END) this.append(SLIP_END);
        else if (b === SLIP_ESC_ESC) this.append(SLIP_ESC);
        else this.corrupt = true;
      } else if (b === SLIP_ESC) {
        this.escaping = true;
      } else {
        this.append(b);
      }
    }
  }

  /** Forgets a partial frame (e.g. after a baud change). */
  reset(): void {
    this.len = 0;
    this.inFrame = false;
    this.escaping = false;
    this.corrupt = false;
  }

  private append(b: number): void {
    if (this.len >= this.maxFrame) {
      this.corrupt = true;
      return;
    }
    if (this.len === this.buf.length) {
      const bigger = new Uint8Array(Math.min(this.buf.length * 2, this.maxFrame));
      bigger.set(this.buf);
      this.buf = bigger;
    }
    this.buf[this.len++] = b;
  }
}
