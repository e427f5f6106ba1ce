import * as vscode from 'vscode';
import { readSettings, type Settings } from '../core/config/settings';

/** Reads `espnow.*` from VS Code's configuration through the core validator. */
export function readVscodeSettings(scope?: vscode.ConfigurationScope): Settings {
  const config = vscode.workspace.getConfiguration(undefined, scope);
  return readSettings((key) => config.get(key));
}
