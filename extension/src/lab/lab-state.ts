import * as fs from 'node:fs';
import * as path from 'node:path';
import { ProvisionError } from '../core/common/errors';
import type { ChipKind } from './chip/chip-program';
import type { ResetWiring } from './board/reset-circuit';
import { parseMac } from './air/mac';
import { parseChipKind } from './board-identity';

/** One board as lab.json records it. */
export interface SavedBoard {
  readonly index: number;
  readonly chip: ChipKind;
  readonly mac: string;
  readonly port: number;
  readonly wiring: ResetWiring;
}

const FILE = 'lab.json';

/** The boards of the previous run, so a restarted lab recreates the same boards (and their flash files). */
export function readLabState(stateDir: string): SavedBoard[] {
  const file = path.join(stateDir, FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ProvisionError('config', `${file} is not valid JSON.`, undefined, 'Fix or delete it; the lab recreates it.', { cause: e });
  }
  const boards = (json as { boards?: unknown }).boards;
  if (!Array.isArray(boards)) throw new ProvisionError('config', `${file} has no "boards" list.`, undefined, 'Fix or delete it; the lab recreates it.');
  return boards.map((b: Record<string, unknown>, i) => {
    const where = `${file} (board ${i + 1})`;
    const mac = String(b.mac ?? '');
    parseMac(mac, where);
    return {
      index: Number.isInteger(b.index) ? Number(b.index) : i + 1,
      chip: parseChipKind(String(b.chip ?? ''), where),
      mac,
      port: Number.isInteger(b.port) ? Number(b.port) : 0,
      wiring: b.wiring === 'usb-serial-jtag' ? 'usb-serial-jtag' : 'uart-bridge',
    };
  });
}

export function writeLabState(stateDir: string, boards: readonly SavedBoard[]): void {
  fs.mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const file = path.join(stateDir, FILE);
  // Write-then-rename: a lab killed mid-write must not leave a truncated lab.json behind.
  fs.writeFileSync(`${file}.tmp`, JSON.stringify({ version: 1, boards }, null, 2) + '\n');
  fs.renameSync(`${file}.tmp`, file);
}

/** Where a board's flash lives: keyed by MAC, so it follows the board, not its position in the list. */
export function flashFileOf(stateDir: string, mac: string): string {
  return path.join(stateDir, `flash-${mac.replace(/:/g, '')}.bin`);
}
