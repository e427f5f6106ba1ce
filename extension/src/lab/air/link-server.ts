import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { Disposable } from '../../core/common/disposable';
import { LineSplitter } from '../../core/monitor/line-splitter';
import type { AccessPoint } from './access-point';
import type { Air, Radio } from './air';
import { labLine, parseProgramLine, type ProgramLine } from './link-protocol';
import { WifiStation, type WifiTimings } from './wifi-station';

/** What the link server connects programs to. */
export interface LinkServerOptions {
  readonly air: Air;
  /** Read at every join, so the lab may add or remove access points while running. */
  readonly accessPoints: () => Iterable<AccessPoint>;
  /** Lab diagnostics. Never receives a password. */
  readonly log?: (message: string) => void;
  readonly wifiTimings?: WifiTimings;
  /** Default 0: the OS picks a free port. */
  readonly port?: number;
}

/**
 * The lab's end of the lab link (docs/LAB-LINK.md): one TCP server on 127.0.0.1 that every booted
 * firmware's host program connects to. A connection becomes a radio in the air after `HELLO <mac>`;
 * closing it detaches the radio, exactly as powering off a board silences it.
 */
export class LinkServer implements Disposable {
  private readonly server: Server;
  private readonly connections = new Set<LinkConnection>();
  /** Unknown line kinds already logged once; logging every beacon-rate repeat would flood the log. */
  private readonly loggedUnknown = new Set<string>();
  private listening: Promise<number> | undefined;
  private disposed = false;

  constructor(private readonly options: LinkServerOptions) {
    this.server = createServer((socket) => this.accept(socket));
  }

  /** Starts listening (once) and resolves to the port. */
  listen(): Promise<number> {
    this.listening ??= new Promise<number>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port ?? 0, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve((this.server.address() as AddressInfo).port);
      });
    });
    return this.listening;
  }

  /** The port, once {@link listen} resolved. */
  get port(): number {
    const a = this.server.address();
    if (!a || typeof a === 'string') throw new Error('link server is not listening');
    return a.port;
  }

  /** MACs of the programs connected right now (after their HELLO). */
  get connectedMacs(): string[] {
    return [...this.connections].flatMap((c) => (c.mac ? [c.mac] : []));
  }

  private accept(socket: Socket): void {
    if (this.disposed) {
      socket.destroy();
      return;
    }
    const conn = new LinkConnection(socket, this.options, this.loggedUnknown);
    this.connections.add(conn);
    socket.once('close', () => {
      conn.dispose();
      this.connections.delete(conn);
    });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const c of this.connections) c.close();
    this.connections.clear();
    this.server.close();
  }
}

/** One program's connection: its radio and its Wi-Fi station. */
class LinkConnection implements Disposable {
  mac: string | undefined;
  private radio: Radio | undefined;
  private station: WifiStation | undefined;
  private readonly splitter = new LineSplitter({ maxLineLength: 2048 });
  private readonly log: (m: string) => void;

  constructor(
    private readonly socket: Socket,
    private readonly options: LinkServerOptions,
    private readonly loggedUnknown: Set<string>,
  ) {
    this.log = options.log ?? (() => undefined);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      for (const piece of this.splitter.push(chunk)) {
        if (piece.continued || piece.terminator === 'none') {
          this.log(`link ${this.who()}: line too long, dropped`);
          continue;
        }
        this.handle(piece.text);
      }
    });
    // A program killed mid-write resets the socket; 'close' follows and cleans up.
    socket.on('error', (e) => this.log(`link ${this.who()}: ${e.message}`));
  }

  private who(): string {
    return this.mac ?? 'unidentified';
  }

  private handle(text: string): void {
    if (text === '') return;
    const parsed = parseProgramLine(text);
    if (!parsed.ok) {
      if (parsed.problem === 'malformed') this.log(`link ${this.who()}: malformed ${parsed.kind} line dropped (${parsed.detail})`);
      else if (!this.loggedUnknown.has(parsed.kind)) {
        this.loggedUnknown.add(parsed.kind);
        this.log(`link ${this.who()}: ignoring unknown line kind ${JSON.stringify(parsed.kind.slice(0, 32))}`);
      }
      return;
    }
    this.dispatch(parsed.line);
  }

  private dispatch(line: ProgramLine): void {
    if (line.kind === 'HELLO') {
      this.hello(line.mac);
      return;
    }
    if (!this.radio || !this.station || !this.mac) {
      this.log(`link: ${line.kind} before HELLO dropped`);
      return;
    }
    switch (line.kind) {
      case 'CHANNEL':
        this.radio.setChannel(line.channel);
        break;
      case 'TX': {
        const dest = line.dest;
        this.radio.send(dest, line.data, (ok) => this.write(labLine.txDone(dest, ok)));
        break;
      }
      case 'WIFI_CONNECT':
        this.log(`link ${this.mac}: WIFI_CONNECT ssid=${JSON.stringify(Buffer.from(line.ssid).toString('utf8'))}`);
        this.station.connect(line.ssid, line.password);
        break;
      case 'WIFI_DISCONNECT':
        this.station.disconnect();
        break;
    }
  }

  private hello(mac: string): void {
    if (this.mac) {
      this.log(`link ${this.mac}: second HELLO (${mac}) dropped`);
      return;
    }
    this.mac = mac;
    const { air } = this.options;
    this.radio = air.attach(mac, (f) => this.write(labLine.rx(f.from, f.rssi, f.channel, f.data)));
    const radio = this.radio;
    this.station = new WifiStation(
      mac,
      air,
      this.options.accessPoints,
      {
        connected: (bssid, channel) => {
          // Associating retunes the one radio: ESP-NOW now hears and sends on the AP's channel.
          radio.setChannel(channel);
          this.write(labLine.wifiConnected(bssid, channel));
        },
        gotIp: (lease) => this.write(labLine.gotIp(lease)),
        disconnected: (reason) => this.write(labLine.wifiDisconnected(reason)),
      },
      this.options.wifiTimings,
    );
    this.log(`link ${mac}: attached`);
  }

  private write(line: string): void {
    if (!this.socket.destroyed && this.socket.writable) this.socket.write(line);
  }

  /** Server shutdown: drop the program's connection now (it sees EOF, as on a powered-off lab). */
  close(): void {
    this.dispose();
    this.socket.destroy();
  }

  dispose(): void {
    this.station?.dispose();
    this.radio?.dispose();
    this.station = undefined;
    this.radio = undefined;
  }
}
