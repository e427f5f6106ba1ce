import type { Disposable } from '../../core/common/disposable';

/** The two modem lines as the host asserts them (true = asserted, i.e. the pin is driven low). */
export interface Lines {
  readonly dtr: boolean;
  readonly rts: boolean;
}

/** What the recogniser decides for one SET-CONTROL line command. */
export type ResetAction =
  /** Outside a reset sequence a line change reaches the board as it is (holding EN low, an RTS pulse). */
  | { readonly kind: 'lines'; readonly lines: Lines }
  /** The host asked for the ROM loader: play the bootloader reset on the board with device timing. */
  | { readonly kind: 'bootloader' }
  /** Part of a sequence already being played, or a repeat that changes nothing: nothing reaches the board. */
  | { readonly kind: 'none' };

/**
 * Recognises reset sequences in the SET-CONTROL commands of an RFC2217 host, as esptool's RFC2217 server
 * (esp_rfc2217_server) does, because DTR and RTS cannot cross RFC2217 with the timing the chip needs:
 * pySerial waits at least 50 ms for the answer to each SET-CONTROL, so a reset sent line by line would let
 * EN rise (and the chip boot from flash) before GPIO0 is pulled low.
 *
 * Every bootloader sequence the tools send passes through "both lines asserted" — esptool's and
 * esptool-js's ClassicReset (RTS, then DTR with RTS still set), their USB-JTAG reset (DTR, then RTS with
 * DTR still set) — while a hard reset (RTS pulse with DTR released) and a monitor's line changes never do.
 * That moment starts the bootloader reset; the rest of the sequence is ignored until the host releases DTR
 * (esptool's server ends its download-mode state on DTR off too). The "DTR repeat" that esptool and
 * esptool-js send after every RTS change (for Windows' usbser.sys) changes no line and is ignored.
 *
 * Unlike esptool's server, lines outside a sequence reach the board as they are, like a local port: RTS
 * held asserted holds the chip in reset, and an RTS pulse is a hard reset of the pulse's length. So a
 * client that opens the port without touching the lines does not reset the chip (esptool's server hard
 * resets on every RTS off).
 */
export class ResetSequenceRecognizer {
  private requested: Lines = { dtr: false, rts: false };
  private inSequence = false;

  /** The lines as the host last set them (what REQ-DTR / REQ-RTS report). */
  get lines(): Lines {
    return this.requested;
  }

  /** True between the start of a bootloader sequence and the host's release of DTR. */
  get playing(): boolean {
    return this.inSequence;
  }

  /** One SET-CONTROL DTR/RTS command from the host. */
  set(line: 'dtr' | 'rts', on: boolean): ResetAction {
    const before = this.requested;
    const after = line === 'dtr' ? { dtr: on, rts: before.rts } : { dtr: before.dtr, rts: on };
    this.requested = after;
    if (after.dtr === before.dtr && after.rts === before.rts) return { kind: 'none' };
    if (this.inSequence) {
      if (!after.dtr) this.inSequence = false;
      return { kind: 'none' };
    }
    if (after.dtr && after.rts) {
      this.inSequence = true;
      return { kind: 'bootloader' };
    }
    return { kind: 'lines', lines: after };
  }

  /** The host went away: its lines are released and any sequence is over. */
  reset(): void {
    this.requested = { dtr: false, rts: false };
    this.inSequence = false;
  }
}

/**
 * Device timing of the played bootloader reset. EN is held low long enough for the chip to reset, then it
 * is released with GPIO0 low for longer than the board's EN RC delay (5 ms in reset-circuit.ts) plus the
 * strapping pins' hold time (1 ms, ESP32 datasheet, "Strapping Pins", tH). esptool's server uses 100 ms and
 * 50 ms (UnixTightReset); shorter keeps the first SYNC of a fast host out of the reset.
 */
export const PLAYED_RESET_MS = { enLow: 20, io0Hold: 20 } as const;

/**
 * Plays a bootloader reset on the board's lines with device timing. The shape is esptool's UnixTightReset,
 * which enters download mode on both wirings: on the classic circuit (1,1) releases both pins, (0,1) pulls
 * EN low and (1,0) releases EN with GPIO0 low; on USB Serial/JTAG RTS rising while DTR is set arms
 * download mode, (0,1) resets and (1,0) releases the reset.
 */
export class ResetPlayer implements Disposable {
  private timer: NodeJS.Timeout | undefined;
  /** Lines the host set while a reset was being played; applied when it ends. */
  private pending: Lines | undefined;

  constructor(
    private readonly drive: (lines: Lines) => void,
    private readonly timing: { enLow: number; io0Hold: number } = PLAYED_RESET_MS,
  ) {}

  get busy(): boolean {
    return this.timer !== undefined;
  }

  bootloader(): void {
    this.cancel();
    this.pending = undefined;
    this.drive({ dtr: false, rts: false });
    this.drive({ dtr: true, rts: true });
    this.drive({ dtr: false, rts: true });
    this.after(this.timing.enLow, () => {
      this.drive({ dtr: true, rts: false });
      this.after(this.timing.io0Hold, () => {
        this.drive({ dtr: false, rts: false });
        const next = this.pending;
        this.pending = undefined;
        if (next) this.drive(next);
      });
    });
  }

  /** Lines outside a sequence; while a reset is being played they wait for its end. */
  lines(lines: Lines): void {
    if (this.busy) this.pending = lines;
    else this.drive(lines);
  }

  dispose(): void {
    this.cancel();
    this.pending = undefined;
  }

  private after(ms: number, then: () => void): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      then();
    }, ms);
  }

  private cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
