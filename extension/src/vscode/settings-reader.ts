import * as vscode from 'vscode';
import { userOnlyGetter } from '../core/config/setting-scope';
import { resolveWifiCredentials, type SecretSource } from '../core/config/credentials';
import { readSettings, type Settings } from '../core/config/settings';
import { isProvisionError } from '../core/common/errors';
import { resolveIdfPath } from '../core/build/idf-build';

/**
 * Reads `espnow.*` from VS Code's configuration through the core validator. Settings that weaken security or
 * run code come from the user's settings only (see setting-scope.ts), whatever the workspace says.
 */
export function readVscodeSettings(scope?: vscode.ConfigurationScope): Settings {
  const config = vscode.workspace.getConfiguration(undefined, scope);
  return readSettings(userOnlyGetter((key) => config.get(key), (key) => config.inspect(key)));
}

/**
 * What is wrong with `setting` now, as the error would say it; undefined when nothing. Only that setting is
 * read (the others at their defaults): another wrong setting must neither hide this one nor keep its notice
 * up. The Wi-Fi ones are checked with the stored password, the ESP-IDF folder by looking for ESP-IDF there.
 */
export async function settingProblem(setting: string, secrets: SecretSource): Promise<string | undefined> {
  const config = vscode.workspace.getConfiguration();
  const get = userOnlyGetter((key) => config.get(key), (key) => config.inspect(key));
  try {
    const s = readSettings((key) => (key === setting ? get(key) : undefined));
    if (setting === 'espnow.wifi.ssid' || setting === 'espnow.wifi.password') await resolveWifiCredentials(s, secrets);
    if (setting === 'espnow.idfPath') resolveIdfPath(s.idfPath, process.env);
    return undefined;
  } catch (e) {
    return isProvisionError(e) ? e.describe() : e instanceof Error ? e.message : String(e);
  }
}
