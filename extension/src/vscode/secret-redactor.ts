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
  /**
   * Every secret seen while this window runs, not only the current ones: boards flashed with an old
   * password keep printing it (a seed-style firmware logs it), so changing the password must not unmask it.
   */
  private readonly seen = new Map<string, 'password' | 'pair-key'>();
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly settings: () => Settings,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.subs = [secrets.onDidChange(() => void this.refresh()), vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('espnow') && void this.refresh())];
  }

  /** A secret read elsewhere (a fleet's pair key): masked from now on. */
  add(kind: 'password' | 'pair-key', value: string): void {
    if (!value || this.seen.get(value) === kind) return;
    this.seen.set(value, kind);
    this.redactor.setSecrets([...this.seen].map(([v, k]) => ({ kind: k, value: v })));
  }

  /** Re-reads the secrets. Refreshes run one after another, so a slow read cannot overwrite a newer one. */
  refresh(): Promise<void> {
    this.queue = this.queue.then(
      () => this.readSecrets(),
      () => this.readSecrets(),
    );
    return this.queue.catch((e: unknown) => this.log.error(`reading secrets for redaction failed: ${e instanceof Error ? e.message : String(e)}`));
  }

  private async readSecrets(): Promise<void> {
    const stored = await this.secrets.get(WIFI_PASSWORD_SECRET);
    if (stored) this.seen.set(stored, 'password');
    let inSettings = '';
    try {
      inSettings = this.settings().wifiPasswordInSettings;
    } catch {
      // A bad setting is reported where settings are applied; redaction keeps the secrets it can read.
    }
    if (inSettings) this.seen.set(inSettings, 'password');
    const key = await this.secrets.get(PAIR_KEY_SECRET);
    if (key) this.seen.set(key, 'pair-key');
    this.redactor.setSecrets([...this.seen].map(([value, kind]) => ({ kind, value })));
    this.log.debug(`redaction covers ${this.seen.size} secret(s)`);
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
  }
}
