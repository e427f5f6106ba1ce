import { ByteLengthQueuingStrategy, ReadableStream, WritableStream, type ReadableStreamDefaultController } from 'node:stream/web';
import type { Disposable } from '../common/disposable';
import type { SerialLink } from './serial-link';

/** `SerialPort.getInfo()` of the Web Serial API. */
export interface WebSerialInfo {
  usbVendorId?: number;
  usbProductId?: number;
}

/** `SerialOptions` of the Web Serial API; only the baud rate matters to a SerialLink. */
export interface WebSerialOpenOptions {
  baudRate: number;
  dataBits?: number;
  stopBits?: number;
  parity?: string;
  bufferSize?: number;
  flowControl?: string;
}

/** `SerialOutputSignals` of the Web Serial API. */
export interface WebSerialSignals {
  dataTerminalReady?: boolean;
  requestToSend?: boolean;
  break?: boolean;
}

/**
 * Bytes held for a slow reader before the readable stream fails with BufferOverrunError. A SerialLink
 * cannot be paused (a UART has no flow control here), so this is a bound, not backpressure; it is far
 * above Web Serial's 255-byte default because a flash readback arrives in 4 KB bursts.
 */
const DEFAULT_BUFFER = 1 << 20;

function namedError(name: string, message: string): Error {
  const e = new Error(message);
  e.name = name;
  return e;
}

/**
 * Presents a {@link SerialLink} as a Web Serial `SerialPort`, the device esptool-js's `Transport` talks
 * to. Follows the Web Serial contract where esptool-js depends on it:
 * - `readable`/`writable` are null until `open()` and after `close()`; after a stream is cancelled,
 *   closed or fails, the next access returns a fresh one (esptool-js re-reads `port.readable` in a loop).
 * - writes resolve when the link has taken the bytes, so a writer's `ready` is real backpressure.
 * - `close()` rejects while a stream is locked; esptool-js cancels its reader first.
 * - the peer going away errors the readable with a NetworkError ("The device has been lost.").
 * A link that was already open when `open()` was called is borrowed: `close()` leaves it open.
 */
export class WebSerialAdapter implements Disposable {
  private state: 'closed' | 'opening' | 'open' | 'lost' = 'closed';
  private ownsLink = false;
  private bufferSize = DEFAULT_BUFFER;
  private readStream: ReadableStream<Uint8Array> | undefined;
  private readController: ReadableStreamDefaultController<Uint8Array> | undefined;
  private writeStream: WritableStream<Uint8Array> | undefined;
  private subscriptions: Disposable[] = [];

  constructor(
    private readonly link: SerialLink,
    private readonly info: WebSerialInfo = {},
  ) {}

  get readable(): ReadableStream<Uint8Array> | null {
    if (this.state !== 'open') return null;
    this.readStream ??= this.createReadable();
    return this.readStream;
  }

  get writable(): WritableStream<Uint8Array> | null {
    if (this.state !== 'open') return null;
    this.writeStream ??= this.createWritable();
    return this.writeStream;
  }

  getInfo(): WebSerialInfo {
    return { ...this.info };
  }

  async open(options: WebSerialOpenOptions): Promise<void> {
    if (this.state !== 'closed') throw namedError('InvalidStateError', `${this.link.path} is already open.`);
    if (!Number.isInteger(options.baudRate) || options.baudRate <= 0) throw new TypeError(`Invalid baud rate ${options.baudRate}.`);
    this.state = 'opening';
    this.bufferSize = options.bufferSize && options.bufferSize > 0 ? Math.max(options.bufferSize, DEFAULT_BUFFER) : DEFAULT_BUFFER;
    try {
      if (this.link.isOpen) {
        this.ownsLink = false;
        await this.link.setBaudRate(options.baudRate);
      } else {
        this.ownsLink = true;
        await this.link.open(options.baudRate);
      }
    } catch (e) {
      this.state = 'closed';
      throw e;
    }
    this.subscriptions = [this.link.onData((d) => this.onData(d)), this.link.onClose((e) => this.onLinkClosed(e))];
    this.state = 'open';
  }

  /** Non-standard but used by esptool-js when present: changes the rate without reopening the port. */
  async setBaudRate(baudRate: number): Promise<void> {
    this.requireOpen();
    await this.link.setBaudRate(baudRate);
  }

  async setSignals(signals: WebSerialSignals): Promise<void> {
    this.requireOpen();
    await this.link.setSignals({ dtr: signals.dataTerminalReady, rts: signals.requestToSend, brk: signals.break });
  }

  async close(): Promise<void> {
    if (this.state === 'closed') return;
    if (this.readStream?.locked || this.writeStream?.locked) {
      throw new TypeError(`Cannot close ${this.link.path} while its readable or writable stream is locked.`);
    }
    const readStream = this.readStream;
    const writeStream = this.writeStream;
    this.detach();
    await Promise.allSettled([readStream?.cancel(), writeStream?.abort()]);
    if (this.ownsLink && this.link.isOpen) await this.link.close();
  }

  dispose(): void {
    const owned = this.ownsLink && this.state !== 'closed';
    this.readController?.error(namedError('AbortError', 'The port was disposed.'));
    this.detach();
    if (owned && this.link.isOpen) this.link.close().catch(() => undefined);
  }

  private detach(): void {
    for (const s of this.subscriptions) s.dispose();
    this.subscriptions = [];
    this.state = 'closed';
    this.readStream = undefined;
    this.readController = undefined;
    this.writeStream = undefined;
  }

  private requireOpen(): void {
    if (this.state !== 'open') throw namedError('InvalidStateError', `${this.link.path} is not open.`);
  }

  private createReadable(): ReadableStream<Uint8Array> {
    const stream: ReadableStream<Uint8Array> = new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          this.readController = controller;
        },
        cancel: () => {
          if (this.readStream === stream) {
            this.readStream = undefined;
            this.readController = undefined;
          }
        },
      },
      new ByteLengthQueuingStrategy({ highWaterMark: this.bufferSize }),
    );
    return stream;
  }

  private createWritable(): WritableStream<Uint8Array> {
    const forget = (): void => {
      if (this.writeStream === stream) this.writeStream = undefined;
    };
    const stream: WritableStream<Uint8Array> = new WritableStream<Uint8Array>(
      {
        write: async (chunk) => {
          try {
            await this.link.write(chunk);
          } catch (e) {
            forget();
            throw e;
          }
        },
        close: forget,
        abort: forget,
      },
      // One chunk in flight: the writer's promise resolves when the link accepted the bytes.
      new ByteLengthQueuingStrategy({ highWaterMark: 1 }),
    );
    return stream;
  }

  private onData(data: Uint8Array): void {
    if (this.state !== 'open') return;
    // Bytes that arrive while nobody holds the readable are kept for the next reader, as a port's
    // receive buffer keeps them.
    this.readStream ??= this.createReadable();
    const controller = this.readController;
    if (!controller) return;
    const room = controller.desiredSize ?? 0;
    if (room < data.length) {
      controller.error(namedError('BufferOverrunError', `More than ${this.bufferSize} bytes were not read from ${this.link.path}.`));
      this.readStream = undefined;
      this.readController = undefined;
      return;
    }
    controller.enqueue(data.slice());
  }

  private onLinkClosed(error: Error | undefined): void {
    if (this.state !== 'open') return;
    this.readController?.error(namedError('NetworkError', `The device has been lost. ${error?.message ?? ''}`.trim()));
    this.detach();
    // Streams are gone, but the port stays "open" until the owner calls close(), as in Web Serial.
    this.state = 'lost';
  }
}
