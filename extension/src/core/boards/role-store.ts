import type { Role } from './board';
import type { KeyValueStore } from './key-value-store';

const ROLES_KEY = 'espnow.roles.v1';
const ALIASES_KEY = 'espnow.identityAliases.v1';

/**
 * Roles per board identity. When a board first known by its USB serial number is identified, its role
 * moves to its MAC and the serial number is remembered as an alias, so the next plug-in finds the role
 * before the bootloader is asked again.
 */
export class RoleStore {
  constructor(private readonly kv: KeyValueStore) {}

  get(identity: string): Role {
    const roles = this.roles();
    return roles[this.resolve(identity)] ?? 'none';
  }

  /** The identity a key refers to now (a USB serial may have become a MAC). */
  resolve(identity: string): string {
    return this.aliases()[identity] ?? identity;
  }

  /**
   * Sets a role. There is one responder: giving the role to a board takes it from the others, and the
   * identities that lost it are returned so the UI can say so.
   */
  async set(identity: string, role: Role): Promise<string[]> {
    const key = this.resolve(identity);
    const roles = this.roles();
    const demoted: string[] = [];
    if (role === 'responder') {
      for (const [id, r] of Object.entries(roles)) {
        if (r === 'responder' && id !== key) {
          delete roles[id];
          demoted.push(id);
        }
      }
    }
    if (role === 'none') delete roles[key];
    else roles[key] = role;
    await this.kv.update(ROLES_KEY, roles);
    return demoted;
  }

  /** Records that `from` (USB serial or path identity) is the board `to` (MAC identity), moving its role. */
  async link(from: string, to: string): Promise<void> {
    if (from === to) return;
    const aliases = this.aliases();
    const roles = this.roles();
    if (aliases[from] === to && !(from in roles)) return;
    if (!from.startsWith('path:')) aliases[from] = to;
    if (from in roles) {
      if (!(to in roles)) roles[to] = roles[from];
      delete roles[from];
      await this.kv.update(ROLES_KEY, roles);
    }
    await this.kv.update(ALIASES_KEY, aliases);
  }

  all(): Readonly<Record<string, Role>> {
    return this.roles();
  }

  private roles(): Record<string, Role> {
    return { ...(this.kv.get<Record<string, Role>>(ROLES_KEY) ?? {}) };
  }

  private aliases(): Record<string, string> {
    return { ...(this.kv.get<Record<string, string>>(ALIASES_KEY) ?? {}) };
  }
}
