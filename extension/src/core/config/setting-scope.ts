import type { SettingGetter } from './settings';

/**
 * Settings a workspace must not set: a repository's .vscode/settings.json could otherwise switch the user to
 * a mode that sends the Wi-Fi password in clear (`espnow.security`), point the build at a folder whose export
 * script runs (`espnow.idfPath`), or put a password in a file that gets committed (`espnow.wifi.password`).
 * package.json gives them `machine` scope, so VS Code keeps workspace values out; this reader is the second
 * lock, for hosts or versions that do not (and the CLI, which has no workspace, reads them as given).
 */
export const USER_ONLY_SETTINGS: readonly string[] = ['espnow.security', 'espnow.idfPath', 'espnow.wifi.password', 'espnow.lab.useRealCredentials', 'espnow.monitor.logFolder'];

/** The parts of VS Code's `WorkspaceConfiguration.inspect` result this reader looks at. */
export interface SettingLayers {
  readonly defaultValue?: unknown;
  readonly globalValue?: unknown;
  readonly workspaceValue?: unknown;
  readonly workspaceFolderValue?: unknown;
}

/**
 * A getter that answers the user-only settings from the user's own layers (user or remote settings, else the
 * default), and every other setting as `get` does. `onIgnored` hears each user-only key a workspace tried to set.
 */
export function userOnlyGetter(get: SettingGetter, inspect: (key: string) => SettingLayers | undefined, onIgnored?: (key: string) => void): SettingGetter {
  return (key) => {
    if (!USER_ONLY_SETTINGS.includes(key)) return get(key);
    const layers = inspect(key);
    if (!layers) return undefined;
    if (onIgnored && (layers.workspaceValue !== undefined || layers.workspaceFolderValue !== undefined)) onIgnored(key);
    return layers.globalValue ?? layers.defaultValue;
  };
}
