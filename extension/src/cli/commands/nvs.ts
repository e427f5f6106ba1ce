import { readFile } from 'node:fs/promises';
import { ProvisionError } from '../../core/common/errors';
import { NVS_PAGE_SIZE, nvsValueText, readNvsPartition, type NvsPartitionContents } from '../../core/nvs';
import { BOARD_CONFIG_KEYS } from '../../core/provision/board-config';
import { CliUsageError, parseArgs, type CliIo } from '../cli-io';

export const NVS_DUMP_USAGE = `espnow-prov nvs-dump FILE [--json]
  Prints an NVS partition image (ESP-IDF format) the way ESP-IDF reads it: namespaces, keys, types and
  values, and the entries it would skip. Passwords and pair keys are masked; blobs show their size only.`;

/** Keys whose values are secrets: the firmware's password and pair key. */
const SECRET_KEYS: ReadonlySet<string> = new Set([BOARD_CONFIG_KEYS.password, BOARD_CONFIG_KEYS.pairKey]);

/** `espnow-prov nvs-dump FILE`: a partition's contents with secrets masked. */
export async function runNvsDumpCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { flags, positional } = parseArgs(args, ['json'], []);
  if (positional.length !== 1) throw new CliUsageError('Name one NVS partition image file.');
  const file = positional[0];
  let image: Buffer;
  try {
    image = await readFile(file);
  } catch (e) {
    throw new ProvisionError('config', `Cannot read ${file}: ${e instanceof Error ? e.message : String(e)}`, undefined, undefined, { cause: e });
  }
  const contents = readNvsPartition(image);
  if (flags.has('json')) io.out(JSON.stringify(asJson(contents), null, 2));
  else for (const line of describe(file, image.length, contents)) io.out(line);
  return 0;
}

function asJson(c: NvsPartitionContents) {
  return {
    pages: c.pages.map((p) => ({ page: p.page, state: p.state, sequence: p.sequence, written: p.written, erased: p.erased })),
    values: c.values.map((v) => ({ namespace: v.namespace, key: v.key, type: v.type, value: nvsValueText(v, SECRET_KEYS) })),
    skipped: c.skipped,
  };
}

function describe(file: string, size: number, c: NvsPartitionContents): string[] {
  const pages = c.pages.map((p) => (p.sequence === undefined ? p.state : `${p.state} #${p.sequence} (${p.written} written, ${p.erased} erased)`));
  const lines = [`${file}: ${size} bytes, ${size / NVS_PAGE_SIZE} pages: ${pages.join(', ')}`];
  if (c.values.length === 0) lines.push('  no values');
  const keyWidth = Math.max(0, ...c.values.map((v) => v.key.length));
  for (const ns of [...new Set(c.values.map((v) => v.namespace))]) {
    lines.push(`namespace ${ns}`);
    for (const v of c.values.filter((x) => x.namespace === ns)) lines.push(`  ${v.key.padEnd(keyWidth)}  ${v.type.padEnd(6)}  ${nvsValueText(v, SECRET_KEYS)}`);
  }
  for (const s of c.skipped) lines.push(`skipped: page ${s.page} entry ${s.index}: ${s.reason}`);
  return lines;
}
