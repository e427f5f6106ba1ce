import * as vscode from 'vscode';
import { WIFI_PASSWORD_SECRET } from '../../core/config/credentials';
import { checkPassword } from '../../core/config/input-checks';
import { forgetSecrets } from '../../core/build/build-cache';
import { isProvisionError } from '../../core/common/errors';
import { registerCommand, type CommandContext } from '../command-context';

/**
 * Set/Clear Wi-Fi Password: the password lives in SecretStorage and is never echoed or logged. A password
 * that is cleared or replaced also leaves the build cache: every build holding it is removed.
 */
export function registerCredentialCommands(ctx: CommandContext, buildCacheRoot: string): vscode.Disposable[] {
  const forgetOld = async (old: string | undefined, now: string | undefined): Promise<void> => {
    if (old === undefined || old === now) return;
    const n = await forgetSecrets(buildCacheRoot, [old]);
    if (n) ctx.log.info(`removed ${n} cached build(s) holding the previous Wi-Fi password`);
  };
  return [
    registerCommand(ctx, 'espnow.setWifiPassword', async () => {
      const ssid = ctx.settings().wifiSsid;
      const password = await vscode.window.showInputBox({
        title: 'ESP-NOW: Wi-Fi password',
        prompt: ssid ? `Password of "${ssid}" (kept in VS Code's secret storage, never in settings.json)` : 'Password of the network in espnow.wifi.ssid (kept in VS Code secret storage)',
        password: true,
        ignoreFocusOut: true,
        validateInput: (v) => {
          try {
            checkPassword(v, 'The password');
            return undefined;
          } catch (e) {
            return isProvisionError(e) ? e.hint : String(e);
          }
        },
      });
      if (password === undefined) return;
      const old = await ctx.secrets.get(WIFI_PASSWORD_SECRET);
      await ctx.secrets.store(WIFI_PASSWORD_SECRET, password);
      await forgetOld(old, password);
      ctx.log.info('Wi-Fi password stored in secret storage');
      const inSettings = ctx.settings().wifiPasswordInSettings !== '';
      void vscode.window.showInformationMessage(
        `ESP-NOW: Wi-Fi password stored in secret storage.${inSettings ? ' espnow.wifi.password in settings.json is now ignored: remove it.' : ''}`,
      );
    }),
    registerCommand(ctx, 'espnow.clearWifiPassword', async () => {
      const old = await ctx.secrets.get(WIFI_PASSWORD_SECRET);
      await ctx.secrets.delete(WIFI_PASSWORD_SECRET);
      await forgetOld(old, undefined);
      ctx.log.info('Wi-Fi password removed from secret storage');
      void vscode.window.showInformationMessage('ESP-NOW: Wi-Fi password removed from secret storage.');
    }),
  ];
}
