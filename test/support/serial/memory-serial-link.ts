import { Emitter } from '../../../extension/src/core/common/emitter';
import type { ModemSignals, SerialLink } from '../../../extension/src/core/serial/serial-link';

/**
 * An in-memory SerialLink for tests: records what is written and which signals are set, lets the test
 * push received bytes, hold writes (to see backpressure) and drop the link (a vanished device).
 */
export class MemorySerialLink implements SerialLink {
  readonly path = 'mem://test';
  readonly written: Uint8Array[] = [];
  readonly signals: ModemSignals[] = [];
  baudRate = 0;
  isOpen = false;
  opens = 0;
  /** While set, write() does not resolve until `releaseWrites()`. */
  holdWrites = false;
  private held: Array<() => void> = [];
  private readonly dataEmitter = new Emitter<Uint8Array>();
  private readonly closeEmitter = new Emitter<Error | undefined>();
  readonly onData = this.dataEmitter.event;
  readonly onClose = this.closeEmitter.event;

  async open(baudRate: number): Promise<void> {
    this.isOpen = true;
    this.baudRate = baudRate;
    this.opens++;
  }

  write(data: Uint8Array): Promise<void> {
    if (!this.isOpen) return Promise.reject(new Error('not open'));
    this.written.push(data.slice());
    if (!this.holdWrites) return Promise.resolve();
    return new Promise((resolve) => this.held.push(resolve));
  }

  releaseWrites(): void {
    for (const r of this.held.splice(0)) r();
  }

  async setBaudRate(baudRate: number): Promise<void> {
    this.baudRate = baudRate;
  }

  async setSignals(signals: ModemSignals): Promise<void> {
    this.signals.push(signals);
  }

  async flush(): Promise<void> {}

  async close(): Promise<void> {
    if (!this.isOpen) return;
    this.isOpen = false;
    this.closeEmitter.fire(undefined);
  }

  /** Bytes arriving from the device. */
  receive(data: Uint8Array): void {
    this.dataEmitter.fire(data);
  }

  /** The device vanishes (unplug, peer gone). */
  lose(error = new Error('peer closed')): void {
    this.isOpen = false;
    this.closeEmitter.fire(error);
  }

  dispose(): void {
    this.isOpen = false;
    this.dataEmitter.dispose();
    this.closeEmitter.dispose();
  }
}
