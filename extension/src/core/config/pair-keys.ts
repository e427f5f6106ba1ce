import { randomBytes } from 'node:crypto';
import { ProvisionError } from '../common/errors';
import { HEX_64 } from './input-checks';

/** The subset of VS Code's SecretStorage the pair keys need (the CLI has its own). */
export interface SecretStore {
  get(key: string): PromiseLike<string | undefined>;
  store(key: string, value: string): PromiseLike<void>;
  delete(key: string): PromiseLike<void>;
}

/** A pair key is 32 bytes written as 64 hex digits. */
export const PAIR_KEY_PATTERN = HEX_64;

/** The secret's name for the fleet of one responder (its identity: MAC, else USB serial, else path). */
export function pairKeySecretName(responderIdentity: string): string {
  return `espnow.pairKey:${responderIdentity}`;
}

/**
 * One pair key per fleet, bound to its responder: made on first use, kept in the secret store under the
 * responder's identity, rotated or cleared on request. A key captured from one fleet's device opens no other
 * fleet; rotating makes the keys on earlier devices useless for new ones.
 */
export class PairKeys {
  constructor(
    private readonly secrets: SecretStore,
    /** Told every key handed out (to mask it in logs and monitors). */
    private readonly onKey: (identity: string, key: string) => void = () => undefined,
  ) {}

  /** The fleet's key, made and stored if there is none yet. */
  async forResponder(identity: string): Promise<string> {
    const name = pairKeySecretName(identity);
    const stored = await this.secrets.get(name);
    if (stored !== undefined) {
      if (!PAIR_KEY_PATTERN.test(stored)) throw new ProvisionError('config', `The stored pair key of responder ${identity} is not 64 hex digits.`, undefined, 'Run ESP-NOW: Clear Pair Key on the responder to have a new one made.');
      this.onKey(identity, stored);
      return stored;
    }
    return this.rotate(identity);
  }

  /** A new key for the fleet; devices provisioned with the old one keep their Wi-Fi, new ones need this key. */
  async rotate(identity: string): Promise<string> {
    const key = randomBytes(32).toString('hex');
    await this.secrets.store(pairKeySecretName(identity), key);
    this.onKey(identity, key);
    return key;
  }

  async clear(identity: string): Promise<void> {
    await this.secrets.delete(pairKeySecretName(identity));
  }
}
