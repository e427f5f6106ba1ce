import { SerialPort } from 'serialport';
import { Emitter } from '../common/emitter';
import { ProvisionError } from '../common/errors';
import type { ModemSignals, SerialLink } from './serial-link';

/** The part of node serialport's stream this link uses; SerialPortMock fits it too, for tests. */
export interface NodePortLike {
  readonly isOpen: boolean;
  open(cb: (err: Error | null) => void): void;
  close(cb: (err: Error | null) => void): void;
  write(data: Uint8Array, cb: (err: Error | null | undefined) => void): boolean;
  drain(cb: (err: Error | null) => void): void;
  set(opts: { dtr?: boolean; rts?: boolean; brk?: boolean }, cb: (err: Error | null) => void): void;
  update(opts: { baudRate: number }, cb: (err: Error | null) => void): void;
  flush(cb: (err: Error | null) => void): void;
  on(event: 'data', cb: (data: Buffer) => void): this;
  on(event: 'close', cb: (err?: Error & { disconnected?: boolean }) => void): this;
  on(event: 'error', cb: (err: Error) => void): this;
  removeAllListeners(): this;
}

export type NodePortFactory = (path: string, baudRate: number) => NodePortLike;

const realPort: NodePortFactory = (path, baudRate) => new SerialPort({ path, baudRate, autoOpen: false, lock: true });

/** A local serial port (USB bridge or native USB CDC) through node serialport. */
export class NodeSerialLink implements SerialLink {
  private port: NodePortLike | undefined;
  private baud = 0;
  private closedByUs = false;
  private readonly dataEmitter = new Emitter<Uint8Array>();
  private readonly closeEmitter = new Emitter<Error | undefined>();
  readonly onData = this.dataEmitter.event;
  readonly onClose = this.closeEmitter.event;

  constructor(
    readonly path: string,
    private readonly createPort: NodePortFactory = realPort,
  ) {}

  get isOpen(): boolean {
    return this.port?.isOpen ?? false;
  }

  get baudRate(): number {
    return this.baud;
  }

  async open(baudRate: number): Promise<void> {
    if (this.port) throw new ProvisionError('port-busy', `${this.path} is already open in this window.`, this.path);
    const port = this.createPort(this.path, baudRate);
    try {
      await call((cb) => port.open(cb));
    } catch (e) {
      throw diagnoseOpenError(this.path, e);
    }
    this.port = port;
    this.baud = baudRate;
    this.closedByUs = false;
    port.on('data', (d) => this.dataEmitter.fire(new Uint8Array(d.buffer, d.byteOffset, d.byteLength)));
    port.on('error', () => undefined); // every error also surfaces through a callback or 'close'
    port.on('close', (err) => {
      this.port = undefined;
      port.removeAllListeners();
      const reason = this.closedByUs
        ? undefined
        : new ProvisionError('port-missing', `${this.path} went away${err?.disconnected ? ' (unplugged or reset over USB)' : ''}.`, this.path, 'Plug the board back in; the monitor reconnects when it returns.', { cause: err });
      this.closeEmitter.fire(reason);
    });
  }

  async write(data: Uint8Array): Promise<void> {
    const port = this.requireOpen();
    await call((cb) => port.write(data, (e) => cb(e ?? null))).catch((e: unknown) => {
      throw ioError(this.path, 'write', e);
    });
    await call((cb) => port.drain(cb)).catch((e: unknown) => {
      throw ioError(this.path, 'drain', e);
    });
  }

  async setBaudRate(baudRate: number): Promise<void> {
    const port = this.requireOpen();
    await call((cb) => port.update({ baudRate }, cb)).catch((e: unknown) => {
      throw ioError(this.path, `switch to ${baudRate} baud`, e);
    });
    this.baud = baudRate;
  }

  async setSignals(signals: ModemSignals): Promise<void> {
    const port = this.requireOpen();
    const opts: { dtr?: boolean; rts?: boolean; brk?: boolean } = {};
    if (signals.dtr !== undefined) opts.dtr = signals.dtr;
    if (signals.rts !== undefined) opts.rts = signals.rts;
    if (signals.brk !== undefined) opts.brk = signals.brk;
    await call((cb) => port.set(opts, cb)).catch((e: unknown) => {
      throw ioError(this.path, 'set DTR/RTS', e);
    });
  }

  async flush(): Promise<void> {
    const port = this.requireOpen();
    await call((cb) => port.flush(cb)).catch((e: unknown) => {
      throw ioError(this.path, 'flush', e);
    });
  }

  async close(): Promise<void> {
    const port = this.port;
    if (!port) return;
    this.closedByUs = true;
    await call((cb) => port.close(cb)).catch(() => undefined);
  }

  /** Closes the port and drops every listener: whoever disposes has stopped listening, also for the close. */
  dispose(): void {
    void this.close();
    this.dataEmitter.dispose();
    this.closeEmitter.dispose();
  }

  private requireOpen(): NodePortLike {
    if (!this.port) throw new ProvisionError('port-io', `${this.path} is not open.`, this.path);
    return this.port;
  }
}

function call(fn: (cb: (err: Error | null) => void) => void): Promise<void> {
  return new Promise((resolve, reject) => fn((err) => (err ? reject(err) : resolve())));
}

function ioError(path: string, what: string, e: unknown): ProvisionError {
  const msg = e instanceof Error ? e.message : String(e);
  return new ProvisionError('port-io', `Could not ${what} on ${path}: ${msg}`, path, undefined, { cause: e });
}

/** Turns the OS's open errors into what a user can act on. */
export function diagnoseOpenError(path: string, e: unknown): ProvisionError {
  const msg = e instanceof Error ? e.message : String(e);
  if (/Cannot lock port|Resource temporarily unavailable|EBUSY|Resource busy|Access denied.*in use/i.test(msg)) {
    return new ProvisionError('port-busy', `${path} is held by another program.`, path, 'Close other serial monitors (idf.py monitor, screen, minicom, another VS Code window) and try again.', { cause: e });
  }
  if (/Permission denied|EACCES/i.test(msg)) {
    return new ProvisionError('port-busy', `No permission to open ${path}.`, path, 'On Linux, add yourself to the dialout group (sudo usermod -aG dialout $USER) and log in again.', { cause: e });
  }
  if (/No such file|ENOENT|File not found|cannot find|does not exist/i.test(msg)) {
    return new ProvisionError('port-missing', `${path} does not exist (any more).`, path, 'The board may have been unplugged or re-enumerated under another name: ESP-NOW: Refresh Boards.', { cause: e });
  }
  return new ProvisionError('port-io', `Could not open ${path}: ${msg}`, path, undefined, { cause: e });
}
