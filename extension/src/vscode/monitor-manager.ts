import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { Board } from '../core/boards/board';
import type { BoardRegistry } from '../core/boards/board-registry';
import { activityFromMonitorState } from '../core/monitor/monitor-activity';
import { reasonOfError } from '../core/provision/failure-reasons';
import { MonitorLogFile, type MonitorLogHeader } from '../core/monitor/monitor-log-file';
import { MonitorSession } from '../core/monitor/monitor-session';
import type { Settings } from '../core/config/settings';
import { checkLogFolder } from '../core/config/input-checks';
import { backtraceDecoderFor } from '../core/monitor/panic-decoder';
import type { Redactor } from '../core/monitor/redactor';
import type { PortArbiter } from '../core/serial/port-arbiter';
import type { SerialLinkFactory } from '../core/serial/serial-link';
import { boardLabel } from './board-tree';
import { MonitorTerminal } from './monitor-terminal';

/** One monitor terminal per board; opening it again shows the existing one. */
export class MonitorManager implements vscode.Disposable {
  private readonly open = new Map<string, OpenMonitor>();
  private readonly closeSub: vscode.Disposable;
  private readonly settingsSub: vscode.Disposable;
  /** The build last flashed to each board: its ELF decodes the board's panics. */
  private readonly builds = new Map<string, string>();

  constructor(
    private readonly registry: BoardRegistry,
    private readonly arbiter: PortArbiter,
    private readonly redactor: Redactor,
    private readonly openLink: SerialLinkFactory,
    private readonly settings: () => Pick<Settings, 'monitorBaud' | 'monitorLogToFile' | 'monitorLogFolder'>,
    /** Where monitor logs go when espnow.monitor.logFolder is empty: the extension's log folder. */
    private readonly defaultLogFolder: string,
    private readonly onError: (e: unknown) => void,
  ) {
    // Turning logging on (or off) applies to the monitors already open, not only to the next ones.
    this.settingsSub = vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('espnow.monitor')) for (const m of this.open.values()) this.applyLogSetting(m);
    });
    this.closeSub = vscode.window.onDidCloseTerminal((t) => {
      for (const [path, m] of this.open) {
        if (m.terminal === t) {
          this.open.delete(path);
          if (this.registry.find(path)?.activity.kind === 'monitoring') this.registry.setActivity(path, { kind: 'idle' });
        }
      }
    });
  }

  /** Shows the board's monitor, creating it when needed. Returns the session (tests read its state). */
  show(board: Board, preserveFocus = false): MonitorSession {
    const existing = this.open.get(board.port.path);
    if (existing) {
      existing.terminal.show(preserveFocus);
      return existing.session;
    }
    const path = board.port.path;
    const settings = this.settings();
    const baud = settings.monitorBaud;
    const session = new MonitorSession({
      path,
      baudRate: baud,
      arbiter: this.arbiter,
      openLink: this.openLink,
      pipeline: { redactor: this.redactor, role: board.role === 'none' ? undefined : board.role },
      decodeBacktrace: backtraceDecoderFor(
        () => this.registry.find(path)?.chipInfo?.chip ?? board.port.chipHint,
        () => elfIn(this.builds.get(path)),
      ),
    });
    session.pipeline.onDidChangeState((state) => {
      if (this.registry.find(path)) this.registry.setActivity(path, activityFromMonitorState(state));
    });
    const title = `${boardLabel(board)} · ${path} @ ${baud}`;
    // Tabs by name and role ("kitchen · initiator"), so several monitors are told apart without reading ports.
    const tab = board.role === 'none' ? boardLabel(board) : `${boardLabel(board)} · ${board.role}`;
    const monitor: LoggedSession = { session, header: { board: tab, port: path, baud } };
    const notes = settings.monitorLogToFile ? [this.startLog(monitor)] : [];
    const pty = new MonitorTerminal(session, title, notes, (e) => {
      // The terminal stays to show why; the next Open Monitor makes a new one and tries again.
      if (this.open.get(path)?.session === session) this.open.delete(path);
      if (this.registry.find(path)) this.registry.setActivity(path, { kind: 'failed', reason: reasonOfError(e) });
      this.onError(e);
    });
    const terminal = vscode.window.createTerminal({ name: tab, pty, iconPath: new vscode.ThemeIcon(board.role === 'responder' ? 'broadcast' : 'pulse') });
    this.open.set(path, Object.assign(monitor, { terminal }));
    this.registry.setActivity(path, { kind: 'monitoring' });
    terminal.show(preserveFocus);
    return session;
  }

  /**
   * With espnow.monitor.logToFile on, checks (and makes) the log folder: a run calls this before it touches a
   * board, so a folder that cannot be written is a setting error up front, not a log missing afterwards.
   */
  checkLogFolder(): void {
    const s = this.settings();
    if (s.monitorLogToFile) checkLogFolder(s.monitorLogFolder || this.defaultLogFolder, 'Setting espnow.monitor.logFolder');
  }

  /** Starts the monitor's log file; returns the line the terminal shows about it (where, or why not). */
  private startLog(m: LoggedSession): string {
    const s = this.settings();
    try {
      m.log = m.session.adopt(MonitorLogFile.inFolder(s.monitorLogFolder || this.defaultLogFolder, m.session.pipeline, m.header, { onError: (e) => m.session.pipeline.notice(e.describe()) }));
      return `logging to ${m.log.path}`;
    } catch (e) {
      return `not logging to a file: ${e instanceof Error ? e.message : String(e)} (espnow.monitor.logFolder)`;
    }
  }

  /** Starts or stops an open monitor's log file as espnow.monitor.logToFile now says. */
  private applyLogSetting(m: OpenMonitor): void {
    let on: boolean;
    try {
      on = this.settings().monitorLogToFile;
    } catch {
      return; // a bad setting is reported where it is used; the monitor keeps what it does
    }
    if (on && !m.log) m.session.pipeline.notice(this.startLog(m));
    if (!on && m.log) {
      const path = m.log.path;
      void m.log.close();
      m.log = undefined;
      m.session.pipeline.notice(`stopped logging to ${path}`);
    }
  }

  rememberBuild(path: string, buildDir: string): void {
    this.builds.set(path, buildDir);
  }

  sessionOf(path: string): MonitorSession | undefined {
    return this.open.get(path)?.session;
  }

  dispose(): void {
    this.closeSub.dispose();
    this.settingsSub.dispose();
    for (const m of this.open.values()) m.terminal.dispose();
    this.open.clear();
  }
}

/** The ELF idf.py leaves at the top of a build folder (`<project>.elf`). */
function elfIn(buildDir: string | undefined): string | undefined {
  if (!buildDir) return undefined;
  try {
    const elf = readdirSync(buildDir).find((f) => f.endsWith('.elf'));
    return elf ? join(buildDir, elf) : undefined;
  } catch {
    return undefined;
  }
}

/** A monitor's session and the log file it writes, if any. */
interface LoggedSession {
  readonly session: MonitorSession;
  readonly header: MonitorLogHeader;
  log?: MonitorLogFile;
}

/** An open monitor: a logged session in its terminal. */
interface OpenMonitor extends LoggedSession {
  readonly terminal: vscode.Terminal;
}
