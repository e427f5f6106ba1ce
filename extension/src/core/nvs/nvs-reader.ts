import { ProvisionError } from '../common/errors';
import { integerIsSigned, integerTypeOfCode, integerWidth, NVS_NAMESPACE_INDEX, NVS_PAGE_SIZE, NVS_TYPE_CODES, type NvsType } from './nvs-format';
import { scanNvsPage, type NvsPageScan, type NvsSkippedEntry, type NvsStoredItem } from './nvs-page-reader';

/** One value as ESP-IDF's nvs_get_* would return it. Integers up to 32 bits are numbers, 64-bit ones bigints. */
export interface NvsValue {
  namespace: string;
  key: string;
  type: NvsType;
  value: number | bigint | string | Uint8Array;
}

export interface NvsPartitionContents {
  values: NvsValue[];
  pages: NvsPageScan[];
  /** Entries and values passed over: bad CRCs, unwritten spans, incomplete blobs, namespace-less entries. */
  skipped: NvsSkippedEntry[];
}

/** Newer wins: a higher page sequence number, then a later entry on the same page (ESP-IDF keeps the last write). */
const newer = (a: NvsStoredItem, b: NvsStoredItem): boolean => a.sequence > b.sequence || (a.sequence === b.sequence && (a.page > b.page || (a.page === b.page && a.index > b.index)));

/**
 * Reads an NVS partition image the way ESP-IDF's NVS library reads it (see scanNvsPage for the page and
 * entry rules): namespace entries name the indexes, a blob is its BLOB_IDX with every chunk present and
 * the sizes adding up, and of two valid entries for one key the newer one counts.
 */
export function readNvsPartition(image: Uint8Array): NvsPartitionContents {
  if (image.length === 0 || image.length % NVS_PAGE_SIZE !== 0) {
    throw new ProvisionError('config', `Not an NVS partition: ${image.length} bytes is not a whole number of ${NVS_PAGE_SIZE}-byte pages.`);
  }
  const pages: NvsPageScan[] = [];
  for (let p = 0; p * NVS_PAGE_SIZE < image.length; p++) pages.push(scanNvsPage(image.subarray(p * NVS_PAGE_SIZE, (p + 1) * NVS_PAGE_SIZE), p));
  const skipped = pages.flatMap((p) => p.skipped);
  const newest = new Map<string, NvsStoredItem>();
  const keep = (id: string, item: NvsStoredItem) => {
    const old = newest.get(id);
    if (!old || newer(item, old)) newest.set(id, item);
  };
  for (const item of pages.flatMap((p) => p.items)) {
    const chunk = item.typeCode === NVS_TYPE_CODES.blobData ? item.chunkIndex : 'v';
    keep(`${item.nsIndex}\0${item.key}\0${chunk}`, item);
  }
  const names = new Map<number, string>();
  for (const item of newest.values()) {
    if (item.nsIndex === NVS_NAMESPACE_INDEX && item.typeCode === NVS_TYPE_CODES.u8) names.set(item.data[0], item.key);
  }
  const values: NvsValue[] = [];
  const order = [...newest.values()].filter((i) => i.nsIndex !== NVS_NAMESPACE_INDEX && i.typeCode !== NVS_TYPE_CODES.blobData);
  order.sort((a, b) => (newer(a, b) ? 1 : -1));
  for (const item of order) {
    const namespace = names.get(item.nsIndex);
    const skip = (reason: string) => skipped.push({ page: item.page, index: item.index, reason: `${reason} (key "${item.key}")` });
    if (namespace === undefined) {
      skip(`namespace index ${item.nsIndex} has no namespace entry`);
      continue;
    }
    const value = valueOf(item, (chunk) => newest.get(`${item.nsIndex}\0${item.key}\0${chunk}`));
    if (typeof value === 'string') skip(value);
    else values.push({ namespace, key: item.key, ...value });
  }
  return { values, pages, skipped };
}

type Decoded = Pick<NvsValue, 'type' | 'value'>;

/** The value of a primary entry, or why it cannot be used. */
function valueOf(item: NvsStoredItem, chunk: (index: number) => NvsStoredItem | undefined): Decoded | string {
  const int = integerTypeOfCode(item.typeCode);
  if (int) {
    const width = integerWidth(int);
    let v = 0n;
    for (let i = width - 1; i >= 0; i--) v = (v << 8n) | BigInt(item.data[i]);
    if (integerIsSigned(int)) v = BigInt.asIntN(width * 8, v);
    return { type: int, value: width === 8 ? v : Number(v) };
  }
  if (item.typeCode === NVS_TYPE_CODES.string) {
    const nul = item.payload!.indexOf(0);
    return { type: 'string', value: Buffer.from(item.payload!.subarray(0, nul >= 0 ? nul : undefined)).toString('utf8') };
  }
  if (item.typeCode === NVS_TYPE_CODES.blobV1) return { type: 'blob', value: item.payload! };
  const v = new DataView(item.data.buffer, item.data.byteOffset);
  const size = v.getUint32(0, true);
  const [count, start] = [item.data[4], item.data[5]];
  const parts: Uint8Array[] = [];
  for (let c = 0; c < count; c++) {
    const part = chunk(start + c);
    if (!part) return `blob chunk ${start + c} of ${count} missing`;
    parts.push(part.payload!);
  }
  const value = Buffer.concat(parts);
  return value.length === size ? { type: 'blob', value: new Uint8Array(value) } : `blob chunks hold ${value.length} bytes, its index says ${size}`;
}
