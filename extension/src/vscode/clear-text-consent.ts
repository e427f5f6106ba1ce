import * as vscode from 'vscode';
import { ProvisionError } from '../core/common/errors';
import type { SecurityMode } from '../core/config/settings';

export const CLEAR_TEXT_WARNING = 'Espressif-compatible modes send the Wi-Fi password in clear over the air';

const CONSENTS_KEY = 'espnow.clearTextConsents';

/**
 * The user's yes to sending a network's password in clear, asked once per network (SSID) and remembered in
 * global state; and a warning whenever `espnow.security` becomes a clear-text mode. Workspace values of the
 * setting never count (machine scope and settings-reader.ts), so only the user's own choice gets here.
 */
export class ClearTextConsent implements vscode.Disposable {
  private readonly watch: vscode.Disposable;

  constructor(
    private readonly memento: vscode.Memento,
    private readonly security: () => SecurityMode,
  ) {
    this.watch = vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('espnow.security')) this.warnIfClear();
    });
    this.warnIfClear();
  }

  /** Resolves when `mode` is secure or the user accepts clear text for `ssid`; a refusal is 'cancelled'. */
  async confirm(mode: SecurityMode, ssid: string): Promise<void> {
    if (mode === 'secure') return;
    const consents = this.memento.get<string[]>(CONSENTS_KEY, []);
    if (consents.includes(ssid)) return;
    const yes = 'Send in Clear';
    const choice = await vscode.window.showWarningMessage(
      `${CLEAR_TEXT_WARNING}.`,
      { modal: true, detail: `espnow.security is "${mode}": anyone in radio range can read the password of "${ssid}" while a device is provisioned. Choose "secure" unless the new device runs Espressif's component.` },
      yes,
    );
    if (choice !== yes) throw new ProvisionError('cancelled', `Not sending the password of "${ssid}" in clear.`, undefined, 'Set espnow.security to "secure", or accept clear text when asked.');
    await this.memento.update(CONSENTS_KEY, [...consents, ssid]);
  }

  dispose(): void {
    this.watch.dispose();
  }

  private warnIfClear(): void {
    let mode: SecurityMode;
    try {
      mode = this.security();
    } catch {
      return; // A bad value is reported where settings are used.
    }
    if (mode !== 'secure') void vscode.window.showWarningMessage(`ESP-NOW: espnow.security is "${mode}". ${CLEAR_TEXT_WARNING}.`);
  }
}
