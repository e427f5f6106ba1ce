import { ProvisionError } from '../common/errors';
import { nvsCrc32 } from './crc32';
import { encodeNvsEntry, type EncodedNvsEntry, type NvsEntry } from './nvs-entry';
import {
  NVS_BLOB_MAX_CHUNKS,
  NVS_CHUNK_ANY,
  NVS_ENTRY_COUNT,
  NVS_ENTRY_SIZE,
  NVS_NAMESPACE_INDEX,
  NVS_NAMESPACE_MAX,
  NVS_PAGE_SIZE,
  NVS_TYPE_CODES,
  spanOf,
} from './nvs-format';
import { blobIndexData, buildItem, varLengthData } from './nvs-item';
import { NvsPageBuilder } from './nvs-page-builder';

/** Smallest partition Espressif's generator accepts (0x3000): two pages of data room plus the free page. */
export const NVS_MIN_PARTITION_SIZE = 3 * NVS_PAGE_SIZE;
/** The documented blob limit: 127 chunks of at most 125 entries of 32 bytes. */
export const NVS_BLOB_MAX = NVS_BLOB_MAX_CHUNKS * (NVS_ENTRY_COUNT - 1) * NVS_ENTRY_SIZE;

/**
 * Writes `entries` as an ESP-IDF NVS partition (format version 2) of `size` bytes, the way ESP-IDF itself
 * lays them out: pages filled in order with sequence numbers 0, 1, ..., each namespace entry before the
 * first value of its namespace, strings on one page, blobs split into BLOB_DATA chunks across pages and
 * closed by a BLOB_IDX entry. The pages after the data stay erased (0xff), at least one of them, because
 * ESP-IDF needs a free page for garbage collection. Throws a 'config' ProvisionError for invalid input or
 * a partition too small to hold it.
 */
export function writeNvsPartition(entries: readonly NvsEntry[], size: number): Buffer {
  checkPartitionSize(size);
  const encoded = entries.map(encodeNvsEntry);
  checkDuplicates(encoded);
  const pages = layOut(encoded);
  const capacity = size / NVS_PAGE_SIZE - 1;
  if (pages.length > capacity) {
    throw new ProvisionError(
      'config',
      `NVS partition of ${size} bytes cannot hold these ${entries.length} values: they take ${pages.length} pages of ${NVS_PAGE_SIZE} bytes and ESP-IDF keeps one more page free, so ${(pages.length + 1) * NVS_PAGE_SIZE} bytes are needed.`,
      undefined,
      'Enlarge the nvs partition in the partition table, or store fewer or shorter values.',
    );
  }
  const out = Buffer.alloc(size, 0xff);
  pages.forEach((p, i) => out.set(p.bytes, i * NVS_PAGE_SIZE));
  return out;
}

function checkPartitionSize(size: number): void {
  if (!Number.isInteger(size) || size % NVS_PAGE_SIZE !== 0 || size < NVS_MIN_PARTITION_SIZE) {
    throw new ProvisionError('config', `NVS partition size ${size} is not a multiple of ${NVS_PAGE_SIZE} of at least ${NVS_MIN_PARTITION_SIZE} (0x3000) bytes.`);
  }
}

function checkDuplicates(entries: readonly EncodedNvsEntry[]): void {
  const seen = new Set<string>();
  const namespaces = new Set<string>();
  for (const e of entries) {
    const id = `${e.namespace}\0${e.key}`;
    if (seen.has(id)) throw new ProvisionError('config', `NVS key "${e.namespace}:${e.key}" is given twice.`);
    seen.add(id);
    namespaces.add(e.namespace);
  }
  if (namespaces.size > NVS_NAMESPACE_MAX) throw new ProvisionError('config', `${namespaces.size} NVS namespaces; NVS holds at most ${NVS_NAMESPACE_MAX}.`);
}

/** Places every entry; returns the pages written (all full but the last, which stays active). */
function layOut(entries: readonly EncodedNvsEntry[]): NvsPageBuilder[] {
  const pages: NvsPageBuilder[] = [];
  const room = (need: number): NvsPageBuilder => {
    let page = pages.at(-1);
    if (!page || page.free < need) {
      page?.markFull();
      page = new NvsPageBuilder(pages.length);
      pages.push(page);
    }
    return page;
  };
  const nsIndex = new Map<string, number>();
  for (const e of entries) {
    let ns = nsIndex.get(e.namespace);
    if (ns === undefined) {
      ns = nsIndex.size + 1;
      nsIndex.set(e.namespace, ns);
      room(1).append(buildItem(NVS_NAMESPACE_INDEX, NVS_TYPE_CODES.u8, 1, NVS_CHUNK_ANY, e.namespace, Uint8Array.of(ns)));
    }
    if (e.type === 'string') {
      const header = buildItem(ns, NVS_TYPE_CODES.string, spanOf(e.bytes.length), NVS_CHUNK_ANY, e.key, varLengthData(e.bytes.length, nvsCrc32(e.bytes)));
      room(spanOf(e.bytes.length)).append(header, e.bytes);
    } else if (e.type === 'blob') writeBlob(e, ns, room);
    else room(1).append(buildItem(ns, NVS_TYPE_CODES[e.type], 1, NVS_CHUNK_ANY, e.key, e.bytes));
  }
  return pages;
}

/**
 * A blob as format version 2 stores it: chunk k (BLOB_DATA, chunkIndex k) fills what is left of the current
 * page, the next chunk continues on a new page, and a BLOB_IDX entry (total size, chunk count, first chunk
 * index 0) follows the last chunk. An empty blob is one empty chunk, as ESP-IDF writes it.
 */
function writeBlob(e: EncodedNvsEntry, ns: number, room: (need: number) => NvsPageBuilder): void {
  const label = `"${e.namespace}:${e.key}"`;
  if (e.bytes.length > NVS_BLOB_MAX) throw new ProvisionError('config', `NVS blob ${label} is ${e.bytes.length} bytes; NVS blobs hold at most ${NVS_BLOB_MAX}.`);
  let offset = 0;
  let chunks = 0;
  do {
    const page = room(e.bytes.length === 0 ? 1 : 2);
    const chunk = e.bytes.subarray(offset, offset + (page.free - 1) * NVS_ENTRY_SIZE);
    if (chunks === NVS_BLOB_MAX_CHUNKS) throw new ProvisionError('config', `NVS blob ${label} needs more than ${NVS_BLOB_MAX_CHUNKS} chunks.`);
    page.append(buildItem(ns, NVS_TYPE_CODES.blobData, spanOf(chunk.length), chunks, e.key, varLengthData(chunk.length, nvsCrc32(chunk))), chunk);
    offset += chunk.length;
    chunks++;
  } while (offset < e.bytes.length);
  room(1).append(buildItem(ns, NVS_TYPE_CODES.blobIndex, 1, NVS_CHUNK_ANY, e.key, blobIndexData(e.bytes.length, chunks, 0)));
}
