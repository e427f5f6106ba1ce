import { ProvisionError } from '../common/errors';
import { checkPassword } from './input-checks';
import type { Settings } from './settings';

/** Where the Wi-Fi password came from; the UI warns about 'settings'. */
export type PasswordSource = 'secret-storage' | 'settings' | 'none';

export interface WifiCredentials {
  readonly ssid: string;
  readonly password: string;
  readonly passwordSource: PasswordSource;
  /** Set when the user should move the password; never contains the password itself. */
  readonly warning?: string;
}

/** A place secrets live: VS Code SecretStorage in the editor, the environment in the CLI. */
export interface SecretSource {
  get(key: string): PromiseLike<string | undefined>;
}

export const WIFI_PASSWORD_SECRET = 'espnow.wifi.password';
export const PAIR_KEY_SECRET = 'espnow.pairKey';

/**
 * The credentials the responder will hand out. The secret store wins over settings.json; a password in
 * settings.json still works, with a warning, so existing setups keep working while users move it.
 * A stored empty password is a choice, not an absence: Set Wi-Fi Password accepts '' for an open network,
 * and then tells the user settings.json is ignored, so '' must win over settings.json too.
 */
export async function resolveWifiCredentials(settings: Settings, secrets: SecretSource): Promise<WifiCredentials> {
  if (!settings.wifiSsid) {
    throw new ProvisionError('config', 'Setting espnow.wifi.ssid is empty.', undefined, 'Set it to the network the new devices should join.');
  }
  const stored = await secrets.get(WIFI_PASSWORD_SECRET);
  if (stored !== undefined) {
    return { ssid: settings.wifiSsid, password: checkPassword(stored, 'The stored Wi-Fi password (ESP-NOW: Set Wi-Fi Password)'), passwordSource: 'secret-storage' };
  }
  if (settings.wifiPasswordInSettings) {
    return {
      ssid: settings.wifiSsid,
      password: checkPassword(settings.wifiPasswordInSettings, 'Setting espnow.wifi.password'),
      passwordSource: 'settings',
      warning: 'The Wi-Fi password is read from settings.json (espnow.wifi.password). Run "ESP-NOW: Set Wi-Fi Password" to keep it in the secret store, then remove it from settings.json.',
    };
  }
  return { ssid: settings.wifiSsid, password: '', passwordSource: 'none' };
}
