import * as vscode from 'vscode';
import { PAIR_KEY_SECRET, WIFI_PASSWORD_SECRET } from '../core/config/credentials';
import { Redactor } from '../core/monitor/redactor';
import type { Settings } from '../core/config/settings';

/**
 * One redactor per window that knows every secret we hold (password in the secret store or in
 * settings.json, the pair key), kept current when they change, so no monitor, file or log shows them.
 */
export class SecretRedactor implements vscode.Disposable {
  readonly redactor = new Redactor([]);
  private readonly subs: vscode.Disposable[];

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly settings: () => Settings,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.subs = [secrets.onDidChange(() => void this.refresh()), vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('espnow') && void this.refresh())];
  }

  async refresh(): Promise<void> {
    const values: Array<{ kind: 'password' | 'pair-key'; value: string }> = [];
    const stored = await this.secrets.get(WIFI_PASSWORD_SECRET);
    if (stored) values.push({ kind: 'password', value: stored });
    let inSettings = '';
    try {
      inSettings = this.settings().wifiPasswordInSettings;
    } catch {
      // A bad setting is reported where settings are applied; redaction keeps the secrets it can read.
    }
    if (inSettings) values.push({ kind: 'password', value: inSettings });
    const key = await this.secrets.get(PAIR_KEY_SECRET);
    if (key) values.push({ kind: 'pair-key', value: key });
    this.redactor.setSecrets(values);
    this.log.debug(`redaction covers ${values.length} secret(s)`);
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
  }
}
