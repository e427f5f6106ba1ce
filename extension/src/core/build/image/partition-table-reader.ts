import { createHash } from 'node:crypto';

import { PARTITION_TABLE_OFFSET } from './partition-table-writer';

export { PARTITION_TABLE_OFFSET };
/** The table may take at most 0xC00 bytes (ESP_PARTITION_TABLE_MAX_LEN). */
export const PARTITION_TABLE_MAX_LENGTH = 0xc00;
const ENTRY_LENGTH = 32;

export interface Partition {
  readonly type: number;
  readonly subtype: number;
  readonly offset: number;
  readonly size: number;
  readonly label: string;
  readonly flags: number;
}

/** Why a table does not verify, phrased as the bootloader's flash_parts messages are. */
export class PartitionTableError extends Error {
  override readonly name = 'PartitionTableError';
}

/**
 * Parses the table (entries with magic bytes AA 50, an optional MD5 entry EB EB and the end marker
 * FF FF) and verifies the MD5 over the entries before it, as ESP-IDF's esp_partition_table_verify does.
 */
export function parsePartitionTable(bytes: Uint8Array): Partition[] {
  const out: Partition[] = [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let md5Seen = false;
  for (let pos = 0; pos + ENTRY_LENGTH <= Math.min(bytes.length, PARTITION_TABLE_MAX_LENGTH); pos += ENTRY_LENGTH) {
    const magic = view.getUint16(pos, true);
    if (magic === 0x50aa) {
      if (md5Seen) throw new PartitionTableError('partition entry after the MD5 entry');
      const label = Buffer.from(bytes.subarray(pos + 12, pos + 28));
      const end = label.indexOf(0);
      out.push({
        type: bytes[pos + 2]!,
        subtype: bytes[pos + 3]!,
        offset: view.getUint32(pos + 4, true),
        size: view.getUint32(pos + 8, true),
        label: label.subarray(0, end < 0 ? 16 : end).toString('latin1'),
        flags: view.getUint32(pos + 28, true),
      });
    } else if (magic === 0xebeb) {
      const digest = createHash('md5').update(bytes.subarray(0, pos)).digest();
      if (!digest.equals(Buffer.from(bytes.subarray(pos + 16, pos + 32)))) {
        throw new PartitionTableError('Incorrect MD5 checksum');
      }
      md5Seen = true;
    } else if (magic === 0xffff) {
      break;
    } else {
      throw new PartitionTableError(`partition ${out.length} invalid magic number 0x${magic.toString(16)}`);
    }
  }
  if (out.length === 0) throw new PartitionTableError('partition 0 invalid magic number 0xffff');
  return out;
}

/** The "Usage" column of the bootloader's table listing. */
export function partitionUsage(p: Partition): string {
  if (p.type === 0x00) {
    if (p.subtype === 0x00) return 'factory app';
    if (p.subtype >= 0x10 && p.subtype <= 0x1f) return 'OTA app';
    if (p.subtype === 0x20) return 'test app';
    return 'Unknown app';
  }
  if (p.type === 0x01) {
    const names: Record<number, string> = { 0x00: 'OTA data', 0x01: 'RF data', 0x02: 'WiFi data', 0x04: 'NVS keys', 0x05: 'efuse' };
    return names[p.subtype] ?? 'Unknown data';
  }
  return 'Unknown';
}

/**
 * The app partition the bootloader tries, and the line it logs about the choice. Without valid OTA data
 * the factory app wins, else ota_0 (that is what a freshly flashed board with erased otadata does).
 */
export function selectBootPartition(parts: readonly Partition[]): { partition: Partition; note: string } | undefined {
  const factory = parts.find((p) => p.type === 0x00 && p.subtype === 0x00);
  if (factory) return { partition: factory, note: 'Defaulting to factory image' };
  const ota0 = parts.find((p) => p.type === 0x00 && p.subtype === 0x10);
  if (ota0) return { partition: ota0, note: 'No factory image, trying OTA 0' };
  return undefined;
}

/** ESP-IDF's partition type and subtype codes for an NVS data partition. */
const DATA_TYPE = 0x01;
const NVS_SUBTYPE = 0x02;

/** The first NVS partition of a table (ESP-IDF's nvs_flash_init opens the one labelled "nvs"; we prefer it). */
export function findNvsPartition(parts: readonly Partition[]): Partition | undefined {
  const nvs = parts.filter((p) => p.type === DATA_TYPE && p.subtype === NVS_SUBTYPE);
  return nvs.find((p) => p.label === 'nvs') ?? nvs[0];
}
