import * as vscode from 'vscode';

/** A link in a notice: a command and its arguments. */
export interface NoticeLink {
  readonly label: string;
  readonly command: string;
  readonly args?: readonly unknown[];
}

/**
 * Messages about a setting that is wrong, withdrawn once the user fixes it: an error toast cannot be closed
 * by its sender and would stay up after the fix, telling the user something that is no longer true. A
 * notice is a notification the extension can close: it stays until the setting it names changes to a value
 * `stillWrong` no longer complains about (or the user dismisses it). Its actions are links in the text
 * (VS Code runs command links in notifications). One notice per setting: a newer one replaces the older.
 */
export class SettingNotices implements vscode.Disposable {
  private readonly open = new Map<string, () => void>();
  private readonly sub: vscode.Disposable;
  private readonly changed = new vscode.EventEmitter<void>();
  /** A notice was shown or withdrawn. */
  readonly onDidChange = this.changed.event;

  /**
   * `stillWrong(setting)` re-checks one setting and returns the error text, if any, it would report now.
   * `secretsChanged` fires when the secret store changes (Set Wi-Fi Password fixes a password error).
   */
  constructor(
    private readonly stillWrong: (setting: string) => Promise<string | undefined>,
    secretsChanged: vscode.Event<unknown>,
  ) {
    this.sub = vscode.Disposable.from(
      vscode.workspace.onDidChangeConfiguration((e) => {
        for (const setting of this.open.keys()) if (e.affectsConfiguration(setting)) void this.recheck(setting);
      }),
      secretsChanged(() => {
        for (const setting of this.open.keys()) void this.recheck(setting);
      }),
    );
  }

  /** The settings with a notice on screen (for tests and the API). */
  get settings(): string[] {
    return [...this.open.keys()];
  }

  show(text: string, setting: string, links: readonly NoticeLink[] = []): void {
    this.withdraw(setting);
    const all = [{ label: 'Open Settings', command: 'workbench.action.openSettings', args: [setting] }, ...links];
    const title = `ESP-NOW: ${text} ${all.map(linkMarkdown).join(' · ')}`;
    void vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (_progress, token) =>
      new Promise<void>((resolve) => {
        const close = (): void => {
          if (this.open.get(setting) === close) this.open.delete(setting);
          resolve();
          this.changed.fire();
        };
        token.onCancellationRequested(close);
        this.open.set(setting, close);
        this.changed.fire();
      }),
    );
  }

  /** Closes the notice about `setting`, if one is up. */
  withdraw(setting: string): void {
    this.open.get(setting)?.();
  }

  /** Withdraws the notice about `setting` if the settings no longer give that error (run on every change of it). */
  async recheck(setting: string): Promise<void> {
    const error = await this.stillWrong(setting);
    if (!error?.includes(setting)) this.withdraw(setting);
  }

  dispose(): void {
    this.sub.dispose();
    for (const close of [...this.open.values()]) close();
    this.changed.dispose();
  }
}

function linkMarkdown(l: NoticeLink): string {
  const args = l.args?.length ? `?${encodeURIComponent(JSON.stringify(l.args))}` : '';
  return `[${l.label}](command:${l.command}${args})`;
}
