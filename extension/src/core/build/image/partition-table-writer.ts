import { createHash } from 'node:crypto';

/**
 * Binary partition table as ESP-IDF's gen_esp32part.py lays it out: 32-byte entries (magic 0xAA 0x50), an
 * MD5 entry (0xEB 0xEB, 14 x 0xFF, MD5 of the entries before it), then 0xFF up to 0xC00 bytes.
 */
export const PARTITION_TABLE_OFFSET = 0x8000;
const TABLE_SIZE = 0xc00;
const TYPES = { app: 0x00, data: 0x01 } as const;
const SUBTYPES = { factory: 0x00, phy: 0x01, nvs: 0x02 } as const;

/** A partition; type and subtype by name, or as the raw byte (OTA slots, custom types). */
export interface PartitionEntry {
  readonly label: string;
  readonly type: keyof typeof TYPES | number;
  readonly subtype: keyof typeof SUBTYPES | number;
  readonly offset: number;
  readonly size: number;
}

/** IDF's "Single factory app, no OTA" layout (partitions_singleapp.csv). */
export const SINGLE_FACTORY: readonly PartitionEntry[] = [
  { label: 'nvs', type: 'data', subtype: 'nvs', offset: 0x9000, size: 0x6000 },
  { label: 'phy_init', type: 'data', subtype: 'phy', offset: 0xf000, size: 0x1000 },
  { label: 'factory', type: 'app', subtype: 'factory', offset: 0x10000, size: 0x100000 },
];

/** The table's bytes; `md5: false` leaves out the MD5 entry, as gen_esp32part.py --disable-md5sum does. */
export function partitionTable(entries: readonly PartitionEntry[] = SINGLE_FACTORY, options: { readonly md5?: boolean } = {}): Buffer {
  const rows = entries.map((e) => {
    const b = Buffer.alloc(32);
    b[0] = 0xaa;
    b[1] = 0x50;
    b[2] = typeof e.type === 'number' ? e.type : TYPES[e.type];
    b[3] = typeof e.subtype === 'number' ? e.subtype : SUBTYPES[e.subtype];
    b.writeUInt32LE(e.offset, 4);
    b.writeUInt32LE(e.size, 8);
    b.write(e.label, 12, 16, 'latin1');
    b.writeUInt32LE(0, 28); // flags: not encrypted, not read-only
    return b;
  });
  const body = Buffer.concat(rows);
  const md5 = Buffer.alloc(32, 0xff);
  md5[0] = 0xeb;
  md5[1] = 0xeb;
  createHash('md5').update(body).digest().copy(md5, 16);
  const table = Buffer.alloc(TABLE_SIZE, 0xff);
  Buffer.concat(options.md5 === false ? [body] : [body, md5]).copy(table);
  return table;
}
