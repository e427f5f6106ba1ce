import { Emitter } from '../../extension/src/core/common/emitter';
import { ProvisionError } from '../../extension/src/core/common/errors';
import type { ModemSignals, SerialLink } from '../../extension/src/core/serial/serial-link';

/** A port that tests plug, unplug and talk through; `present` false makes open fail as an unplugged board. */
export class FakePort {
  present = true;
  /** When set, open() waits for it: a slow USB open or a TCP connect in flight. */
  openGate: Promise<void> | undefined;
  links: FakeSerialLink[] = [];
  written: number[] = [];
  signals: ModemSignals[] = [];

  open(path: string): FakeSerialLink {
    const l = new FakeSerialLink(path, this);
    this.links.push(l);
    return l;
  }

  get current(): FakeSerialLink | undefined {
    return this.links.filter((l) => l.isOpen).at(-1);
  }

  /** The board prints. */
  emit(text: string): void {
    this.current?.receive(new TextEncoder().encode(text));
  }

  unplug(): void {
    this.present = false;
    this.current?.drop();
  }
}

export class FakeSerialLink implements SerialLink {
  private readonly data = new Emitter<Uint8Array>();
  private readonly closed = new Emitter<Error | undefined>();
  readonly onData = this.data.event;
  readonly onClose = this.closed.event;
  isOpen = false;
  baudRate = 0;

  constructor(
    readonly path: string,
    private readonly port: FakePort,
  ) {}

  async open(baudRate: number): Promise<void> {
    if (this.port.openGate) await this.port.openGate;
    if (!this.port.present) throw new ProvisionError('port-missing', `${this.path} does not exist.`, this.path);
    this.isOpen = true;
    this.baudRate = baudRate;
  }
  async write(data: Uint8Array): Promise<void> {
    this.port.written.push(...data);
  }
  async setBaudRate(b: number): Promise<void> {
    this.baudRate = b;
  }
  async setSignals(s: ModemSignals): Promise<void> {
    this.port.signals.push(s);
  }
  async flush(): Promise<void> {}
  async close(): Promise<void> {
    if (!this.isOpen) return;
    this.isOpen = false;
    this.closed.fire(undefined);
  }
  receive(d: Uint8Array): void {
    this.data.fire(d);
  }
  drop(): void {
    this.isOpen = false;
    this.closed.fire(new ProvisionError('port-missing', `${this.path} went away.`, this.path));
  }
  dispose(): void {
    void this.close();
    this.data.dispose();
  }
}
