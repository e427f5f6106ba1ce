import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { NvsEntry } from '../../../extension/src/core/nvs';
import { NVS_INTEGER_TYPES, type NvsIntegerType } from '../../../extension/src/core/nvs/nvs-format';

/**
 * test/fixtures/nvs: reference.bin is what Espressif's nvs_partition_gen.py (ESP-IDF, format version 2) made
 * from reference.csv for a 0x6000-byte partition (see README.md there). This reads the CSV into the entries
 * our writer takes, so both tools can be fed the same input.
 */
export const NVS_FIXTURES = join(resolve(__dirname, '../../..'), 'test/fixtures/nvs');
export const REFERENCE_SIZE = 0x6000;

export function referenceBinary(): Buffer {
  return readFileSync(join(NVS_FIXTURES, 'reference.bin'));
}

/** The generator's CSV subset the fixture uses: key,type,encoding,value; no quoting. */
export function referenceEntries(): NvsEntry[] {
  const lines = readFileSync(join(NVS_FIXTURES, 'reference.csv'), 'utf8').split('\n').slice(1).filter(Boolean);
  let namespace = '';
  const entries: NvsEntry[] = [];
  for (const line of lines) {
    const [key, kind, encoding, ...rest] = line.split(',');
    const value = rest.join(',');
    if (kind === 'namespace') namespace = key;
    else if (kind === 'file') entries.push({ namespace, key, type: 'blob', value: new Uint8Array(readFileSync(join(NVS_FIXTURES, '../../..', value))) });
    else if (encoding === 'string') entries.push({ namespace, key, type: 'string', value });
    else if (encoding === 'hex2bin') entries.push({ namespace, key, type: 'blob', value: new Uint8Array(Buffer.from(value, 'hex')) });
    else if ((NVS_INTEGER_TYPES as readonly string[]).includes(encoding)) {
      const type = encoding as NvsIntegerType;
      entries.push({ namespace, key, type, value: type.endsWith('64') ? BigInt(value) : Number(value) });
    } else throw new Error(`reference.csv: unsupported line ${line}`);
  }
  return entries;
}
