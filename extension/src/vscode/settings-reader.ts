import * as vscode from 'vscode';
import { userOnlyGetter } from '../core/config/setting-scope';
import { readSettings, type Settings } from '../core/config/settings';

/**
 * Reads `espnow.*` from VS Code's configuration through the core validator. Settings that weaken security or
 * run code come from the user's settings only (see setting-scope.ts), whatever the workspace says.
 */
export function readVscodeSettings(scope?: vscode.ConfigurationScope): Settings {
  const config = vscode.workspace.getConfiguration(undefined, scope);
  return readSettings(userOnlyGetter((key) => config.get(key), (key) => config.inspect(key)));
}
