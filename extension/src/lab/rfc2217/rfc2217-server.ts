import * as net from 'node:net';
import type { Disposable } from '../../core/common/disposable';
import { Emitter } from '../../core/common/emitter';
import { peerOwnerCheck, type PeerOwnerCheck } from '../peer-owner';
import type { ComPortModel } from './com-port';
import { Rfc2217Session } from './rfc2217-session';

export interface Rfc2217ServerOptions {
  /** TCP port on 127.0.0.1; 0 or undefined lets the OS choose. */
  port?: number;
  log?: (message: string) => void;
  /** Who may connect; default: only the user this process runs as (see peer-owner.ts). */
  peerCheck?: PeerOwnerCheck;
}

/**
 * One virtual board's serial port over TCP/RFC2217, on 127.0.0.1 only. Like a real serial port it has one
 * user at a time: a second connection is closed at once (the client reports the port as busy). The flash
 * behind it holds Wi-Fi credentials and pair keys, so a connection from another local user is closed
 * before a byte is exchanged (where the system can tell: see peer-owner.ts).
 */
export class Rfc2217Server implements Disposable {
  private readonly connectEmitter = new Emitter<void>();
  private readonly disconnectEmitter = new Emitter<void>();
  private session: Rfc2217Session | undefined;
  private socket: net.Socket | undefined;
  private readonly sockets = new Set<net.Socket>();
  private disposed = false;
  private warnedUnchecked = false;

  /** A host opened the port. */
  readonly onDidConnect = this.connectEmitter.event;
  /** The host closed the port or the connection was dropped. */
  readonly onDidDisconnect = this.disconnectEmitter.event;

  private constructor(
    private readonly server: net.Server,
    private readonly model: ComPortModel,
    private readonly log: (message: string) => void,
    private readonly peerCheck: PeerOwnerCheck,
  ) {
    server.on('connection', (socket) => this.accept(socket));
  }

  /** Starts listening; resolves once the port is known. */
  static async listen(model: ComPortModel, options: Rfc2217ServerOptions = {}): Promise<Rfc2217Server> {
    const server = net.createServer({ noDelay: true });
    const log = options.log ?? (() => undefined);
    const s = new Rfc2217Server(server, model, log, options.peerCheck ?? peerOwnerCheck());
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: '127.0.0.1', port: options.port ?? 0, exclusive: true }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (e) => log(`RFC2217 server error: ${e.message}`));
    return s;
  }

  get port(): number {
    const a = this.server.address();
    return typeof a === 'object' && a ? a.port : 0;
  }

  get url(): string {
    return `rfc2217://127.0.0.1:${this.port}`;
  }

  get isConnected(): boolean {
    return this.socket !== undefined;
  }

  /** Board output to the connected host; dropped when nobody is connected, as on an unopened port. */
  sendData(data: Uint8Array): void {
    this.session?.sendData(data);
  }

  /** Drops the current host connection (fault injection, board removal). */
  dropConnection(): void {
    this.socket?.destroy();
  }

  /** Discards output held back for a host that suspended the flow. */
  purgeHeld(): void {
    this.session?.purgeHeld();
  }

  private accept(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', (e) => this.log(`RFC2217 connection error: ${e.message}`));
    if (this.socket || this.disposed) {
      socket.destroy();
      return;
    }
    // No 'data' listener until the peer is known: what it sends waits in the socket.
    void this.peerCheck(socket).then(
      (verdict) => {
        if (verdict.kind === 'owner' || verdict.kind === 'unchecked') {
          if (verdict.kind === 'unchecked' && !this.warnedUnchecked) {
            this.warnedUnchecked = true;
            this.log(`RFC2217 port ${this.port}: this system cannot tell which user connects; serving every local connection`);
          }
          this.open(socket);
          return;
        }
        const who = verdict.kind === 'other' ? `uid ${verdict.uid}` : 'an unknown user';
        this.log(`RFC2217 port ${this.port}: refused a connection from ${who} (the lab serves only uid ${process.getuid?.() ?? '?'})`);
        socket.destroy();
      },
      (e: unknown) => {
        this.log(`RFC2217 port ${this.port}: refused a connection, its user could not be checked: ${e instanceof Error ? e.message : String(e)}`);
        socket.destroy();
      },
    );
  }

  private open(socket: net.Socket): void {
    if (this.socket || this.disposed || socket.destroyed) {
      socket.destroy();
      return;
    }
    socket.setNoDelay(true);
    this.socket = socket;
    const session = new Rfc2217Session(this.model, (bytes) => socket.write(bytes), this.log);
    this.session = session;
    socket.on('data', (chunk: Buffer) => session.receive(chunk));
    socket.on('close', () => {
      session.dispose();
      if (this.socket !== socket) return;
      this.socket = undefined;
      this.session = undefined;
      this.disconnectEmitter.fire();
    });
    session.start();
    this.connectEmitter.fire();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.session?.dispose();
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    this.server.close();
    this.connectEmitter.dispose();
    this.disconnectEmitter.dispose();
  }
}
