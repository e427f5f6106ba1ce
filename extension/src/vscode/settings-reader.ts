import * as vscode from 'vscode';
import { userOnlyGetter } from '../core/config/setting-scope';
import { resolveWifiCredentials, type SecretSource } from '../core/config/credentials';
import { readSettings, type Settings } from '../core/config/settings';
import { isProvisionError } from '../core/common/errors';

/**
 * Reads `espnow.*` from VS Code's configuration through the core validator. Settings that weaken security or
 * run code come from the user's settings only (see setting-scope.ts), whatever the workspace says.
 */
export function readVscodeSettings(scope?: vscode.ConfigurationScope): Settings {
  const config = vscode.workspace.getConfiguration(undefined, scope);
  return readSettings(userOnlyGetter((key) => config.get(key), (key) => config.inspect(key)));
}

/** What is wrong with the settings a run needs (values and Wi-Fi credentials), as the error would say it; undefined when nothing. */
export async function settingsProblem(secrets: SecretSource): Promise<string | undefined> {
  try {
    await resolveWifiCredentials(readVscodeSettings(), secrets);
    return undefined;
  } catch (e) {
    return isProvisionError(e) ? e.describe() : e instanceof Error ? e.message : String(e);
  }
}
