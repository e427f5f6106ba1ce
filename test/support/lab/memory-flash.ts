import type { FlashStore } from '../../../extension/src/lab/chip/chip-program';

/** An in-memory FlashStore with the real one's NOR semantics (erased = 0xFF, writes only clear bits). */
export class MemoryFlash implements FlashStore {
  readonly bytes: Uint8Array;
  readonly stats = { dataBlocksWritten: 0, bytesWritten: 0, erases: 0 };

  constructor(readonly size = 4 * 1024 * 1024) {
    this.bytes = new Uint8Array(size).fill(0xff);
  }

  read(offset: number, length: number): Uint8Array {
    return this.bytes.slice(offset, offset + length);
  }

  write(offset: number, data: Uint8Array): void {
    for (let i = 0; i < data.length; i++) this.bytes[offset + i]! &= data[i]!;
    this.stats.bytesWritten += data.length;
  }

  erase(offset: number, length: number): void {
    this.bytes.fill(0xff, offset, offset + length);
    this.stats.erases++;
  }

  flush(): void {}

  dispose(): void {}
}
