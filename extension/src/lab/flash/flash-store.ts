import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FlashStore } from '../chip/chip-program';

/** Granularity of dirty tracking: the SPI flash sector, so a flush rewrites only touched sectors. */
const SECTOR = 4096;
/** Writes are batched: the file is updated at most this long after the first unflushed change. */
const FLUSH_DELAY_MS = 200;

/**
 * Opens (creating on first use) the file that holds a virtual board's SPI flash. The whole image is kept
 * in memory; changed sectors go back to the file in batches, and synchronously on `flush()`/`dispose()`,
 * so a board keeps its firmware across lab restarts.
 *
 * Semantics are those of NOR flash: erased bytes read 0xFF, a write can only clear bits (the new byte is
 * the AND of old and new), and only an erase sets bits again. Out-of-range access throws a RangeError:
 * the loader emulators check bounds first and answer with the error status the real chip gives.
 */
export function openFlashStore(filePath: string, size: number): FlashStore {
  if (!Number.isInteger(size) || size <= 0 || size % SECTOR !== 0) {
    throw new RangeError(`flash size must be a positive multiple of ${SECTOR}, got ${size}`);
  }
  return new FileFlashStore(filePath, size);
}

class FileFlashStore implements FlashStore {
  readonly stats = { dataBlocksWritten: 0, bytesWritten: 0, erases: 0 };
  private readonly image: Buffer;
  private readonly dirty = new Set<number>();
  private fd: number | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly filePath: string,
    readonly size: number,
  ) {
    // A flash file holds the firmware image, and with it the Wi-Fi password and pair key: owner only.
    fs.mkdirSync(path.dirname(filePath), { recursive: true, mode: 0o700 });
    this.image = Buffer.alloc(size, 0xff);
    const existed = fs.existsSync(filePath);
    this.fd = fs.openSync(filePath, existed ? 'r+' : 'w+', 0o600);
    fs.fchmodSync(this.fd, 0o600);
    if (existed) {
      // A file of another size (the board's flash size changed) keeps what fits; the rest reads erased.
      const onDisk = fs.fstatSync(this.fd).size;
      fs.readSync(this.fd, this.image, 0, Math.min(onDisk, size), 0);
      if (onDisk !== size) {
        fs.ftruncateSync(this.fd, Math.min(onDisk, size));
        this.markDirty(Math.min(onDisk, size), size - Math.min(onDisk, size));
      }
    } else {
      this.markDirty(0, size);
    }
    if (this.dirty.size > 0) this.flush();
  }

  read(offset: number, length: number): Uint8Array {
    this.check(offset, length);
    return new Uint8Array(this.image.subarray(offset, offset + length));
  }

  write(offset: number, data: Uint8Array): void {
    this.check(offset, data.length);
    for (let i = 0; i < data.length; i++) this.image[offset + i] &= data[i];
    this.stats.bytesWritten += data.length;
    this.markDirty(offset, data.length);
  }

  erase(offset: number, length: number): void {
    this.check(offset, length);
    this.image.fill(0xff, offset, offset + length);
    this.stats.erases++;
    this.markDirty(offset, length);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.fd === undefined || this.dirty.size === 0) return;
    const sectors = [...this.dirty].sort((a, b) => a - b);
    this.dirty.clear();
    // Contiguous dirty sectors are written in one call: a full-chip erase is one write, not a thousand.
    let start = sectors[0];
    let end = start + 1;
    for (let i = 1; i <= sectors.length; i++) {
      if (i < sectors.length && sectors[i] === end) {
        end++;
        continue;
      }
      const from = start * SECTOR;
      const to = Math.min(end * SECTOR, this.size);
      fs.writeSync(this.fd, this.image, from, to - from, from);
      if (i < sectors.length) {
        start = sectors[i];
        end = start + 1;
      }
    }
    // No fdatasync: what is written is in the OS's cache, so it survives the lab's process (what the lab
    // promises: a board keeps its firmware across lab restarts); only a host power loss could lose it, and
    // then the board is flashed again. A sync per flush blocked the event loop that paces every board's
    // UART: 7 % of the main thread when 32 boards flash in parallel (bench/, docs/PERFORMANCE.md).
  }

  dispose(): void {
    if (this.fd === undefined) return;
    try {
      this.flush();
    } finally {
      fs.closeSync(this.fd);
      this.fd = undefined;
    }
  }

  private check(offset: number, length: number): void {
    if (this.fd === undefined) throw new Error(`flash ${this.filePath} is closed`);
    if (!Number.isInteger(offset) || !Number.isInteger(length) || offset < 0 || length < 0 || offset + length > this.size) {
      throw new RangeError(`flash access 0x${offset.toString(16)}+${length} outside 0..0x${this.size.toString(16)}`);
    }
  }

  private markDirty(offset: number, length: number): void {
    if (length <= 0) return;
    for (let s = Math.floor(offset / SECTOR); s <= Math.floor((offset + length - 1) / SECTOR); s++) this.dirty.add(s);
    if (!this.timer && this.fd !== undefined) {
      this.timer = setTimeout(() => this.flush(), FLUSH_DELAY_MS);
      // A pending batch must not keep the process (or a finished test) alive; dispose() flushes it anyway.
      this.timer.unref();
    }
  }
}
