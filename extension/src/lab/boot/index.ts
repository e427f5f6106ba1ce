import { existsSync } from 'node:fs';
import type { ChipContext, ChipProgram } from '../chip/chip-program';
import { macToString } from '../air/mac';
import { HOST_PROJECT_NAME, sdkconfigNumber } from './app-desc';
import { runBootSequence, type BootOutcome } from './boot-sequence';
import { defaultHostProgram, HostRun } from './host-runner';
import { romProfileOf, type ResetCause, type RomProfile } from './rom-profile';

export { defaultHostProgram } from './host-runner';

/** The ROM prints its boot messages at 115200 baud (40 MHz crystal), as does ESP-IDF's default console. */
export const BOOT_BAUD = 115200;

/**
 * What a boot from flash needs from the lab beyond the chip context. The lab's `LabEnvironment` fits as
 * is (it has `stateDir`, `linkPort` and `log`).
 */
export interface BootDeps {
  /** The lab's state folder: the host program's config file goes to `<stateDir>/run/`. */
  readonly stateDir: string;
  /** Port of the lab link server on 127.0.0.1 that the host program connects to. */
  readonly linkPort: number;
  /** Path of the firmware's host build. Default {@link defaultHostProgram}. */
  readonly hostProgram?: string;
  /**
   * Time between two `invalid header` lines of the ROM's boot loop. Default 150 ms, about what an erased
   * board shows; tests may shorten it.
   */
  readonly bootLoopIntervalMs?: number;
}

/** The ROM repeats the invalid header line this often before its RTC watchdog resets the chip. */
const INVALID_HEADER_REPEATS = 7;
/** A second-stage bootloader that gave up resets the chip almost at once. */
const RESTART_DELAY_MS = 50;
/** The ROM's RTC watchdog after a bootloader it could not run. */
const ROM_WATCHDOG_MS = 1000;

/**
 * Boots a virtual board from its flash as the real chip would: ROM banner, second-stage bootloader,
 * partition table, app image checks; then runs the firmware's host build when the app is this project's,
 * idles after the app banner for any other app, and loops like a real board when nothing valid is there.
 * Called by the virtual board when EN rises with IO0 high; disposed on the next reset or power off.
 */
export function bootFromFlash(ctx: ChipContext, deps: BootDeps): ChipProgram {
  return new FlashBoot(ctx, deps);
}

class FlashBoot implements ChipProgram {
  private readonly rom: RomProfile;
  /** The log clock of the running app, continuing the bootloader's timestamps. */
  private clockMs = 0;
  private timer: NodeJS.Timeout | undefined;
  private host: HostRun | undefined;
  private disposed = false;

  constructor(
    private readonly ctx: ChipContext,
    private readonly deps: BootDeps,
  ) {
    this.rom = romProfileOf(ctx.chip);
    ctx.setUartBaud(BOOT_BAUD);
    this.attempt('power-on');
  }

  private print(text: string): void {
    this.ctx.transmit(Buffer.from(text, 'latin1'));
  }

  private after(ms: number, fn: () => void): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (!this.disposed) fn();
    }, ms);
  }

  private attempt(cause: ResetCause): void {
    try {
      const { text, outcome, clockMs } = runBootSequence(this.ctx.flash, this.rom, cause);
      this.clockMs = clockMs;
      this.print(text);
      this.follow(outcome);
    } catch (e) {
      // A lab bug must not take the board (and its RFC2217 server) down: the chip just stays silent.
      this.ctx.log(`boot from flash failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
    }
  }

  private follow(outcome: BootOutcome): void {
    switch (outcome.kind) {
      case 'invalid-header':
        this.invalidHeaderLoop(outcome.firstWord, 0);
        return;
      case 'rom-halt':
        this.after(ROM_WATCHDOG_MS, () => this.attempt('rtc-watchdog'));
        return;
      case 'restart':
        this.after(RESTART_DELAY_MS, () => this.attempt('software'));
        return;
      case 'app':
        this.startApp(outcome);
        return;
    }
  }

  private invalidHeaderLoop(firstWord: number, printed: number): void {
    const interval = this.deps.bootLoopIntervalMs ?? 150;
    if (printed === INVALID_HEADER_REPEATS) {
      this.after(interval, () => this.attempt('rtc-watchdog'));
      return;
    }
    this.after(interval, () => {
      this.print(`invalid header: 0x${(firstWord >>> 0).toString(16).padStart(8, '0')}\r\n`);
      this.invalidHeaderLoop(firstWord, printed + 1);
    });
  }

  private startApp(outcome: Extract<BootOutcome, { kind: 'app' }>): void {
    const name = outcome.desc?.projectName;
    if (name !== HOST_PROJECT_NAME || !outcome.config) {
      // Any other firmware: what its startup printed is all a lab can show; the chip then idles.
      this.print(`I (${this.clockMs + 10}) main_task: Started on CPU0\r\nI (${this.clockMs + 20}) main_task: Calling app_main()\r\n`);
      this.ctx.log(`booted ${name ? `app "${name}"` : 'an app without app descriptor'}; not the ${HOST_PROJECT_NAME} host build, idling`);
      return;
    }
    const configText = Buffer.from(outcome.config).toString('utf8');
    const baud = sdkconfigNumber(configText, 'CONFIG_ESP_CONSOLE_UART_BAUDRATE');
    if (baud && baud !== BOOT_BAUD) this.ctx.setUartBaud(baud);
    const program = this.deps.hostProgram ?? defaultHostProgram();
    if (!existsSync(program)) {
      this.print(`E (${this.clockMs + 10}) lab: host build of ${HOST_PROJECT_NAME} not found at ${program}; build it with: npm run test:firmware\r\n`);
      this.ctx.log(`cannot run ${HOST_PROJECT_NAME}: no host build at ${program}. Build it with \`npm run test:firmware\`.`);
      return;
    }
    this.host = new HostRun({
      program,
      stateDir: this.deps.stateDir,
      config: outcome.config,
      mac: macToString(this.ctx.mac),
      linkPort: this.deps.linkPort,
      onOutput: (d) => {
        if (!this.disposed) this.ctx.transmit(d);
      },
      log: (m) => this.ctx.log(m),
    });
  }

  /** Resolves when the host program (if any) has exited; for tests and an orderly lab shutdown. */
  whenStopped(): Promise<void> {
    return this.host ? this.host.whenExited : Promise.resolve();
  }

  receive(data: Uint8Array): void {
    this.host?.write(data);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.host?.dispose();
  }
}

/** Resolves when a program returned by {@link bootFromFlash} has no process left (no-op for others). */
export function whenBootStopped(program: ChipProgram): Promise<void> {
  return program instanceof FlashBoot ? program.whenStopped() : Promise.resolve();
}
