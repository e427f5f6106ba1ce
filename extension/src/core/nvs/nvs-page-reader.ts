import { nvsCrc32, nvsHeaderCrc } from './crc32';
import {
  NVS_BITMAP_OFFSET,
  NVS_ENTRY_COUNT,
  NVS_ENTRY_SIZE,
  NVS_ENTRY_WRITTEN,
  NVS_FIRST_ENTRY_OFFSET,
  NVS_PAGE_ACTIVE,
  NVS_PAGE_FREEING,
  NVS_PAGE_FULL,
  NVS_PAGE_SIZE,
  NVS_PAGE_UNINITIALIZED,
  NVS_VERSION_2,
} from './nvs-format';
import { isVarLengthCode, itemInconsistency, parseItem, varLengthSize, type NvsItem } from './nvs-item';

export type NvsPageState = 'empty' | 'active' | 'full' | 'freeing' | 'corrupt' | 'unsupported';

/** An entry ESP-IDF would use: its header passed every check and, for strings and blobs, its data CRC too. */
export interface NvsStoredItem extends NvsItem {
  page: number;
  sequence: number;
  index: number;
  /** Strings and blob chunks: the data bytes (size from the header). */
  payload?: Uint8Array;
}

/** An entry the reader passed over, and why (ESP-IDF would erase it when it loads the page). */
export interface NvsSkippedEntry {
  page: number;
  index: number;
  reason: string;
}

export interface NvsPageScan {
  page: number;
  state: NvsPageState;
  sequence?: number;
  version?: number;
  written: number;
  erased: number;
  items: NvsStoredItem[];
  skipped: NvsSkippedEntry[];
}

const STATES = new Map<number, NvsPageState>([
  [NVS_PAGE_ACTIVE, 'active'],
  [NVS_PAGE_FULL, 'full'],
  [NVS_PAGE_FREEING, 'freeing'],
]);

/** State of entry i from the page's bitmap (2 bits, least significant first). */
export function entryState(page: Uint8Array, i: number): number {
  return (page[NVS_BITMAP_OFFSET + (i >> 2)] >> ((i & 3) * 2)) & 3;
}

/**
 * Reads one page as ESP-IDF's Page::load and findItem do: an erased page is free, a bad header CRC or an
 * unknown state makes the page corrupt (nothing on it is used), a version newer than 2 is not read. On a
 * readable page, entries not marked written are passed over one at a time, an entry whose header fails
 * its checks is skipped alone (the next entry is read as an entry), a string or blob chunk whose span is
 * not all written, or whose data CRC fails, is skipped with its span.
 */
export function scanNvsPage(page: Uint8Array, pageNo: number): NvsPageScan {
  const view = new DataView(page.buffer, page.byteOffset, NVS_PAGE_SIZE);
  const scan: NvsPageScan = { page: pageNo, state: 'corrupt', written: 0, erased: 0, items: [], skipped: [] };
  const stateWord = view.getUint32(0, true);
  if (stateWord === NVS_PAGE_UNINITIALIZED) {
    scan.state = page.every((b) => b === 0xff) ? 'empty' : 'corrupt';
    return scan;
  }
  if (view.getUint32(28, true) !== nvsHeaderCrc(page) || !STATES.has(stateWord)) return scan;
  scan.sequence = view.getUint32(4, true);
  scan.version = page[8];
  if (scan.version < NVS_VERSION_2) {
    scan.state = 'unsupported';
    return scan;
  }
  scan.state = STATES.get(stateWord)!;
  for (let i = 0; i < NVS_ENTRY_COUNT; i++) {
    const s = entryState(page, i);
    if (s === NVS_ENTRY_WRITTEN) scan.written++;
    else if (s === 0) scan.erased++;
  }
  for (let i = 0; i < NVS_ENTRY_COUNT; ) {
    if (entryState(page, i) !== NVS_ENTRY_WRITTEN) {
      i++;
      continue;
    }
    const at = NVS_FIRST_ENTRY_OFFSET + i * NVS_ENTRY_SIZE;
    const raw = page.subarray(at, at + NVS_ENTRY_SIZE);
    const item = parseItem(raw);
    const why = itemInconsistency(raw, item, i);
    if (why) {
      scan.skipped.push({ page: pageNo, index: i, reason: why });
      i++;
      continue;
    }
    const stored: NvsStoredItem = { ...item, page: pageNo, sequence: scan.sequence, index: i };
    if (isVarLengthCode(item.typeCode)) {
      const skip = (reason: string) => scan.skipped.push({ page: pageNo, index: i, reason });
      const size = varLengthSize(item);
      const payload = page.slice(at + NVS_ENTRY_SIZE, at + NVS_ENTRY_SIZE + size);
      let allWritten = true;
      for (let j = i + 1; j < i + item.span; j++) allWritten &&= entryState(page, j) === NVS_ENTRY_WRITTEN;
      const dataCrc = new DataView(item.data.buffer, item.data.byteOffset).getUint32(4, true);
      if (!allWritten) skip(`span of ${item.span} entries not all written`);
      else if (nvsCrc32(payload) !== dataCrc) skip('data CRC mismatch');
      else scan.items.push({ ...stored, payload });
      i += item.span;
      continue;
    }
    scan.items.push(stored);
    i++;
  }
  return scan;
}
