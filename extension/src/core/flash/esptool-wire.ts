import type { Transport } from 'esptool-js' with { 'resolution-mode': 'import' };
import { promisify } from 'node:util';
import { deflate } from 'node:zlib';
import { slipEncode } from '../serial/slip';
import type { WebSerialAdapter } from '../serial/web-serial-adapter';

/*
 * The loader protocol's bytes as our flasher puts them on the wire beside esptool-js: frames built in typed
 * arrays (once per region for every board of a parallel flash), written straight to the port, and answers
 * read as soon as they arrive. esptool-js still does the protocol (commands, answers, errors).
 */

const deflateAsync = promisify(deflate);
const compressedRegions = new WeakMap<Uint8Array, Promise<Uint8Array>>();

/**
 * A region's bytes deflated as esptool does (zlib, level 9), once per region however many boards get it:
 * the boards of a parallel flash share the plan's region buffers, so 32 boards deflate once, not 32 times
 * (70 ms of the main thread's time for the app image set; bench/). Off the main thread, which paces every
 * lab board's UART and runs the editor's extension host.
 */
export function compressRegion(data: Uint8Array): Promise<Uint8Array> {
  let c = compressedRegions.get(data);
  if (!c) {
    c = deflateAsync(data, { level: 9 });
    compressedRegions.set(data, c);
    c.catch(() => compressedRegions.delete(data));
  }
  return c;
}

const framesOfRegions = new WeakMap<Uint8Array, Map<string, Uint8Array[]>>();

/**
 * The FLASH_DEFL_DATA frame of each block of `compressed`, built on first use and shared like the
 * compressed bytes themselves: every board of a parallel flash sends the same frames.
 */
export function blockFrames(compressed: Uint8Array, blockSize: number, op: number): (seq: number) => Uint8Array {
  let bySize = framesOfRegions.get(compressed);
  if (!bySize) framesOfRegions.set(compressed, (bySize = new Map()));
  const key = `${op}:${blockSize}`;
  let frames = bySize.get(key);
  if (!frames) bySize.set(key, (frames = []));
  const built = frames;
  return (seq) => (built[seq] ??= flashDataFrame(op, compressed.subarray(seq * blockSize, Math.min(compressed.length, (seq + 1) * blockSize)), seq));
}

/**
 * esptool-js's Transport.read() polls its receive buffer in a sleep(1) loop, so every answer waited for
 * the next poll: about 1.2 ms per command under Node (measured by bench/: 1.2-1.5 ms per 16 KB block at
 * 2000000 baud, 1.5 % of the line rate, and a millisecond of each of the ~40 register reads a connect
 * makes). Here the read waits for the readLoop to append bytes and then hands over to esptool-js's own
 * read, which takes what is there at once: same packets, same errors, no polling. With nothing arriving
 * in time, the inner read is called with no time left, so it fails with esptool-js's own timeout error.
 */
export function wakeReadsOnData(transport: Transport): void {
  const t = transport as unknown as { buffer: Uint8Array };
  let buffer = t.buffer;
  let waiters: Array<() => void> = [];
  Object.defineProperty(t, 'buffer', {
    configurable: true,
    enumerable: true,
    get: () => buffer,
    set: (v: Uint8Array) => {
      buffer = v;
      if (v.length === 0 || waiters.length === 0) return;
      const wake = waiters;
      waiters = [];
      for (const w of wake) w();
    },
  });
  const dataWithin = (ms: number): Promise<boolean> =>
    new Promise((resolve) => {
      const waiter = (): void => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        waiters = waiters.filter((w) => w !== waiter);
        resolve(false);
      }, ms);
      waiters.push(waiter);
    });
  const read = transport.read.bind(transport);
  transport.read = async (timeout: number) => {
    if (buffer.length === 0 && !(await dataWithin(timeout))) return read(0);
    return read(timeout);
  };
}

/** Little-endian 32-bit words, as the loader protocol packs its arguments. */
export function u32le(...words: number[]): Uint8Array {
  const out = new Uint8Array(words.length * 4);
  const view = new DataView(out.buffer);
  words.forEach((w, i) => view.setUint32(i * 4, w >>> 0, true));
  return out;
}

/**
 * The SLIP frame of a FLASH_DATA-style request carrying `block` as block `seq`: direction 0, opcode, payload
 * length and the data checksum (0xEF XOR every data byte), then the payload (data length, sequence, two
 * zero words, the data); the bytes esptool-js's command() and Transport.write() put on the wire for it.
 */
export function flashDataFrame(op: number, block: Uint8Array, seq: number): Uint8Array {
  let checksum = 0xef;
  for (let i = 0; i < block.length; i++) checksum ^= block[i];
  const packet = new Uint8Array(8 + 16 + block.length);
  packet[1] = op;
  const view = new DataView(packet.buffer);
  view.setUint16(2, 16 + block.length, true);
  view.setUint32(4, checksum, true);
  view.setUint32(8, block.length, true);
  view.setUint32(12, seq, true);
  packet.set(block, 24);
  return slipEncode(packet);
}

/** Writes a framed packet through the port's writable stream, or throws `gone()` when the port is closed. */
export async function writeToPort(adapter: WebSerialAdapter, frame: Uint8Array, gone: () => Error): Promise<void> {
  const writable = adapter.writable;
  if (!writable) throw gone();
  const writer = writable.getWriter();
  try {
    await writer.write(frame);
  } finally {
    writer.releaseLock();
  }
}
