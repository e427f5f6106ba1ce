import * as vscode from 'vscode';
import { isProvisionError } from '../core/common/errors';
import { LogFilter } from '../core/monitor/colorizer';
import type { MonitorSession } from '../core/monitor/monitor-session';

const MENU_KEY = '\x14'; // Ctrl+T, as in idf.py monitor
const HELP =
  '\x1b[2m── Ctrl+T then: H help · R reset board · P pause/resume · L clear · S save to file · T timestamps · F filter · X close ──\x1b[0m\r\n';

/**
 * A board's monitor as a VS Code terminal. Typed text goes to the board; Ctrl+T starts a menu key.
 * The session has already redacted, parsed and colorized everything it renders.
 */
export class MonitorTerminal implements vscode.Pseudoterminal {
  private readonly writeEmitter = new vscode.EventEmitter<string>();
  private readonly closeEmitter = new vscode.EventEmitter<number | void>();
  readonly onDidWrite = this.writeEmitter.event;
  readonly onDidClose = this.closeEmitter.event;
  private menuPending = false;
  private paused = false;
  private wallClock = false;
  private readonly subs: vscode.Disposable[] = [];

  constructor(
    private readonly session: MonitorSession,
    private readonly title: string,
    /** Lines of the monitor's own shown under the title (where the log file goes). */
    private readonly notes: readonly string[],
    private readonly onError: (e: unknown) => void,
  ) {}

  open(): void {
    this.subs.push(this.session.pipeline.onDidRender((text) => this.writeEmitter.fire(text)));
    this.writeEmitter.fire(`\x1b[1m${this.title}\x1b[0m\r\n${HELP}`);
    for (const n of this.notes) this.note(n);
    // The port is opened after the terminal shows, so an open failure is visible in it and reported.
    this.session.start().catch((e: unknown) => {
      this.writeEmitter.fire(`\x1b[31m${isProvisionError(e) ? e.describe() : String(e)}\x1b[0m\r\n`);
      this.onError(e);
    });
  }

  handleInput(data: string): void {
    if (this.menuPending) {
      this.menuPending = false;
      void this.menu(data.toLowerCase());
      return;
    }
    if (data === MENU_KEY) {
      this.menuPending = true;
      return;
    }
    // Enter in a terminal sends CR; ESP-IDF consoles expect a line feed too.
    const text = data.replace(/\r/g, '\r\n');
    this.session.send(new TextEncoder().encode(text)).catch((e: unknown) => this.note(isProvisionError(e) ? e.message : String(e)));
  }

  private async menu(key: string): Promise<void> {
    try {
      switch (key) {
        case 'h':
          this.writeEmitter.fire(HELP);
          return;
        case 'r':
          await this.session.resetBoard();
          return;
        case 'p':
          this.paused = !this.paused;
          if (this.paused) {
            this.note('paused (output is kept; Ctrl+T P resumes)');
            this.session.pipeline.pause();
          } else this.session.pipeline.resume();
          return;
        case 'l':
          this.session.pipeline.clear();
          return;
        case 't':
          this.wallClock = !this.wallClock;
          this.session.pipeline.setWallClock(this.wallClock);
          this.note(`wall-clock timestamps ${this.wallClock ? 'on' : 'off'}`);
          return;
        case 's':
          return await this.save();
        case 'f':
          return await this.filter();
        case 'x':
          this.closeEmitter.fire();
          return;
        default:
          this.note(`Ctrl+T ${JSON.stringify(key)} does nothing; Ctrl+T H lists the keys`);
      }
    } catch (e) {
      this.note(isProvisionError(e) ? e.describe() : String(e));
    }
  }

  private async save(): Promise<void> {
    const target = await vscode.window.showSaveDialog({ title: 'Save monitor log', filters: { Log: ['log', 'txt'] }, saveLabel: 'Save log' });
    if (!target) return;
    // saveText is the redacted, ANSI-free transcript: secrets never reach the file.
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(this.session.pipeline.saveText()));
    this.note(`saved to ${target.fsPath}`);
  }

  private async filter(): Promise<void> {
    const spec = await vscode.window.showInputBox({
      title: 'Monitor filter',
      prompt: 'tag:level pairs, like idf.py monitor --print_filter. Example: "wifi:W PROV_EVT:I *:E". Levels: E W I D V, N = none, * = all.',
      value: '*:V',
      validateInput: (v) => {
        try {
          LogFilter.fromSpec(v);
          return undefined;
        } catch (e) {
          return e instanceof Error ? e.message : String(e);
        }
      },
    });
    if (spec === undefined) return;
    const f = LogFilter.fromSpec(spec);
    this.session.pipeline.setFilter(f);
    this.note(`filter: ${f.describe()}`);
  }

  private note(text: string): void {
    this.session.pipeline.notice(text);
  }

  close(): void {
    for (const s of this.subs) s.dispose();
    this.session.dispose();
    this.writeEmitter.dispose();
    this.closeEmitter.dispose();
  }
}
