import { nvsHeaderCrc } from './crc32';
import { NVS_BITMAP_OFFSET, NVS_ENTRY_COUNT, NVS_ENTRY_SIZE, NVS_FIRST_ENTRY_OFFSET, NVS_PAGE_ACTIVE, NVS_PAGE_FULL, NVS_PAGE_SIZE, NVS_VERSION_2 } from './nvs-format';

/**
 * One page as ESP-IDF's NVS writes it: entries appended in order, each marked written in the state bitmap.
 * A new page is active; the writer marks it full when it moves on (the state word is outside the header CRC,
 * which is why flash can clear its bits later without rewriting the CRC).
 */
export class NvsPageBuilder {
  readonly bytes = new Uint8Array(NVS_PAGE_SIZE).fill(0xff);
  private next = 0;

  constructor(readonly sequence: number) {
    const v = new DataView(this.bytes.buffer);
    v.setUint32(0, NVS_PAGE_ACTIVE, true);
    v.setUint32(4, sequence, true);
    this.bytes[8] = NVS_VERSION_2;
    v.setUint32(28, nvsHeaderCrc(this.bytes), true);
  }

  /** Entries still free on this page. */
  get free(): number {
    return NVS_ENTRY_COUNT - this.next;
  }

  get used(): number {
    return this.next;
  }

  /** Appends an entry and, after it, `data` in whole entries (the tail of the last one stays 0xff). */
  append(entry: Uint8Array, data?: Uint8Array): void {
    const count = 1 + Math.ceil((data?.length ?? 0) / NVS_ENTRY_SIZE);
    if (count > this.free) throw new Error(`NVS page ${this.sequence}: ${count} entries do not fit in ${this.free}`);
    const at = NVS_FIRST_ENTRY_OFFSET + this.next * NVS_ENTRY_SIZE;
    this.bytes.set(entry, at);
    if (data) this.bytes.set(data, at + NVS_ENTRY_SIZE);
    for (let i = 0; i < count; i++) this.markWritten(this.next + i);
    this.next += count;
  }

  markFull(): void {
    new DataView(this.bytes.buffer).setUint32(0, NVS_PAGE_FULL, true);
  }

  private markWritten(index: number): void {
    // 0b11 (empty) -> 0b10 (written): clear the lower bit of the entry's pair.
    this.bytes[NVS_BITMAP_OFFSET + (index >> 2)] &= ~(1 << ((index & 3) * 2));
  }
}
