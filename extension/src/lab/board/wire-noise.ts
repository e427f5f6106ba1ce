/**
 * Bit errors on the wire for the "flip bits at a rate" fault. Seeded per board so a failing test run can
 * be repeated exactly.
 */
export class WireNoise {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0 || 0x9e3779b9;
  }

  /** Returns `data` itself when no bit flipped, a changed copy otherwise. */
  apply(data: Uint8Array, bitErrorRate: number): Uint8Array {
    if (!(bitErrorRate > 0)) return data;
    let out: Uint8Array | undefined;
    for (let i = 0; i < data.length; i++) {
      if (this.next() < bitErrorRate) {
        out ??= Uint8Array.from(data);
        out[i] ^= 1 << Math.floor(this.next() * 8);
      }
    }
    return out ?? data;
  }

  /** mulberry32: small, fast, good enough for fault injection. */
  private next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}
