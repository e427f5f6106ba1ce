import * as net from 'node:net';
import { Emitter } from '../common/emitter';
import { ProvisionError } from '../common/errors';
import type { ModemSignals, SerialLink } from './serial-link';
import { parseRfc2217Url, type Rfc2217Address } from './rfc2217-url';
import { escapeIac, encodeComPort, encodeNegotiation, readU32be, TelnetDecoder, u32be } from './telnet-codec';
import { ComPort, Control, PARITY_NONE, Purge, SERVER_OFFSET, STOPSIZE_ONE, TelnetOption } from './telnet-codes';
import { TelnetOptions } from './telnet-options';

const OPTIONS = new Set<number>([TelnetOption.BINARY, TelnetOption.SGA, TelnetOption.COM_PORT]);

interface PendingReply {
  readonly subCommand: number;
  readonly resolve: (value: Uint8Array) => void;
  readonly reject: (e: Error) => void;
  readonly timer: NodeJS.Timeout;
}

/**
 * A serial link to `rfc2217://host:port`: a remote board behind esptool's esp_rfc2217_server, ser2net, or a
 * virtual board of the lab. DTR/RTS changes are sent in order without waiting for the server's answer:
 * esptool's server does not answer them at all (pyserial needs `?ign_set_control` there), and the order
 * on the TCP stream is what the reset circuit sees anyway.
 */
export class Rfc2217Client implements SerialLink {
  readonly path: string;
  private readonly address: Rfc2217Address;
  private readonly dataEmitter = new Emitter<Uint8Array>();
  private readonly closeEmitter = new Emitter<Error | undefined>();
  /** One per connection: a failed earlier socket's partial telnet sequence must not leak into the next. */
  private decoder = new TelnetDecoder();
  private socket: net.Socket | undefined;
  private options: TelnetOptions | undefined;
  private negotiated: (() => void) | undefined;
  private pending: PendingReply[] = [];
  private open_ = false;
  private closing = false;
  private baud = 0;
  /** Set when the peer closes or fails: the error onClose reports. */
  private failure: Error | undefined;

  readonly onData = this.dataEmitter.event;
  readonly onClose = this.closeEmitter.event;

  constructor(url: string) {
    this.address = parseRfc2217Url(url);
    this.path = this.address.url;
  }

  get isOpen(): boolean {
    return this.open_;
  }

  get baudRate(): number {
    return this.baud;
  }

  async open(baudRate: number): Promise<void> {
    if (this.socket) throw new ProvisionError('port-busy', `${this.path} is already open.`, this.path);
    const socket = await this.connect();
    this.socket = socket;
    this.decoder = new TelnetDecoder();
    this.closing = false;
    this.failure = undefined;
    // Events of a socket that is no longer ours (a failed earlier attempt closing late) must not touch the
    // current connection: its close would mark a retried, healthy connection closed.
    const current = (): boolean => this.socket === socket;
    socket.on('data', (chunk: Buffer) => {
      if (current()) this.onSocketData(chunk);
    });
    socket.on('error', (e) => {
      if (!current()) return;
      this.failure ??= new ProvisionError('port-io', `The connection to ${this.path} failed: ${e.message}`, this.path, undefined, { cause: e });
    });
    socket.on('close', () => {
      if (current()) this.onSocketClose();
    });
    this.options = new TelnetOptions((cmd, opt) => this.raw(encodeNegotiation(cmd, opt)), OPTIONS, OPTIONS, () => this.checkNegotiated());
    try {
      await this.negotiate();
      await this.configure(baudRate);
      this.open_ = true;
    } catch (e) {
      // The socket's own close will be ignored from here on, so settle what it would have settled now.
      if (current()) this.socket = undefined;
      this.negotiated = undefined;
      this.failNegotiation = undefined;
      this.rejectPending(new ProvisionError('cancelled', `${this.path} was closed.`, this.path));
      socket.destroy();
      throw e;
    }
  }

  async write(data: Uint8Array): Promise<void> {
    const socket = this.requireOpen();
    await new Promise<void>((resolve, reject) =>
      socket.write(escapeIac(data), (e) => (e ? reject(this.ioError(e)) : resolve())),
    );
  }

  async setBaudRate(baudRate: number): Promise<void> {
    this.requireOpen();
    if (!Number.isInteger(baudRate) || baudRate <= 0 || baudRate >= 2 ** 32) {
      throw new ProvisionError('config', `Baud rate ${baudRate} is not valid.`, this.path);
    }
    const reply = await this.request(ComPort.SET_BAUDRATE, u32be(baudRate));
    this.baud = readU32be(reply) ?? baudRate;
  }

  async setSignals(signals: ModemSignals): Promise<void> {
    this.requireOpen();
    const parts: Uint8Array[] = [];
    if (signals.dtr !== undefined) parts.push(encodeComPort(ComPort.SET_CONTROL, Uint8Array.of(signals.dtr ? Control.DTR_ON : Control.DTR_OFF)));
    if (signals.rts !== undefined) parts.push(encodeComPort(ComPort.SET_CONTROL, Uint8Array.of(signals.rts ? Control.RTS_ON : Control.RTS_OFF)));
    if (signals.brk !== undefined) parts.push(encodeComPort(ComPort.SET_CONTROL, Uint8Array.of(signals.brk ? Control.BREAK_ON : Control.BREAK_OFF)));
    // One TCP write: a WebSerial setSignals({dtr, rts}) changes both lines at once, and the server must
    // not see a long-lived intermediate state (it would be a spurious reset on the auto-reset circuit).
    await this.rawAsync(Buffer.concat(parts));
  }

  async flush(): Promise<void> {
    this.requireOpen();
    await this.request(ComPort.PURGE_DATA, Uint8Array.of(Purge.BOTH));
  }

  async close(): Promise<void> {
    const socket = this.socket;
    if (!socket) return;
    this.closing = true;
    await new Promise<void>((resolve) => {
      socket.once('close', () => resolve());
      socket.end();
      // A peer that never answers FIN must not keep the link (and the process) alive.
      const timer = setTimeout(() => socket.destroy(), 1000);
      socket.once('close', () => clearTimeout(timer));
    });
  }

  dispose(): void {
    this.closing = true;
    this.socket?.destroy();
    this.dataEmitter.dispose();
    this.closeEmitter.dispose();
  }

  private connect(): Promise<net.Socket> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: this.address.host, port: this.address.port, noDelay: true });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new ProvisionError('port-missing', `No answer from ${this.path} within ${this.address.timeoutMs / 1000} s.`, this.path, 'Check the host, the port and any firewall.'));
      }, this.address.timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve(socket);
      });
      socket.once('error', (e: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        socket.destroy();
        reject(connectError(this.path, e));
      });
    });
  }

  private negotiate(): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.negotiated = undefined;
        reject(new ProvisionError('protocol', `${this.path} accepted the connection but did not agree to RFC2217 (COM-PORT-OPTION).`, this.path, 'Is it a telnet RFC2217 server (esp_rfc2217_server, ser2net with remctl)?'));
      }, this.address.timeoutMs);
      this.negotiated = () => {
        clearTimeout(timer);
        resolve();
      };
      this.failNegotiation = (e) => {
        clearTimeout(timer);
        reject(e);
      };
      const o = this.options!;
      o.offerLocal(TelnetOption.BINARY);
      o.askRemote(TelnetOption.BINARY);
      o.offerLocal(TelnetOption.SGA);
      o.askRemote(TelnetOption.SGA);
      o.offerLocal(TelnetOption.COM_PORT);
    });
  }

  private failNegotiation: ((e: Error) => void) | undefined;

  private checkNegotiated(): void {
    if (this.negotiated && this.options?.isLocalOn(TelnetOption.COM_PORT)) {
      const done = this.negotiated;
      this.negotiated = undefined;
      this.failNegotiation = undefined;
      done();
    }
  }

  private async configure(baudRate: number): Promise<void> {
    // Sent back to back like pyserial does, then awaited together.
    const replies = [
      this.request(ComPort.SET_BAUDRATE, u32be(baudRate)),
      this.request(ComPort.SET_DATASIZE, Uint8Array.of(8)),
      this.request(ComPort.SET_PARITY, Uint8Array.of(PARITY_NONE)),
      this.request(ComPort.SET_STOPSIZE, Uint8Array.of(STOPSIZE_ONE)),
    ];
    const [baud] = await Promise.all(replies);
    this.baud = readU32be(baud) ?? baudRate;
    this.raw(encodeComPort(ComPort.SET_CONTROL, Uint8Array.of(Control.FLOW_NONE)));
  }

  /** Sends a COM-PORT request and resolves with the value of the server's +100 answer. */
  private request(subCommand: number, value: Uint8Array): Promise<Uint8Array> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending = this.pending.filter((p) => p !== entry);
        reject(new ProvisionError('timeout', `${this.path} did not answer COM-PORT-OPTION ${subCommand} within ${this.address.timeoutMs / 1000} s.`, this.path));
      }, this.address.timeoutMs);
      const entry: PendingReply = { subCommand, resolve, reject, timer };
      this.pending.push(entry);
      this.raw(encodeComPort(subCommand, value));
    });
  }

  private onSocketData(chunk: Buffer): void {
    for (const ev of this.decoder.decode(chunk)) {
      if (ev.kind === 'data') {
        // Bytes before negotiation ends (a server banner) are not serial data.
        if (this.open_) this.dataEmitter.fire(ev.data);
      } else if (ev.kind === 'negotiate') {
        this.options?.receive(ev.command, ev.option);
      } else if (ev.kind === 'subnegotiation' && ev.option === TelnetOption.COM_PORT && ev.payload.length > 0) {
        const code = ev.payload[0] - SERVER_OFFSET;
        const i = this.pending.findIndex((p) => p.subCommand === code);
        if (i >= 0) {
          const [p] = this.pending.splice(i, 1);
          clearTimeout(p.timer);
          p.resolve(ev.payload.subarray(1));
        }
        // NOTIFY-MODEMSTATE / LINESTATE and unasked answers (SET-CONTROL) carry nothing a board link uses.
      }
    }
  }

  private onSocketClose(): void {
    const wasOpen = this.open_;
    this.open_ = false;
    this.socket = undefined;
    const error = this.closing
      ? undefined
      : (this.failure ?? new ProvisionError('port-io', `${this.path} closed the connection.`, this.path, 'The server stopped or the board was removed; open it again.'));
    this.rejectPending(error ?? new ProvisionError('cancelled', `${this.path} was closed.`, this.path));
    if (this.failNegotiation) {
      // Closed before agreeing to anything: a server that serves one client at a time does exactly this.
      this.failNegotiation(new ProvisionError('port-busy', `${this.path} closed the connection before RFC2217 negotiation finished.`, this.path, 'Another program may be connected to this port.'));
      this.failNegotiation = undefined;
      this.negotiated = undefined;
    }
    if (wasOpen || this.closing) this.closeEmitter.fire(error);
  }

  private rejectPending(error: Error): void {
    const pending = this.pending;
    this.pending = [];
    for (const p of pending) {
      clearTimeout(p.timer);
      p.reject(error);
    }
  }

  private requireOpen(): net.Socket {
    if (!this.socket || !this.open_) throw new ProvisionError('port-io', `${this.path} is not open.`, this.path);
    return this.socket;
  }

  private raw(bytes: Uint8Array): void {
    this.socket?.write(bytes);
  }

  private rawAsync(bytes: Uint8Array): Promise<void> {
    const socket = this.requireOpen();
    return new Promise((resolve, reject) => socket.write(bytes, (e) => (e ? reject(this.ioError(e)) : resolve())));
  }

  private ioError(e: Error): ProvisionError {
    return new ProvisionError('port-io', `Writing to ${this.path} failed: ${e.message}`, this.path, undefined, { cause: e });
  }
}

function connectError(url: string, e: NodeJS.ErrnoException): ProvisionError {
  switch (e.code) {
    case 'ECONNREFUSED':
      return new ProvisionError('port-missing', `Nothing is listening at ${url} (connection refused).`, url, 'Start the RFC2217 server (or the virtual lab) or check the port number.', { cause: e });
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new ProvisionError('port-missing', `The host of ${url} was not found.`, url, 'Check the host name.', { cause: e });
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'ETIMEDOUT':
      return new ProvisionError('port-missing', `${url} is unreachable (${e.code}).`, url, 'Check the network and any firewall.', { cause: e });
    default:
      return new ProvisionError('port-io', `Connecting to ${url} failed: ${e.message}`, url, undefined, { cause: e });
  }
}
