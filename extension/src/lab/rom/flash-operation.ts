import * as zlib from 'node:zlib';
import type { BoardFaults, FlashStore } from '../chip/chip-program';
import type { LoaderError, LoaderMode } from './protocol';

/** SPI flash erase granularity. */
export const SECTOR_SIZE = 4096;

/** A blank sector, to compare against natively (a per-byte callback was most of the lab's erase time). */
const ERASED_SECTOR = Buffer.alloc(SECTOR_SIZE, 0xff);

/** Parameters of FLASH_BEGIN / FLASH_DEFL_BEGIN. */
export interface FlashBegin {
  /** ROM: bytes to erase; stub: exact bytes that will be written (uncompressed). */
  readonly size: number;
  readonly blocks: number;
  readonly blockSize: number;
  readonly offset: number;
}

/**
 * One FLASH_BEGIN..FLASH_END (or the DEFL variant) session: where the next byte goes, how many remain,
 * which sectors are erased, and for compressed downloads the inflater that runs across blocks.
 *
 * The ROM erases the whole region when the session begins and writes each block before acknowledging
 * it. The stub erases just in time, sector by sector as writes reach them, skipping sectors that are
 * already blank until it meets the first dirty one (esp-flasher-stub's conditional erase).
 */
export class FlashOperation {
  /** Sequence number the ROM expects next. */
  nextSeq = 0;
  /** Stub: bytes still to be written; ROM: informational. */
  remaining: number;
  private writeOffset: number;
  private nextErase: number;
  private readonly eraseEnd: number;
  private dirtySeen = false;
  private readonly inflater: Inflater | undefined;

  constructor(
    private readonly flash: FlashStore,
    private readonly mode: LoaderMode,
    readonly begin: FlashBegin,
    compressed: boolean,
    /** The board's live faults (read at every write, so switching one applies to the next block). */
    private readonly faults?: Readonly<BoardFaults>,
  ) {
    this.remaining = begin.size;
    this.writeOffset = begin.offset;
    this.nextErase = Math.floor(begin.offset / SECTOR_SIZE) * SECTOR_SIZE;
    this.eraseEnd = Math.ceil((begin.offset + begin.size) / SECTOR_SIZE) * SECTOR_SIZE;
    this.inflater = compressed ? new Inflater() : undefined;
  }

  /** ROM: erase the whole region now. Stub: erase (or skip) the first sector, as the stub's begin does. */
  start(): LoaderError | undefined {
    if (this.mode === 'rom') {
      if (this.begin.offset > this.flash.size || this.eraseEnd > this.flash.size) return 'flash-erase';
      if (this.eraseEnd > this.nextErase) this.flash.erase(this.nextErase, this.eraseEnd - this.nextErase);
      this.nextErase = this.eraseEnd;
      return undefined;
    }
    return this.eraseNext();
  }

  /** Writes uncompressed data at the running offset. Returns the bytes written (0 if nothing was). */
  write(data: Uint8Array): { error?: LoaderError; written: number } {
    // The stub writes at most what FLASH_BEGIN announced (the 0xFF padding of the last block is not
    // written); the ROM writes whole blocks.
    const n = this.mode === 'stub' ? Math.min(data.length, this.remaining) : data.length;
    if (n === 0) return { written: 0 };
    if (this.writeOffset + n > this.flash.size) return { error: 'flash-write', written: 0 };
    const erased = this.ensureErasedTo(this.writeOffset + n);
    if (erased) return { error: erased, written: 0 };
    let bytes = data.subarray(0, n);
    if (this.faults?.corruptFlashWrites) {
      // One flipped bit per block: the block's own checksum was fine on the wire, so only the MD5 the
      // host asks for after writing can tell, which is the path this fault exists to exercise.
      bytes = bytes.slice();
      bytes[0] ^= 0x01;
    }
    this.flash.write(this.writeOffset, bytes);
    this.writeOffset += n;
    this.remaining = Math.max(0, this.remaining - n);
    return { written: n };
  }

  /** Feeds a compressed block; resolves with what it inflated to (possibly nothing yet). */
  async inflate(block: Uint8Array): Promise<{ error?: LoaderError; data: Uint8Array }> {
    if (!this.inflater) return { error: 'inflate', data: new Uint8Array(0) };
    return this.inflater.push(block);
  }

  dispose(): void {
    this.inflater?.dispose();
  }

  private ensureErasedTo(end: number): LoaderError | undefined {
    if (this.mode === 'rom') return undefined;
    while (this.nextErase < end && this.nextErase < this.eraseEnd) {
      const e = this.eraseNext();
      if (e) return e;
    }
    return undefined;
  }

  private eraseNext(): LoaderError | undefined {
    if (this.nextErase >= this.eraseEnd) return undefined;
    if (this.nextErase + SECTOR_SIZE > this.flash.size) return 'flash-erase';
    if (!this.dirtySeen) {
      const sector = this.flash.read(this.nextErase, SECTOR_SIZE);
      if (ERASED_SECTOR.equals(sector)) {
        this.nextErase += SECTOR_SIZE;
        return undefined;
      }
      this.dirtySeen = true;
    }
    this.flash.erase(this.nextErase, SECTOR_SIZE);
    this.nextErase += SECTOR_SIZE;
    return undefined;
  }
}

/**
 * A zlib inflater fed block by block (node:zlib's stream, flushed after every block so each block's
 * output is known before the loader acknowledges or writes it). A corrupt stream fails every later push.
 */
class Inflater {
  private readonly z = zlib.createInflate();
  private chunks: Buffer[] = [];
  private failed = false;

  constructor() {
    this.z.on('data', (d: Buffer) => this.chunks.push(d));
    this.z.on('error', () => {
      this.failed = true;
    });
  }

  push(block: Uint8Array): Promise<{ error?: LoaderError; data: Uint8Array }> {
    if (this.failed) return Promise.resolve({ error: 'inflate', data: new Uint8Array(0) });
    return new Promise((resolve) => {
      let done = false;
      const finish = (): void => {
        if (done) return;
        done = true;
        this.z.off('error', onError);
        const data = Buffer.concat(this.chunks);
        this.chunks = [];
        resolve(this.failed ? { error: 'inflate', data } : { data });
      };
      const onError = (): void => {
        this.failed = true;
        finish();
      };
      this.z.once('error', onError);
      this.z.write(Buffer.from(block));
      this.z.flush(zlib.constants.Z_SYNC_FLUSH, finish);
    });
  }

  dispose(): void {
    this.z.removeAllListeners('data');
    this.z.on('error', () => undefined);
    this.z.destroy();
  }
}
