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
  private readonly open = new Map<string, { terminal: vscode.Terminal; session: MonitorSession }>();
  private readonly closeSub: vscode.Disposable;
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
    const notes = settings.monitorLogToFile ? [this.startLog(session, settings.monitorLogFolder || this.defaultLogFolder, { board: tab, port: path, baud })] : [];
    const pty = new MonitorTerminal(session, title, notes, (e) => {
      // The terminal stays to show why; the next Open Monitor makes a new one and tries again.
      if (this.open.get(path)?.session === session) this.open.delete(path);
      if (this.registry.find(path)) this.registry.setActivity(path, { kind: 'failed', reason: reasonOfError(e) });
      this.onError(e);
    });
    const terminal = vscode.window.createTerminal({ name: tab, pty, iconPath: new vscode.ThemeIcon(board.role === 'responder' ? 'broadcast' : 'pulse') });
    this.open.set(path, { terminal, session });
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

  /** Starts the session's log file; returns the line the terminal shows about it (where, or why not). */
  private startLog(session: MonitorSession, folder: string, header: MonitorLogHeader): string {
    try {
      const log = session.adopt(MonitorLogFile.inFolder(folder, session.pipeline, header, { onError: (e) => session.pipeline.notice(e.describe()) }));
      return `logging to ${log.path}`;
    } catch (e) {
      return `not logging to a file: ${e instanceof Error ? e.message : String(e)} (espnow.monitor.logFolder)`;
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
