import type { ChipContext, ChipProgram } from '../chip/chip-program';
import { chipSpecOf, type ChipSpec } from './chips';
import * as basic from './commands-basic';
import * as flash from './commands-flash';
import * as mem from './commands-mem';
import * as stubOnly from './commands-stub';
import type { FlashOperation } from './flash-operation';
import type { Handler, LoaderCore, MemOperation, RamSegment, Reply } from './loader-core';
import { buildResponse, Op, parseRequest, type LoaderError, type LoaderMode, type Request } from './protocol';
import { RegisterFile } from './register-file';
import { SlipDecoder, slipEncode } from '../../core/serial/slip';

/** The baud rate every emulated ROM starts its UART at (40 MHz crystal). */
export const ROM_BAUD = 115200;

const COMMON: ReadonlyArray<readonly [number, Handler]> = [
  [Op.SYNC, basic.sync],
  [Op.READ_REG, basic.readReg],
  [Op.WRITE_REG, basic.writeReg],
  [Op.SPI_ATTACH, basic.spiAttach],
  [Op.SPI_SET_PARAMS, basic.spiSetParams],
  [Op.CHANGE_BAUDRATE, basic.changeBaudrate],
  [Op.GET_SECURITY_INFO, basic.getSecurityInfo],
  [Op.MEM_BEGIN, mem.memBegin],
  [Op.MEM_DATA, mem.memData],
  [Op.MEM_END, mem.memEnd],
  [Op.FLASH_BEGIN, flash.flashBegin],
  [Op.FLASH_DATA, flash.flashData],
  [Op.FLASH_END, flash.flashEnd],
  [Op.FLASH_DEFL_BEGIN, flash.flashDeflBegin],
  [Op.FLASH_DEFL_DATA, flash.flashDeflData],
  [Op.FLASH_DEFL_END, flash.flashDeflEnd],
  [Op.SPI_FLASH_MD5, flash.spiFlashMd5],
];

const ROM_HANDLERS = new Map<number, Handler>([...COMMON, [Op.READ_FLASH_SLOW, flash.readFlashSlow]]);
const STUB_HANDLERS = new Map<number, Handler>([
  ...COMMON,
  [Op.ERASE_FLASH, stubOnly.eraseFlash],
  [Op.ERASE_REGION, stubOnly.eraseRegion],
  [Op.READ_FLASH, stubOnly.readFlash],
  // esp-flasher-stub 1.x neither answers nor acts on RUN_USER_CODE (a TODO in its source).
  [Op.RUN_USER_CODE, () => ({ noResponse: true })],
]);

/** Options for {@link createBootloader}. */
export interface BootloaderOptions {
  /** Print the ROM's reset banner on start (default true); a board that prints it itself turns it off. */
  readonly banner?: boolean;
}

/**
 * The ROM serial loader of the chip in `ctx`, entered on a reset with IO0 held low, and the flasher stub
 * it turns into once esptool uploads and starts one. Requests are handled strictly one after another,
 * like the single-threaded loaders do, so deferred work (the stub writing a block while the next one
 * arrives) is finished before the next request is looked at.
 */
export function createBootloader(ctx: ChipContext, options: BootloaderOptions = {}): ChipProgram {
  return new Bootloader(ctx, chipSpecOf(ctx.chip), options);
}

class Bootloader implements ChipProgram, LoaderCore {
  readonly regs: RegisterFile;
  mode: LoaderMode = 'rom';
  baud = ROM_BAUD;
  lastValue = 0;
  flashOp: FlashOperation | undefined;
  memOp: MemOperation | undefined;
  readonly ram: RamSegment[] = [];
  private readonly decoder = new SlipDecoder((f) => this.enqueue(f));
  private readonly frames: Uint8Array[] = [];
  private waiter: ((f: Uint8Array | undefined) => void) | undefined;
  /** Stub: an error from the previous command's deferred work, answered instead of the next command. */
  private pendingError: LoaderError | undefined;
  private halted = false;
  private disposed = false;

  constructor(
    readonly ctx: ChipContext,
    readonly spec: ChipSpec,
    options: BootloaderOptions,
  ) {
    // No setUartBaud here: the ROM autobauds, and the board lets its UART follow the host until the
    // first SYNC (ctx.lockAutobaud).
    this.regs = new RegisterFile(spec, ctx.mac, ctx.flash.size, () => this.baud);
    if (options.banner !== false) this.transmit(new TextEncoder().encode(spec.downloadBanner));
    void this.run();
  }

  receive(data: Uint8Array): void {
    if (this.disposed || this.halted) return;
    this.decoder.push(data);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.flashOp?.dispose();
    this.flashOp = undefined;
    this.frames.length = 0;
    this.waiter?.(undefined);
    this.waiter = undefined;
  }

  sendResponse(op: number, value: number, data: Uint8Array, error?: LoaderError): void {
    this.sendFrame(buildResponse(this.mode, op, value, data, error));
  }

  sendFrame(payload: Uint8Array): void {
    this.transmit(slipEncode(payload));
  }

  nextFrame(): Promise<Uint8Array | undefined> {
    if (this.disposed) return Promise.resolve(undefined);
    const f = this.frames.shift();
    if (f) return Promise.resolve(f);
    return new Promise((resolve) => (this.waiter = resolve));
  }

  setBaud(baud: number): void {
    this.baud = baud;
    this.decoder.reset();
    this.ctx.setUartBaud(baud);
  }

  startStub(): void {
    this.mode = 'stub';
    this.lastValue = 0;
    this.flashOp?.dispose();
    this.flashOp = undefined;
    this.memOp = undefined;
    this.ctx.log(`${this.spec.name}: flasher stub running`);
    if (this.ctx.faults.stubResetsBaud && this.baud !== ROM_BAUD) {
      this.ctx.log(`${this.spec.name}: the stub set its UART back to ${ROM_BAUD} baud`);
      this.setBaud(ROM_BAUD);
    }
    this.sendFrame(new TextEncoder().encode('OHAI'));
  }

  halt(reason: string): void {
    this.halted = true;
    this.ctx.log(`${this.spec.name}: ${reason}; the chip stops answering until reset`);
  }

  private transmit(bytes: Uint8Array): void {
    // A silenced bootloader still reads and acts (its flash changes), it just never answers.
    if (this.disposed || this.ctx.faults.silentBootloader) return;
    this.ctx.transmit(bytes);
  }

  private enqueue(frame: Uint8Array): void {
    const w = this.waiter;
    if (w) {
      this.waiter = undefined;
      w(frame);
    } else {
      this.frames.push(frame);
    }
  }

  private async run(): Promise<void> {
    for (;;) {
      const frame = await this.nextFrame();
      if (frame === undefined || this.disposed) return;
      try {
        await this.handle(frame);
      } catch (e) {
        this.ctx.log(`${this.spec.name} loader: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
      }
    }
  }

  private async handle(frame: Uint8Array): Promise<void> {
    const req = parseRequest(frame);
    if (!req) {
      // esp-flasher-stub answers a packet whose direction byte is not "request" with INVALID_COMMAND;
      // the ROM ignores what it cannot parse.
      if (this.mode === 'stub' && frame.length >= 8) this.sendResponse(frame[1], 0, new Uint8Array(0), 'invalid-command');
      return;
    }
    if (req.size !== req.data.length) {
      this.sendResponse(req.op, this.mode === 'rom' ? this.lastValue : 0, new Uint8Array(0), 'bad-length');
      return;
    }
    if (this.mode === 'stub' && this.pendingError) {
      const e = this.pendingError;
      this.pendingError = undefined;
      this.sendResponse(req.op, 0, new Uint8Array(0), e);
      return;
    }
    const handler = (this.mode === 'rom' ? ROM_HANDLERS : STUB_HANDLERS).get(req.op);
    const reply: Reply = handler ? await handler(this, req) : { error: 'invalid-command' };
    if (this.disposed) return;
    if (this.mode === 'rom' && reply.error === 'invalid-command') {
      this.answerUnsupported(req);
      return;
    }
    if (!reply.noResponse) {
      const value = reply.value ?? (this.mode === 'rom' ? this.lastValue : 0);
      this.sendResponse(req.op, value, reply.data ?? new Uint8Array(0), reply.error);
    }
    if (reply.after && !reply.error) {
      const e = await reply.after();
      if (e && this.mode === 'stub' && !this.disposed) this.pendingError = e;
      else if (e) this.ctx.log(`${this.spec.name}: ${e} after 0x${req.op.toString(16)}`);
    }
  }

  /**
   * The ROM's answer to a command it does not implement: eight copies of a response whose status is
   * "failed / invalid message" (0x01 0x05). esptool and esptool-js recognise it because the command
   * byte does not match the request, and then drain the repeats. Which command byte the ROM puts there
   * is not documented; the lab uses 0x00.
   */
  private answerUnsupported(req: Request): void {
    this.ctx.log(`${this.spec.name} ROM: unsupported command 0x${req.op.toString(16)}`);
    for (let i = 0; i < 8; i++) this.sendResponse(0x00, this.lastValue, new Uint8Array(0), 'invalid-command');
  }
}
