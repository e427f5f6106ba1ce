import { findVirtualBlob } from '../../core/build/image/virtual-app-blobs';
import { PROJECT_NAME } from '../../core/build/image/virtual-build-writer';
import type { AccessPoint } from '../air/access-point';
import type { Air } from '../air/air';
import { FirmwareRadio } from '../air/firmware-radio';
import { formatMac } from '../air/mac';
import type { WifiTimings } from '../air/wifi-station';
import { BOOT_BAUD, type ChipContext, type ChipProgram } from '../chip/chip-program';
import { storeCredentialsInNvs } from '../wasm/nvs-store';
import { FIRMWARE_NOT_STARTED, LAB_LOG_TAG } from '../../core/monitor/lab-boot-line';
import { compileFirmware, FirmwareStartError, WasmFirmware } from '../wasm/wasm-firmware';
import { sdkconfigNumber } from './app-desc';
import { runBootSequence, type BootOutcome } from './boot-sequence';
import { romProfileOf, type ResetCause, type RomProfile } from './rom-profile';

/**
 * What a boot from flash needs from the lab beyond the chip context. The lab's `LabEnvironment` fits as
 * is (it has `air` and `accessPoints`).
 */
export interface BootDeps {
  /** The air the firmware's ESP-NOW radio joins. */
  readonly air: Air;
  /** The access points a Wi-Fi join looks for, read at every join. */
  readonly accessPoints: () => Iterable<AccessPoint>;
  readonly wifiTimings?: WifiTimings;
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
/** esp_wifi.h: what a driver that was never started answers esp_wifi_connect (the wifiDriverRefusesJoin fault). */
const ESP_ERR_WIFI_NOT_STARTED = 0x3002;

/**
 * Boots a virtual board from its flash as the real chip would: ROM banner, second-stage bootloader,
 * partition table, app image checks; then runs the WebAssembly firmware the app image carries when the
 * app is this project's, idles after the app banner for any other app, and loops like a real board when
 * nothing valid is there.
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
  private firmware: WasmFirmware | undefined;
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
    if (name !== PROJECT_NAME) {
      // Any other firmware: what its startup printed is all a lab can show; the chip then idles.
      this.print(`I (${this.clockMs + 10}) main_task: Started on CPU0\r\nI (${this.clockMs + 20}) main_task: Calling app_main()\r\n`);
      this.ctx.log(`booted ${name ? `app "${name}"` : 'an app without app descriptor'}; not ${PROJECT_NAME}, idling`);
      return;
    }
    try {
      const config = findVirtualBlob(outcome.image.segments, 'config');
      const wasm = findVirtualBlob(outcome.image.segments, 'wasm');
      if (wasm === undefined) throw new FirmwareStartError('the app image carries no WebAssembly module (an ESP-IDF build for a real board, or an old lab build)');
      if (config === undefined) throw new FirmwareStartError('the app image carries no configuration');
      if (wasm === 'truncated' || config === 'truncated') throw new FirmwareStartError('the app image is truncated inside its firmware blobs');
      const baud = sdkconfigNumber(Buffer.from(config).toString('utf8'), 'CONFIG_ESP_CONSOLE_UART_BAUDRATE');
      if (baud && baud !== BOOT_BAUD) this.ctx.setUartBaud(baud);
      const mac = formatMac(this.ctx.mac);
      this.firmware = new WasmFirmware({
        module: compileFirmware(wasm),
        config,
        mac: this.ctx.mac,
        readFlash: (offset, length) => this.ctx.flash.read(offset, length),
        joinRefusal: () => (this.ctx.faults.wifiDriverRefusesJoin ? ESP_ERR_WIFI_NOT_STARTED : 0),
        flashSize: this.ctx.flash.size,
        ...(outcome.nvs ? { nvs: outcome.nvs, storeCredentials: (ssid: Uint8Array, pw: Uint8Array) => storeCredentialsInNvs(this.ctx.flash, outcome.nvs!, ssid, pw) } : {}),
        attachRadio: (events) => new FirmwareRadio(mac, this.deps.air, this.deps.accessPoints, events, this.deps.wifiTimings),
        console: (text) => {
          if (!this.disposed) this.print(text);
        },
        clockStartMs: this.clockMs,
        log: (m) => this.ctx.log(m),
      });
    } catch (e) {
      if (!(e instanceof FirmwareStartError)) throw e;
      // Said on the console, where the monitor and the provisioning workflow read it at once.
      this.print(`E (${this.clockMs + 10}) ${LAB_LOG_TAG}: ${FIRMWARE_NOT_STARTED}: ${e.message}\r\n`);
      this.ctx.log(`${FIRMWARE_NOT_STARTED}: ${e.message}`);
    }
  }

  receive(): void {
    // UART RX: the firmware has no console commands.
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.firmware?.dispose();
    this.firmware = undefined;
  }
}
