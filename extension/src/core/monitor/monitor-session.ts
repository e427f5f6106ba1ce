import { DisposableStore, type Disposable } from '../common/disposable';
import { Emitter } from '../common/emitter';
import { ProvisionError } from '../common/errors';
import type { PortArbiter, PortLease } from '../serial/port-arbiter';
import type { SerialLink, SerialLinkFactory } from '../serial/serial-link';
import type { BacktraceFrame } from './log-line-parser';
import { MonitorPipeline, type MonitorPipelineOptions } from './monitor-pipeline';

export type MonitorConnection = 'connecting' | 'open' | 'lent' | 'waiting-for-board' | 'closed';

export interface MonitorSessionOptions {
  readonly path: string;
  readonly baudRate: number;
  readonly openLink: SerialLinkFactory;
  readonly arbiter: PortArbiter;
  readonly pipeline?: MonitorPipelineOptions;
  /** Between reopen attempts after the board vanished (unplug, native USB re-enumeration). */
  readonly reconnectIntervalMs?: number;
  /** A partial line is shown after this much quiet, so a prompt without newline still appears. */
  readonly quietFlushMs?: number;
  /**
   * Turns a panic's backtrace into "function at file:line" lines (addr2line + the build's ELF). It may
   * reject with a reason (no toolchain, no ELF), which the monitor shows instead.
   */
  readonly decodeBacktrace?: (frames: readonly BacktraceFrame[]) => Promise<string[]>;
}

/**
 * A serial monitor of one board: owns its link through the port arbiter (lending it to the flasher and
 * taking it back), feeds bytes through the monitor pipeline, and reconnects when the board comes back
 * after an unplug or a USB re-enumeration. Used by the VS Code terminal and the CLI alike.
 */
export class MonitorSession implements Disposable {
  readonly pipeline: MonitorPipeline;
  private readonly store = new DisposableStore();
  private readonly connectionEmitter = this.store.add(new Emitter<MonitorConnection>());
  readonly onDidChangeConnection = this.connectionEmitter.event;
  private link: SerialLink | undefined;
  private linkSubs = new DisposableStore();
  private lease: PortLease | undefined;
  private state: MonitorConnection = 'closed';
  private reconnectTimer: NodeJS.Timeout | undefined;
  private quietTimer: NodeJS.Timeout | undefined;
  private disposed = false;
  /** Bumped when the port is lent or the session disposed: an open still in flight then closes what it opened. */
  private generation = 0;
  /** The open in flight, settled either way, so lending can wait for it. */
  private opening: Promise<void> = Promise.resolve();

  constructor(private readonly options: MonitorSessionOptions) {
    this.pipeline = this.store.add(new MonitorPipeline(options.pipeline));
    const decode = options.decodeBacktrace;
    if (decode) {
      this.store.add(
        this.pipeline.onDidParse((r) => {
          if (!r.backtrace?.length) return;
          decode(r.backtrace).then(
            (lines) => {
              if (!this.disposed) for (const l of lines) this.pipeline.notice(`backtrace: ${l}`);
            },
            (e: unknown) => {
              if (!this.disposed) this.pipeline.notice(`backtrace not decoded: ${e instanceof Error ? e.message : String(e)}`);
            },
          );
        }),
      );
    }
  }

  get connection(): MonitorConnection {
    return this.state;
  }

  /** Claims the port and opens it. A port held by another program rejects with a 'port-busy' error naming it. */
  async start(): Promise<void> {
    const lease = await this.options.arbiter.claim(this.options.path, {
      name: 'the monitor',
      lends: true,
      suspend: () => this.lend(),
      resume: () => this.reopenSoon(0),
    });
    if (this.disposed) {
      // Closed while waiting for the port: nobody else would release it.
      lease.dispose();
      return;
    }
    this.lease = lease;
    try {
      await this.open();
    } catch (e) {
      this.lease.dispose();
      this.lease = undefined;
      throw e;
    }
  }

  /** Ties `d` (a log file, a subscription) to this session: it is disposed with the session, after the last line. */
  adopt<T extends Disposable>(d: T): T {
    return this.store.add(d);
  }

  /** Sends what the user typed to the board's UART RX. */
  async send(data: Uint8Array): Promise<void> {
    if (!this.link?.isOpen) throw new ProvisionError('port-io', `The monitor of ${this.options.path} is not connected (${this.state}).`, this.options.path);
    await this.link.write(data);
  }

  /** Resets the board into its firmware the way esptool does: EN pulsed low through RTS, IO0 left high. */
  async resetBoard(): Promise<void> {
    const link = this.link;
    if (!link?.isOpen) throw new ProvisionError('port-io', `Cannot reset ${this.options.path}: the monitor is not connected.`, this.options.path);
    await link.setSignals({ dtr: false, rts: true });
    await new Promise((r) => setTimeout(r, 100));
    await link.setSignals({ dtr: false, rts: false });
    this.pipeline.notice(`board reset (${this.options.path})`);
  }

  private open(reconnect = false): Promise<void> {
    const attempt = this.openOnce(reconnect);
    this.opening = attempt.then(
      () => undefined,
      () => undefined,
    );
    return attempt;
  }

  private async openOnce(reconnect: boolean): Promise<void> {
    const generation = this.generation;
    this.setState('connecting');
    const link = this.options.openLink(this.options.path);
    try {
      await link.open(this.options.baudRate);
      // Open with both lines released so opening the monitor does not reset or stop the board.
      await link.setSignals({ dtr: false, rts: false }).catch(() => undefined);
    } catch (e) {
      link.dispose();
      if (generation !== this.generation) return; // lent or closed meanwhile: nothing to report or retry
      throw e;
    }
    if (generation !== this.generation) {
      // The port was lent or the monitor closed while it opened: give the port back at once.
      await link.close().catch(() => undefined);
      link.dispose();
      return;
    }
    this.link = link;
    this.linkSubs = new DisposableStore();
    this.linkSubs.add(link.onData((d) => this.onData(d)));
    this.linkSubs.add(
      link.onClose((err) => {
        if (!err || this.disposed) return;
        this.pipeline.notice(`${err.message} Waiting for it to come back…`);
        this.dropLink();
        this.setState('waiting-for-board');
        void this.reopenSoon(this.options.reconnectIntervalMs ?? 500);
      }),
    );
    if (reconnect) this.pipeline.notice(`reconnected to ${this.options.path}`);
    this.setState('open');
  }

  private onData(d: Uint8Array): void {
    this.pipeline.feed(d);
    if (this.quietTimer) clearTimeout(this.quietTimer);
    this.quietTimer = setTimeout(() => this.pipeline.flush(), this.options.quietFlushMs ?? 200);
  }

  private async lend(): Promise<void> {
    this.generation++;
    this.cancelReconnect();
    // An open in flight closes its own link when it sees the new generation; wait until it has.
    await this.opening;
    const link = this.link;
    this.linkSubs.dispose();
    this.link = undefined;
    if (link) {
      await link.close();
      link.dispose();
    }
    this.setState('lent');
    this.pipeline.notice(`${this.options.path} lent to the flasher; the monitor resumes when it is done.`);
  }

  private reopenSoon(delayMs: number): Promise<void> {
    this.cancelReconnect();
    if (this.disposed) return Promise.resolve();
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      this.open(true).then(
        () => undefined,
        () => {
          // Not back yet (native USB boards re-enumerate after a reset): keep trying until disposed.
          this.setState('waiting-for-board');
          void this.reopenSoon(this.options.reconnectIntervalMs ?? 500);
        },
      );
    }, delayMs);
    return Promise.resolve();
  }

  private cancelReconnect(): void {
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
  }

  private dropLink(): void {
    this.linkSubs.dispose();
    this.link?.dispose();
    this.link = undefined;
  }

  private setState(s: MonitorConnection): void {
    if (this.state === s) return;
    this.state = s;
    this.connectionEmitter.fire(s);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.generation++;
    this.cancelReconnect();
    if (this.quietTimer) clearTimeout(this.quietTimer);
    this.pipeline.end();
    this.dropLink();
    this.lease?.dispose();
    this.setState('closed');
    this.store.dispose();
  }
}
