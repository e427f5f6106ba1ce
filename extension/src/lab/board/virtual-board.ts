import { DisposableStore, type Disposable } from '../../core/common/disposable';
import { Emitter } from '../../core/common/emitter';
import { BOOT_BAUD, type BoardFaults, type ChipContext, type ChipKind, type ChipProgram, type FlashStore } from '../chip/chip-program';
import type { ComPortModel, FrameFormat } from '../rfc2217/com-port';
import { Rfc2217Server } from '../rfc2217/rfc2217-server';
import { garble } from './baud-garble';
import { ResetCircuit, type ChipRunState, type ResetWiring } from './reset-circuit';
import { UartLine } from './uart-line';
import { WireNoise } from './wire-noise';

/** The programs a chip can run after a reset: chosen by the strapping pin GPIO0. */
export interface BoardPrograms {
  /** GPIO0 low at reset: the ROM's serial download mode. */
  bootloader(ctx: ChipContext): ChipProgram;
  /** GPIO0 high at reset: boot what is in flash. */
  bootFromFlash(ctx: ChipContext): ChipProgram;
}

export interface VirtualBoardOptions {
  /** 1-based, as shown to users ("board 1"). */
  readonly index: number;
  readonly chip: ChipKind;
  readonly mac: Uint8Array;
  /** The board owns it from now on and disposes it. */
  readonly flash: FlashStore;
  readonly programs: BoardPrograms;
  /** TCP port for the RFC2217 server; 0/undefined = chosen by the OS. */
  readonly port?: number;
  readonly wiring?: ResetWiring;
  /** Seed of the bit-error generator, so a fault run can be repeated. */
  readonly seed?: number;
  readonly log?: (message: string) => void;
}

/** What the chip is doing, for the lab's list and for tests. */
export type BoardRunState = 'reset' | 'download' | 'flash';

/**
 * USB Serial/JTAG is USB CDC: the host's line coding is ignored and bytes move at what full-speed bulk
 * transfers achieve (about 1 MB/s), so such a board is paced at this equivalent rate and never garbles.
 */
const USB_CDC_EQUIVALENT_BAUD = 10_000_000;

/** The chip resets digitally on USB Serial/JTAG; there is no RC network on EN to wait for. */
const USB_RESET_DELAY_MS = 1;

export const NO_FAULTS: Readonly<BoardFaults> = { silentBootloader: false, bitErrorRate: 0, dropAfterBytes: 0, heldInReset: false, corruptFlashWrites: false };

/**
 * A virtual dev board: a chip with a flash file, its UART wired to a USB-UART bridge that a host reaches
 * over RFC2217, and the auto-reset circuit between the bridge's modem lines and the chip's EN/GPIO0.
 * Each reset disposes the running ChipProgram and, when EN rises, starts the ROM loader or the boot from
 * flash as GPIO0 says.
 */
export class VirtualBoard implements ComPortModel, Disposable {
  readonly index: number;
  readonly chip: ChipKind;
  readonly mac: Uint8Array;
  readonly flash: FlashStore;
  /** Live object shared with the running program: setFaults changes it in place. */
  readonly faults: BoardFaults = { ...NO_FAULTS };
  readonly wiring: ResetWiring;

  private readonly store = new DisposableStore();
  private readonly stateEmitter = this.store.add(new Emitter<BoardRunState>());
  private readonly logEmitter = this.store.add(new Emitter<string>());
  private readonly circuit: ResetCircuit;
  private readonly toChip: UartLine;
  private readonly toHost: UartLine;
  private readonly noise: WireNoise;
  private server!: Rfc2217Server;
  private program: ChipProgram | undefined;
  /** Bumped at every reset, so a disposed program's late transmit() goes nowhere. */
  private generation = 0;
  private runState: BoardRunState = 'reset';
  /** 'auto' = ROM autobaud not locked yet: the UART follows the host's rate. */
  private chipBaud: number | 'auto' = BOOT_BAUD;
  private lastHostSenderBaud = BOOT_BAUD;
  private hostBytes = 0;
  /** A software reset from the loader is in progress: its last answer must still reach the host. */
  private softResetting = false;
  private line = { baud: BOOT_BAUD, dtr: false, rts: false, brk: false };
  private frameFormat: FrameFormat = { dataBits: 8, parity: 1, stopBits: 1 };

  readonly onDidChangeState = this.stateEmitter.event;
  /** Lab diagnostics from the board and its programs (not UART output). */
  readonly onDidLog = this.logEmitter.event;

  private constructor(private readonly options: VirtualBoardOptions) {
    this.index = options.index;
    this.chip = options.chip;
    this.mac = options.mac;
    this.flash = options.flash;
    this.wiring = options.wiring ?? 'uart-bridge';
    this.noise = new WireNoise(options.seed ?? options.index * 7919);
    this.circuit = this.store.add(new ResetCircuit(this.wiring, (s) => this.onRunState(s), this.wiring === 'usb-serial-jtag' ? USB_RESET_DELAY_MS : undefined));
    this.toChip = this.store.add(new UartLine((d, baud) => this.deliverToChip(d, baud)));
    this.toHost = this.store.add(new UartLine((d, baud) => this.deliverToHost(d, baud)));
    this.store.add({ dispose: () => this.stopProgram() });
    this.store.add(options.flash);
  }

  /** Creates the board, starts its RFC2217 server and powers the chip on (it boots from flash). */
  static async create(options: VirtualBoardOptions): Promise<VirtualBoard> {
    const board = new VirtualBoard(options);
    try {
      board.server = board.store.add(await Rfc2217Server.listen(board, { port: options.port, log: (m) => board.log(m) }));
    } catch (e) {
      board.dispose();
      throw e;
    }
    board.store.add(board.server.onDidDisconnect(() => board.onHostGone()));
    board.circuit.powerOn();
    return board;
  }

  get port(): number {
    return this.server.port;
  }

  get url(): string {
    return this.server.url;
  }

  get state(): BoardRunState {
    return this.runState;
  }

  get hostConnected(): boolean {
    return this.server.isConnected;
  }

  /** Fires when a host connects to or disconnects from the board's RFC2217 port. */
  onDidChangeHost(listener: () => void): { dispose(): void } {
    const a = this.server.onDidConnect(listener);
    const b = this.server.onDidDisconnect(listener);
    return { dispose: () => (a.dispose(), b.dispose()) };
  }

  /** The chip's UART rate; while ROM autobaud has not locked, the host's rate. */
  get uartBaud(): number {
    return this.chipBaud === 'auto' ? this.line.baud : this.chipBaud;
  }

  /** Changes faults in place (the running program sees them at once). */
  setFaults(faults: Partial<BoardFaults>): void {
    Object.assign(this.faults, faults);
    this.hostBytes = 0;
    this.circuit.setHeldInReset(this.faults.heldInReset);
  }

  /** Pulses EN, as the board's reset button does. */
  reboot(): void {
    this.circuit.pulse();
  }

  readFlash(offset: number, length: number): Uint8Array {
    return this.flash.read(offset, length);
  }

  // ComPortModel: the host side of the bridge, driven by the RFC2217 session.

  get lineBaud(): number {
    return this.line.baud;
  }

  setLineBaud(baud: number): void {
    this.line.baud = baud;
  }

  get frame(): FrameFormat {
    return { ...this.frameFormat };
  }

  setFrame(frame: Partial<FrameFormat>): void {
    Object.assign(this.frameFormat, frame);
  }

  get dtr(): boolean {
    return this.line.dtr;
  }

  get rts(): boolean {
    return this.line.rts;
  }

  get breakOn(): boolean {
    return this.line.brk;
  }

  setDtr(on: boolean): void {
    this.line.dtr = on;
    this.circuit.setLines(this.line.dtr, this.line.rts);
  }

  setRts(on: boolean): void {
    this.line.rts = on;
    this.circuit.setLines(this.line.dtr, this.line.rts);
  }

  setBreak(on: boolean): void {
    this.line.brk = on;
  }

  /** CTS/DSR/RI/CD are not wired on Espressif dev boards. */
  readonly modemState = 0;

  write(data: Uint8Array): void {
    let bytes = data;
    const dropAt = this.faults.dropAfterBytes;
    if (dropAt > 0 && this.hostBytes + bytes.length >= dropAt) {
      bytes = bytes.subarray(0, dropAt - this.hostBytes);
      this.faults.dropAfterBytes = 0;
      this.hostBytes = 0;
      this.log(`fault: dropping the host connection after ${dropAt} bytes`);
      this.toChip.send(bytes, this.hostWireBaud());
      this.server.dropConnection();
      return;
    }
    this.hostBytes += bytes.length;
    this.toChip.send(bytes, this.hostWireBaud());
  }

  purge(toBoard: boolean, toHost: boolean): void {
    if (toBoard) this.toChip.purge();
    if (toHost) this.toHost.purge();
  }

  dispose(): void {
    this.store.dispose();
  }

  private onHostGone(): void {
    // Closing a port drops DTR and RTS, which on this circuit releases EN and GPIO0.
    this.line.dtr = false;
    this.line.rts = false;
    this.line.brk = false;
    this.circuit.setLines(false, false);
  }

  private onRunState(s: ChipRunState, keepTx = false): void {
    this.stopProgram();
    this.toChip.purge();
    if (!keepTx && !this.softResetting) this.toHost.purge();
    if (s.kind === 'run') this.softResetting = false;
    if (s.kind === 'reset') {
      this.setRunState('reset');
      return;
    }
    this.chipBaud = s.downloadMode ? 'auto' : BOOT_BAUD;
    const ctx = this.makeContext(this.generation);
    try {
      this.program = s.downloadMode ? this.options.programs.bootloader(ctx) : this.options.programs.bootFromFlash(ctx);
    } catch (e) {
      this.log(`the chip program failed to start: ${e instanceof Error ? e.message : String(e)}`);
    }
    this.setRunState(s.downloadMode ? 'download' : 'flash');
  }

  private setRunState(s: BoardRunState): void {
    this.runState = s;
    this.log(`chip ${s === 'reset' ? 'in reset' : s === 'download' ? 'booted into download mode' : 'booted from flash'}`);
    this.stateEmitter.fire(s);
  }

  private stopProgram(): void {
    this.generation++;
    const p = this.program;
    this.program = undefined;
    try {
      p?.dispose();
    } catch (e) {
      this.log(`disposing the chip program failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private makeContext(generation: number): ChipContext {
    const live = (): boolean => generation === this.generation;
    return {
      chip: this.chip,
      mac: this.mac,
      flash: this.flash,
      faults: this.faults,
      transmit: (data) => {
        if (live()) this.toHost.send(Uint8Array.from(data), this.isUsbCdc ? USB_CDC_EQUIVALENT_BAUD : this.uartBaud);
      },
      setUartBaud: (baud) => {
        if (live()) this.chipBaud = baud;
      },
      lockAutobaud: () => {
        if (live() && this.chipBaud === 'auto') this.chipBaud = this.lastHostSenderBaud;
      },
      leaveLoader: (how) => {
        if (!live()) return;
        // Deferred: the loader calls this while handling a command, and the switch disposes it. Its
        // answer already queued on the UART is kept: the FIFO drains before the jump or the reset.
        queueMicrotask(() => {
          if (!live()) return;
          if (how === 'run-user-code') this.onRunState({ kind: 'run', downloadMode: false }, true);
          else {
            this.softResetting = true;
            this.circuit.pulse();
          }
        });
      },
      log: (message) => this.log(message),
    };
  }

  private deliverToChip(data: Uint8Array, senderBaud: number): void {
    if (!this.program) return;
    this.lastHostSenderBaud = senderBaud;
    const receiver = this.chipBaud === 'auto' || this.isUsbCdc ? senderBaud : this.chipBaud;
    const onWire = this.isUsbCdc ? data : garble(data, senderBaud * this.frameRatio(), receiver);
    const bytes = this.noise.apply(onWire, this.faults.bitErrorRate);
    if (bytes.length > 0) this.program.receive(bytes);
  }

  private deliverToHost(data: Uint8Array, senderBaud: number): void {
    const onWire = this.isUsbCdc ? data : garble(data, senderBaud, this.line.baud * this.frameRatio());
    const bytes = this.noise.apply(onWire, this.faults.bitErrorRate);
    if (bytes.length > 0) this.server.sendData(bytes);
  }

  /**
   * The chip's UART is 8N1. A host set to another frame (7 data bits, parity) samples a different bit
   * pattern; modelled as a clock off by the ratio of frame lengths, which garbles like a wrong baud does.
   */
  private frameRatio(): number {
    const hostBits = 1 + this.frameFormat.dataBits + (this.frameFormat.parity === 1 ? 0 : 1);
    return hostBits / 9;
  }

  private get isUsbCdc(): boolean {
    return this.wiring === 'usb-serial-jtag';
  }

  private hostWireBaud(): number {
    return this.isUsbCdc ? USB_CDC_EQUIVALENT_BAUD : this.line.baud;
  }

  private log(message: string): void {
    const line = `board ${this.index}: ${message}`;
    this.logEmitter.fire(line);
    this.options.log?.(line);
  }
}
