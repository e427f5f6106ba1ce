import type { ChipContext } from '../chip/chip-program';
import type { ChipSpec } from './chips';
import type { FlashOperation } from './flash-operation';
import type { LoaderError, LoaderMode, Request } from './protocol';
import type { RegisterFile } from './register-file';

/** What a command handler answers. */
export interface Reply {
  /** The response's 32-bit "value" field (READ_REG's result). */
  readonly value?: number;
  /** Response data before the status bytes. */
  readonly data?: Uint8Array;
  readonly error?: LoaderError;
  /**
   * Work done after the response is on the wire: the stub acknowledges a block and writes it while the
   * next one arrives, a baud change takes effect after its acknowledgement, MEM_END jumps after
   * answering. In stub mode an error returned here is reported in the response to the next command, as
   * esp-flasher-stub's `accumulated_result` does.
   */
  readonly after?: () => LoaderError | void | Promise<LoaderError | void>;
  /** The handler sent its own responses (SYNC's eight) or the command has none (RUN_USER_CODE). */
  readonly noResponse?: boolean;
}

/** A RAM download in progress (MEM_BEGIN .. MEM_END). */
export interface MemOperation {
  readonly start: number;
  readonly size: number;
  readonly blocks: number;
  readonly blockSize: number;
  offset: number;
  nextSeq: number;
}

/** A segment the host loaded into RAM: the stub's text and data. */
export interface RamSegment {
  readonly address: number;
  readonly data: Uint8Array;
}

/** The loader state command handlers work on; one per boot into download mode. */
export interface LoaderCore {
  readonly ctx: ChipContext;
  readonly spec: ChipSpec;
  readonly regs: RegisterFile;
  readonly mode: LoaderMode;
  /** The UART baud the chip runs at. */
  readonly baud: number;
  /** The ROM's response "value" field keeps the last READ_REG result (seen in esptool traces). */
  lastValue: number;
  flashOp: FlashOperation | undefined;
  memOp: MemOperation | undefined;
  readonly ram: RamSegment[];
  /** Sends one response packet now (SYNC's extra answers, the ROM's repeated "invalid" answer). */
  sendResponse(op: number, value: number, data: Uint8Array, error?: LoaderError): void;
  /** Sends a raw SLIP frame (READ_FLASH data packets, its MD5, "OHAI"). */
  sendFrame(payload: Uint8Array): void;
  /** The next frame from the host (READ_FLASH acknowledgements); undefined once the chip is reset. */
  nextFrame(): Promise<Uint8Array | undefined>;
  /** Reprograms the UART divisor. */
  setBaud(baud: number): void;
  /** The uploaded flasher stub starts: from now on the stub answers. */
  startStub(): void;
  /** The chip jumped to code the lab cannot run: it stops answering. */
  halt(reason: string): void;
}

/** Handles one request. */
export type Handler = (core: LoaderCore, req: Request) => Reply | Promise<Reply>;

/** Shorthand for a failed reply. */
export function fail(error: LoaderError): Reply {
  return { error };
}

/** Shorthand for a successful reply without data. */
export const OK: Reply = {};
