/** Receivers read a byte correctly when the two clocks differ by less than this (UARTs tolerate ~3 %). */
export const BAUD_TOLERANCE = 0.03;

export function baudsMatch(senderBaud: number, receiverBaud: number): boolean {
  return Math.abs(senderBaud / receiverBaud - 1) <= BAUD_TOLERANCE;
}

/**
 * What a UART receiving at `receiverBaud` reads when 8N1 bytes are sent at `senderBaud`: the sender's
 * waveform is rebuilt bit by bit and sampled the way a receiver does (wait for a falling edge, check the
 * start bit at its middle, sample eight data bits and the stop bit at the receiver's own bit time). The
 * result is deterministic, of a different length when the clocks differ a lot, and never the original
 * bytes, as on a real wire.
 */
export function garble(data: Uint8Array, senderBaud: number, receiverBaud: number): Uint8Array {
  if (baudsMatch(senderBaud, receiverBaud)) return data;
  const total = data.length * 10;
  // Time is measured in sender bit times; the receiver's bit lasts r of them.
  const r = senderBaud / receiverBaud;
  const level = (t: number): number => {
    if (t < 0 || t >= total) return 1;
    const bitIndex = Math.floor(t);
    const frameBit = bitIndex % 10;
    if (frameBit === 0) return 0;
    if (frameBit === 9) return 1;
    return (data[(bitIndex - frameBit) / 10] >> (frameBit - 1)) & 1;
  };
  /** First time >= t at which the line has `want` level (the waveform only changes on integer times). */
  const nextLevel = (t: number, want: number): number => {
    if (level(t) === want) return t;
    for (let k = Math.floor(t) + 1; k < total; k++) if (level(k) === want) return k;
    return Infinity;
  };
  const out: number[] = [];
  let t = 0;
  while (t < total) {
    const start = nextLevel(t, 0);
    if (!Number.isFinite(start)) break;
    if (level(start + r / 2) !== 0) {
      t = start + r / 2;
      continue;
    }
    let byte = 0;
    for (let bit = 0; bit < 8; bit++) byte |= level(start + r * (1.5 + bit)) << bit;
    out.push(byte);
    const stopAt = start + r * 9.5;
    // A framing error (stop bit read as 0) still delivers the byte; the receiver then waits for idle.
    t = level(stopAt) === 1 ? stopAt : nextLevel(stopAt, 1);
  }
  const result = Uint8Array.from(out);
  if (result.length === data.length && result.every((b, i) => b === data[i])) {
    // Cannot happen for clocks this far apart, but "wrong baud reads right" must never be observable.
    result[0] ^= 0x20;
  }
  return result;
}
