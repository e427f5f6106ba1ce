import { performance } from 'node:perf_hooks';
import type { Disposable } from '../../core/common/disposable';

/** Bits on the wire per byte at 8N1: start, eight data bits, stop. */
export const BITS_PER_FRAME = 10;

/** How often the line wakes up at most; bytes due in between are delivered together. */
const TICK_MS = 4;

interface Pending {
  data: Uint8Array;
  offset: number;
  /** The sender's clock: it sets the wire speed and decides whether the receiver can read the bytes. */
  senderBaud: number;
}

/**
 * One direction of a UART wire: bytes leave at the sender's baud rate, 10 bits per byte. A single timer
 * per line delivers every byte that is due, so a megabyte does not become a million timers; the wire
 * clock is kept in fractional milliseconds, so timer jitter does not change the average rate.
 */
export class UartLine implements Disposable {
  private queue: Pending[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** When the wire finishes the last byte delivered so far (performance.now() time base). */
  private wireTime = 0;
  private disposed = false;

  constructor(private readonly deliver: (data: Uint8Array, senderBaud: number) => void) {}

  /** Bytes waiting to go on the wire. */
  get pendingBytes(): number {
    return this.queue.reduce((n, p) => n + p.data.length - p.offset, 0);
  }

  send(data: Uint8Array, senderBaud: number): void {
    if (this.disposed || data.length === 0) return;
    if (this.queue.length === 0) this.wireTime = Math.max(this.wireTime, performance.now());
    this.queue.push({ data, offset: 0, senderBaud });
    this.schedule();
  }

  /** Discards everything not yet on the wire (RFC2217 PURGE-DATA, chip reset). */
  purge(): void {
    this.queue = [];
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  dispose(): void {
    this.disposed = true;
    this.purge();
  }

  private schedule(): void {
    if (this.timer || this.queue.length === 0 || this.disposed) return;
    const now = performance.now();
    const due = this.wireTime + byteMs(this.queue[0].senderBaud) - now;
    // When all that is queued is on the wire within a tick, wake when its last byte is: a short answer then
    // arrives when it would on a real wire, not a tick later. A stop-and-wait protocol (esptool's block
    // loop) paid up to two ticks per block for that, 3-5 % of the line rate (bench/, docs/PERFORMANCE.md).
    const drained = this.wireTime + this.queue.reduce((ms, p) => ms + (p.data.length - p.offset) * byteMs(p.senderBaud), 0) - now;
    const wait = drained <= TICK_MS ? Math.max(due, drained) : Math.max(TICK_MS, due);
    this.timer = setTimeout(() => this.pump(), Math.max(0, Math.ceil(wait)));
  }

  private pump(): void {
    this.timer = undefined;
    const now = performance.now();
    while (this.queue.length > 0 && !this.disposed) {
      const head = this.queue[0];
      const perByte = byteMs(head.senderBaud);
      const fits = Math.min(head.data.length - head.offset, Math.floor((now - this.wireTime) / perByte));
      if (fits <= 0) break;
      const chunk = head.data.subarray(head.offset, head.offset + fits);
      head.offset += fits;
      this.wireTime += fits * perByte;
      if (head.offset >= head.data.length) this.queue.shift();
      // deliver may purge or dispose this line (a reset triggered by the data); the loop re-checks.
      this.deliver(chunk, head.senderBaud);
    }
    this.schedule();
  }
}

function byteMs(baud: number): number {
  return (BITS_PER_FRAME * 1000) / baud;
}
