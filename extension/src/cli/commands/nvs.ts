import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { writePrivateFileSync } from '../../core/common/private-file';
import { findNvsPartition, parsePartitionTable, PARTITION_TABLE_OFFSET, PartitionTableError } from '../../core/build/image/partition-table-reader';
import { LabClient } from '../../lab/lab-client';
import { ProvisionError } from '../../core/common/errors';
import { NVS_PAGE_SIZE, nvsValueText, readNvsPartition, type NvsPartitionContents } from '../../core/nvs';
import { checkChannel, checkPassword, checkSsid } from '../../core/config/input-checks';
import { PAIR_KEY_PATTERN } from '../../core/config/pair-keys';
import { SECURITY_MODES, type SecurityMode } from '../../core/config/settings';
import { BOARD_CONFIG_KEYS, boardConfigPartition } from '../../core/provision/board-config';
import { CliUsageError, parseArgs, refusePositional, type CliIo } from '../cli-io';

export const NVS_DUMP_USAGE = `espnow-prov nvs-dump FILE [--json]
       espnow-prov nvs-dump --lab-board N [--state-dir DIR] [--json]
  Prints an NVS partition image (ESP-IDF format) the way ESP-IDF reads it: namespaces, keys, types and
  values, and the entries it would skip. Passwords and pair keys are masked; blobs show their size only.
  --lab-board reads board N of the running virtual lab (its flash, through the lab's control socket): the
  configuration that board boots with.`;

/** Keys whose values are secrets: the firmware's password and pair key. */
const SECRET_KEYS: ReadonlySet<string> = new Set([BOARD_CONFIG_KEYS.password, BOARD_CONFIG_KEYS.pairKey]);

/** `espnow-prov nvs-dump FILE`: a partition's contents with secrets masked. */
export async function runNvsDumpCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { opts, flags, positional } = parseArgs(args, ['json'], ['lab-board', 'state-dir']);
  const labBoard = opts.get('lab-board')?.at(-1);
  let file: string;
  let image: Buffer;
  if (labBoard !== undefined) {
    if (positional.length) throw new CliUsageError('Name a file or --lab-board, not both.');
    if (!/^\d+$/.test(labBoard)) throw new CliUsageError(`--lab-board "${labBoard}" must be a board number (espnow-prov lab lists them).`);
    const stateDir = resolve(opts.get('state-dir')?.at(-1) ?? join(homedir(), '.espnow-prov', 'lab'));
    ({ file, image } = await readLabBoardNvs(stateDir, Number(labBoard)));
  } else {
    if (positional.length !== 1) throw new CliUsageError('Name one NVS partition image file (or --lab-board N).');
    file = positional[0]!;
    try {
      image = await readFile(file);
    } catch (e) {
      throw new ProvisionError('config', `Cannot read ${file}: ${e instanceof Error ? e.message : String(e)}`, undefined, undefined, { cause: e });
    }
  }
  const contents = readNvsPartition(image);
  if (flags.has('json')) io.out(JSON.stringify(asJson(contents), null, 2));
  else for (const line of describe(file, image.length, contents)) io.out(line);
  return 0;
}

/** A running lab board's NVS partition, found through the partition table in its own flash. */
async function readLabBoardNvs(stateDir: string, index: number): Promise<{ file: string; image: Buffer }> {
  const lab = await LabClient.connectToStateDir(stateDir);
  try {
    const table = parsePartitionTable(await lab.readFlash(index, PARTITION_TABLE_OFFSET, 0xc00));
    const nvs = findNvsPartition(table);
    if (!nvs) throw new ProvisionError('config', `Lab board ${index} has no NVS partition in its partition table.`, undefined, 'Flash it with Provision Pair first.');
    return { file: `lab board ${index} (nvs at 0x${nvs.offset.toString(16)})`, image: Buffer.from(await lab.readFlash(index, nvs.offset, nvs.size)) };
  } catch (e) {
    if (e instanceof PartitionTableError) throw new ProvisionError('config', `Lab board ${index} has no readable partition table (${e.message}): nothing flashed yet?`, undefined, 'Flash it with Provision Pair first.', { cause: e });
    throw e;
  } finally {
    lab.dispose();
  }
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

export const NVS_IMAGE_USAGE = `espnow-prov nvs-image --role responder|initiator [--ssid S] [--channel N]
    [--security secure|espressif-4.4|espressif-5.3|espressif-5.4] [--size BYTES] --out FILE
  Writes one board's configuration partition (NVS namespace espnow_prov: role, mode, channel, and by role the
  Wi-Fi credentials and the pair key) for rigs that flash with their own tools, e.g.
  esptool write_flash 0x9000 FILE. Secrets come from ESPNOW_WIFI_PASSWORD and ESPNOW_PAIR_KEY, never from
  arguments. --size is the nvs partition's size (default 0x6000, ESP-IDF's default table). FILE is 0600.`;

/** `espnow-prov nvs-image`: a board's NVS configuration partition, as Provision Pair writes it. */
export async function runNvsImageCommand(args: readonly string[], io: CliIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { opts, positional } = parseArgs(args, [], ['role', 'ssid', 'channel', 'security', 'size', 'out']);
  refusePositional(positional);
  const one = (name: string) => opts.get(name)?.at(-1);
  const role = one('role');
  if (role !== 'responder' && role !== 'initiator') throw new CliUsageError('--role must be responder or initiator.');
  const security = (one('security') ?? 'secure') as SecurityMode;
  if (!SECURITY_MODES.includes(security)) throw new CliUsageError(`--security "${security}" is not one of ${SECURITY_MODES.join(', ')}.`);
  const out = one('out');
  if (!out) throw new CliUsageError('--out FILE is required.');
  const channel = checkChannel(one('channel') ?? 0, '--channel');
  const sizeText = one('size') ?? '0x6000';
  const size = /^0x[0-9a-f]+$/i.test(sizeText) ? parseInt(sizeText, 16) : /^\d+$/.test(sizeText) ? Number(sizeText) : NaN;
  if (!Number.isSafeInteger(size) || size % NVS_PAGE_SIZE !== 0 || size < 3 * NVS_PAGE_SIZE) throw new CliUsageError(`--size "${sizeText}" must be a multiple of 0x1000, at least 0x3000 (the nvs partition's size in the partition table).`);
  const ssid = one('ssid') ?? '';
  if (role === 'responder' && one('ssid') === undefined) throw new CliUsageError('--ssid is required for a responder: the network it hands out.');
  if (role === 'responder') checkSsid(ssid, '--ssid');
  const password = role === 'responder' ? checkPassword(env.ESPNOW_WIFI_PASSWORD ?? '', 'ESPNOW_WIFI_PASSWORD') : '';
  const pairKey = env.ESPNOW_PAIR_KEY ?? '';
  if (security === 'secure' && !PAIR_KEY_PATTERN.test(pairKey)) {
    throw new ProvisionError('config', `ESPNOW_PAIR_KEY must hold 64 hex digits in secure mode (it ${pairKey ? `has ${pairKey.length} characters` : 'is not set'}).`, undefined, 'Use the fleet\'s key: every board of a fleet needs the same one.');
  }
  const image = boardConfigPartition({ role, security, channel, ...(role === 'responder' ? { ssid, password } : {}), ...(security === 'secure' ? { pairKey } : {}) }, size);
  writePrivateFileSync(out, image);
  io.out(`${out}: ${role} configuration, ${size} bytes (flash it at the nvs partition's offset, 0x9000 in ESP-IDF's default table)`);
  return 0;
}
