import type { Disposable } from '../../core/common/disposable';

/**
 * How the host's modem lines reach the chip:
 * - 'uart-bridge': a USB-UART bridge (CP210x, CH340...) and the classic two-transistor auto-reset circuit
 *   of Espressif's dev boards, with the RC delay on EN. esptool-js picks ClassicReset for these.
 * - 'usb-serial-jtag': the chip's own USB Serial/JTAG peripheral (ESP32-S3/C3 native USB, PID 0x1001),
 *   which interprets DTR/RTS in logic. esptool-js picks UsbJtagSerialReset for it.
 */
export type ResetWiring = 'uart-bridge' | 'usb-serial-jtag';

/** What the chip does after a change of its reset inputs. */
export type ChipRunState = { kind: 'reset' } | { kind: 'run'; downloadMode: boolean };

/**
 * EN rises through an RC network (about 10 kΩ and 1 µF on DevKitC boards): the chip leaves reset a few ms
 * after the transistor lets go, and samples its strapping pin GPIO0 then. This is what makes esptool's
 * (DTR=1, RTS=0) step work although the two lines change one after the other.
 */
export const EN_RC_DELAY_MS = 5;

/** Pin levels of the classic circuit: an asserted line pulls its transistor's pin low only when the other line is not asserted. */
export function classicPins(dtr: boolean, rts: boolean): { en: boolean; io0: boolean } {
  return { en: !(rts && !dtr), io0: !(dtr && !rts) };
}

/**
 * Turns modem-line changes into chip resets and boots. The board calls `setLines` for every DTR/RTS change
 * and gets `onState` when the chip goes into reset or starts running (in download mode or from flash).
 */
export class ResetCircuit implements Disposable {
  private dtr = false;
  private rts = false;
  private held = false;
  private inReset = true;
  private releaseTimer: NodeJS.Timeout | undefined;
  /** usb-serial-jtag: RTS was asserted while DTR was asserted, so the next release boots the ROM loader. */
  private downloadLatched = false;

  constructor(
    readonly wiring: ResetWiring,
    private readonly onState: (state: ChipRunState) => void,
    private readonly rcDelayMs = EN_RC_DELAY_MS,
  ) {}

  get isInReset(): boolean {
    return this.inReset;
  }

  /** Power on with the lines idle (no host): the chip boots from flash after the RC delay. */
  powerOn(): void {
    this.evaluate();
  }

  setLines(dtr: boolean, rts: boolean): void {
    const prev = { dtr: this.dtr, rts: this.rts };
    this.dtr = dtr;
    this.rts = rts;
    if (this.wiring === 'usb-serial-jtag' && rts && !prev.rts && dtr) this.downloadLatched = true;
    if (this.wiring === 'usb-serial-jtag' && rts && !prev.rts && !dtr) this.downloadLatched = false;
    this.evaluate();
  }

  /** Fault: EN held low by force; releasing it lets the chip boot as the lines say. */
  setHeldInReset(held: boolean): void {
    this.held = held;
    this.evaluate();
  }

  /** A pulse on EN as from the board's reset button: reset now, boot again after the RC delay. */
  pulse(): void {
    this.enterReset();
    this.evaluate();
  }

  dispose(): void {
    this.cancelRelease();
  }

  private enLow(): boolean {
    if (this.held) return true;
    if (this.wiring === 'uart-bridge') return !classicPins(this.dtr, this.rts).en;
    return this.rts && !this.dtr;
  }

  private evaluate(): void {
    if (this.enLow()) {
      this.enterReset();
      return;
    }
    if (this.inReset && !this.releaseTimer) {
      this.releaseTimer = setTimeout(() => this.release(), this.rcDelayMs);
    }
  }

  private enterReset(): void {
    this.cancelRelease();
    if (!this.inReset) {
      this.inReset = true;
      this.onState({ kind: 'reset' });
    }
  }

  private release(): void {
    this.releaseTimer = undefined;
    if (this.enLow()) return;
    this.inReset = false;
    let downloadMode: boolean;
    if (this.wiring === 'uart-bridge') {
      downloadMode = !classicPins(this.dtr, this.rts).io0;
    } else {
      downloadMode = this.downloadLatched;
      this.downloadLatched = false;
    }
    this.onState({ kind: 'run', downloadMode });
  }

  private cancelRelease(): void {
    if (this.releaseTimer) clearTimeout(this.releaseTimer);
    this.releaseTimer = undefined;
  }
}
