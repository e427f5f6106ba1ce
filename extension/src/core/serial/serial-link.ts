import type { Disposable } from '../common/disposable';
import type { Event } from '../common/emitter';

/** Modem control lines as a host drives them. `dtr`/`rts` true = asserted (line pulled low at the UART). */
export interface ModemSignals {
  dtr?: boolean;
  rts?: boolean;
  brk?: boolean;
}

/**
 * One serial connection to one board, whatever carries it: a local USB port (node serialport) or a TCP
 * connection speaking RFC2217 (remote boards and the virtual lab). Everything above the transport (the
 * esptool-js adapter, the monitor) depends only on this interface.
 */
export interface SerialLink extends Disposable {
  /** `/dev/ttyUSB0`, `COM3` or `rfc2217://host:port`. */
  readonly path: string;
  readonly isOpen: boolean;
  readonly baudRate: number;
  /** Bytes as they arrive. Listeners must not assume any chunking. */
  readonly onData: Event<Uint8Array>;
  /** Fires once when the link closes, with the error if it was not closed by us (unplug, peer gone). */
  readonly onClose: Event<Error | undefined>;
  open(baudRate: number): Promise<void>;
  write(data: Uint8Array): Promise<void>;
  setBaudRate(baudRate: number): Promise<void>;
  setSignals(signals: ModemSignals): Promise<void>;
  /** Discards bytes buffered in both directions (RFC2217 PURGE-DATA on remote links). */
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** Opens a link for a path; the registry picks serialport or RFC2217 by the path's scheme. */
export type SerialLinkFactory = (path: string) => SerialLink;
