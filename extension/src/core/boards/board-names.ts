import { checkBoardName } from '../config/input-checks';
import type { KeyValueStore } from './key-value-store';

const NAMES_KEY = 'espnow.boardNames.v1';

/**
 * The names users give boards ("kitchen sensor"), per board identity like roles, so a name follows the
 * board across ports and reloads. A board without one is called by its chip and MAC (defaultBoardName).
 */
export class BoardNames {
  constructor(private readonly kv: KeyValueStore) {}

  get(identity: string): string | undefined {
    return this.names()[identity];
  }

  /** Names a board; an empty name gives it back its default. */
  async set(identity: string, name: string): Promise<void> {
    const names = this.names();
    const trimmed = name.trim();
    if (trimmed === '') delete names[identity];
    else names[identity] = checkBoardName(trimmed, 'A board name');
    await this.kv.update(NAMES_KEY, names);
  }

  /** The board `from` (USB serial or path) turned out to be `to` (its MAC): its name moves with it. */
  async link(from: string, to: string): Promise<void> {
    const names = this.names();
    if (from === to || !(from in names)) return;
    if (!(to in names)) names[to] = names[from];
    delete names[from];
    await this.kv.update(NAMES_KEY, names);
  }

  private names(): Record<string, string> {
    return { ...(this.kv.get<Record<string, string>>(NAMES_KEY) ?? {}) };
  }
}
