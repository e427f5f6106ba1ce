import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import type { Disposable } from '../common/disposable';
import { ProvisionError } from '../common/errors';
import type { MonitorPipeline } from './monitor-pipeline';

/** What a log file starts with: which board, where, and when. */
export interface MonitorLogHeader {
  readonly board: string;
  readonly port: string;
  readonly baud: number;
}

/**
 * A board's monitor written to a file as it arrives: every line the board prints (whatever the display
 * filter hides), redacted like the terminal, without ANSI codes, each prefixed with the host's time, so a
 * long soak or a night on the rig can be read and grepped afterwards. Created new (never appended to an
 * existing file, whose mode might be wider), owner-only. Disposing closes it.
 */
export class MonitorLogFile implements Disposable {
  private readonly stream: WriteStream;
  private readonly sub: Disposable;
  private lineOpen = false;
  private failed: Error | undefined;
  private closing: Promise<void> | undefined;

  private constructor(
    readonly path: string,
    pipeline: MonitorPipeline,
    header: MonitorLogHeader,
    private readonly now: () => Date,
    onError: (e: ProvisionError) => void,
  ) {
    this.stream = createWriteStream(path, { flags: 'wx', mode: 0o600 });
    this.stream.on('error', (e) => {
      if (this.failed) return;
      this.failed = e;
      onError(new ProvisionError('config', `Cannot write the monitor log ${path}: ${e.message}.`, undefined, 'Check the log folder (espnow.monitor.logFolder or --log-dir) exists and is writable.', { cause: e }));
    });
    this.stream.write(`# ${header.board} on ${header.port} at ${header.baud} baud, from ${stamp(this.now())}\n`);
    // Records are redacted already (the pipeline redacts before anything else sees a line).
    this.sub = pipeline.onDidParse((r) => {
      if (r.continued) this.stream.write(r.plain);
      else this.stream.write(`${this.lineOpen ? '\n' : ''}${stamp(this.now())} ${r.plain}`);
      this.lineOpen = true;
    });
  }

  /** Starts logging `pipeline` into `path` (a new file). */
  static create(path: string, pipeline: MonitorPipeline, header: MonitorLogHeader, opts: { now?: () => Date; onError?: (e: ProvisionError) => void } = {}): MonitorLogFile {
    return new MonitorLogFile(path, pipeline, header, opts.now ?? (() => new Date()), opts.onError ?? (() => undefined));
  }

  /** Starts logging into a new file in `folder` named by board and time ("kitchen-20261126-150312.log"). */
  static inFolder(folder: string, pipeline: MonitorPipeline, header: MonitorLogHeader, opts: { now?: () => Date; onError?: (e: ProvisionError) => void } = {}): MonitorLogFile {
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    const now = opts.now ?? (() => new Date());
    return MonitorLogFile.create(join(folder, logFileName(header.board, now())), pipeline, header, opts);
  }

  /** Resolves when everything written so far is in the file; closing again waits for the same end. */
  close(): Promise<void> {
    this.sub.dispose();
    if (!this.closing) {
      this.closing = this.stream.destroyed ? Promise.resolve() : new Promise((resolve) => this.stream.end(this.lineOpen ? '\n' : undefined, () => resolve()));
    }
    return this.closing;
  }

  dispose(): void {
    void this.close();
  }
}

/** A file name for `board`'s log started at `at`: the name made safe for any file system, then the time. */
export function logFileName(board: string, at: Date): string {
  const safe = board.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'board';
  const p = (n: number) => String(n).padStart(2, '0');
  const ms = String(at.getMilliseconds()).padStart(3, '0');
  return `${safe}-${at.getFullYear()}${p(at.getMonth() + 1)}${p(at.getDate())}-${p(at.getHours())}${p(at.getMinutes())}${p(at.getSeconds())}${ms}.log`;
}

/** Local time with milliseconds: "2026-11-26 15:03:12.345". */
function stamp(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}
