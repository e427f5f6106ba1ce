import { createHash, randomFillSync } from 'node:crypto';
import type { Disposable } from '../../core/common/disposable';
import type { FirmwareRadio, FirmwareRadioEvents } from '../air/firmware-radio';
import { macBytesOf, formatMac, parseLinkMac } from '../air/mac';
import { wasmCryptoImports } from './wasm-crypto';

/** The exports of firmware/wasm/wasm_main.c. */
interface FirmwareExports {
  readonly memory: WebAssembly.Memory;
  epv_io_buffer(): number;
  epv_io_capacity(): number;
  epv_boot(configLen: number, nvsOffset: number, nvsSize: number): number;
  epv_on_timer(id: number): void;
  epv_on_frame(rssi: number, channel: number, len: number): void;
  epv_on_send_done(ok: number): void;
  epv_on_wifi_connected(channel: number): void;
  epv_on_wifi_disconnected(reason: number): void;
  epv_on_got_ip(): void;
  epv_power_off(): void;
}

const REQUIRED_EXPORTS = ['epv_io_buffer', 'epv_io_capacity', 'epv_boot', 'epv_on_timer', 'epv_on_frame', 'epv_on_send_done', 'epv_on_wifi_connected', 'epv_on_wifi_disconnected', 'epv_on_got_ip', 'epv_power_off'] as const;
const MAC_LEN = 6;
/** esp_now.h: ESP-NOW is not initialised (here: the radio is off). */
const ESP_ERR_ESPNOW_NOT_INIT = 0x3065;
/** epv_boot's results (wasm_main.c boot_status_t). */
const BOOT_RESULTS: Record<number, string> = { 2: 'its configuration (menuconfig or NVS) has an error (see its log)', 3: 'its configuration is invalid (see its log)', 4: 'the lab passed it a configuration it cannot take' };

/** Why a virtual board's firmware did not start, in words for "the virtual board could not start its firmware: <why>". */
export class FirmwareStartError extends Error {
  override readonly name = 'FirmwareStartError';
}

/** Compiled modules by content: 32 boards flashed with one build compile it once. */
const compiled = new Map<string, WebAssembly.Module>();
const COMPILED_MAX = 8;

/** Compiles (or reuses) the module; a FirmwareStartError says what is wrong with the bytes. */
export function compileFirmware(bytes: Uint8Array): WebAssembly.Module {
  const key = createHash('sha256').update(bytes).digest('hex');
  const hit = compiled.get(key);
  if (hit) return hit;
  let module: WebAssembly.Module;
  try {
    module = new WebAssembly.Module(bytes);
  } catch (e) {
    throw new FirmwareStartError(`its WebAssembly module is corrupt (${e instanceof Error ? e.message : String(e)})`);
  }
  const names = new Set(WebAssembly.Module.exports(module).map((x) => x.name));
  const missing = [...REQUIRED_EXPORTS, 'memory'].filter((n) => !names.has(n));
  if (missing.length) throw new FirmwareStartError(`its WebAssembly module lacks ${missing.join(', ')} (built for another lab version?)`);
  if (compiled.size >= COMPILED_MAX) compiled.delete(compiled.keys().next().value!);
  compiled.set(key, module);
  return module;
}

export interface WasmFirmwareOptions {
  readonly module: WebAssembly.Module;
  /** The sdkconfig text from the image; holds secrets, wiped from the instance once parsed. */
  readonly config: Uint8Array;
  /** The board's factory MAC (eFuse). */
  readonly mac: Uint8Array;
  /** Reads the board's flash (what the firmware's NVS lookups go through). */
  readonly readFlash: (offset: number, length: number) => Uint8Array;
  readonly flashSize: number;
  /** The NVS partition of the flashed partition table, if it has one: per-board values over menuconfig's. */
  readonly nvs?: { readonly offset: number; readonly size: number };
  /** Fault: the esp_err_t the Wi-Fi driver refuses a join with (0: it accepts). */
  readonly joinRefusal?: () => number;
  /** Keeps credentials in that partition and erases the pair key there; false when it cannot. */
  readonly storeCredentials?: (ssid: Uint8Array, password: Uint8Array) => boolean;
  /** Attaches the board's radio to the air; called right before the firmware boots (its first actions tune it). */
  readonly attachRadio: (events: FirmwareRadioEvents) => FirmwareRadio;
  /** UART TX: whole console lines, CRLF-terminated as ESP-IDF's newlib writes them. */
  readonly console: (text: string) => void;
  /** The log clock at app start (it continues the bootloader's timestamps). */
  readonly clockStartMs: number;
  /** Lab diagnostics. */
  readonly log: (message: string) => void;
}

/**
 * The firmware running on a virtual board: the WebAssembly module from the flashed app image, one instance
 * per boot, in the lab's own process. Radio, Wi-Fi, timers, console, flash, NVS, crypto and entropy are imports served here;
 * events from the air enter through the module's exports, never from inside one of its calls (the core's
 * port contract). A trap is the firmware crashing: it prints a Guru Meditation line and stops. Disposing
 * is powering off: timers cleared, radio detached, the instance's memory wiped.
 */
export class WasmFirmware implements Disposable {
  private readonly exports: FirmwareExports;
  private readonly timers = new Map<number, NodeJS.Timeout>();
  private readonly startedAt = Date.now();
  private radio: FirmwareRadio | undefined;
  private inCall = false;
  private halted = false;

  /** Instantiates and boots. Throws FirmwareStartError when the module cannot run at all. */
  constructor(private readonly o: WasmFirmwareOptions) {
    let instance: WebAssembly.Instance;
    try {
      instance = new WebAssembly.Instance(o.module, { epv: this.imports() });
    } catch (e) {
      throw new FirmwareStartError(`its WebAssembly module does not link with this lab (${e instanceof Error ? e.message : String(e)})`);
    }
    this.exports = instance.exports as unknown as FirmwareExports;
    const capacity = this.exports.epv_io_capacity();
    if (o.config.length > capacity - MAC_LEN) throw new FirmwareStartError(`its configuration is ${o.config.length} bytes, more than the firmware takes (${capacity - MAC_LEN})`);
    const io = this.io(MAC_LEN + o.config.length);
    io.set(o.mac, 0);
    io.set(o.config, MAC_LEN);
    this.radio = o.attachRadio({
      frame: (f) => this.deliver(() => {
        const src = macBytes(f.from);
        if (!src || f.data.length > capacity - MAC_LEN) return;
        const buf = this.io(MAC_LEN + f.data.length);
        buf.set(src, 0);
        buf.set(f.data, MAC_LEN);
        this.exports.epv_on_frame(f.rssi, f.channel, f.data.length);
      }),
      wifiConnected: (bssid, channel) => this.deliver(() => {
        const b = macBytes(bssid);
        if (!b) return;
        this.io(MAC_LEN).set(b);
        this.exports.epv_on_wifi_connected(channel);
      }),
      gotIp: (lease) => this.deliver(() => {
        const buf = this.io(12);
        [lease.ip, lease.mask, lease.gw].forEach((a, i) => buf.set(a.split('.').map(Number), 4 * i));
        this.exports.epv_on_got_ip();
      }),
      wifiDisconnected: (reason) => this.deliver(() => this.exports.epv_on_wifi_disconnected(reason)),
    });
    // The radio is up before app_main runs: the node's first actions (channel, beacon) go to it.
    const status = this.call(() => this.exports.epv_boot(o.config.length, o.nvs?.offset ?? 0, o.nvs?.size ?? 0));
    if (status === undefined) return; // trapped while booting: the panic line is out
    if (status !== 0) {
      this.halted = true;
      this.stopIo();
      o.log(`firmware stopped at boot: ${BOOT_RESULTS[status] ?? `status ${status}`}`);
    }
  }

  /** True while the firmware runs (not stopped at boot, not crashed, not powered off). */
  get running(): boolean {
    return !this.halted;
  }

  private imports(): Record<string, (...args: number[]) => number | void> {
    const mem = (): Uint8Array => new Uint8Array(this.exports.memory.buffer);
    const bytes = (ptr: number, len: number): Uint8Array => {
      const m = mem();
      if (ptr < 0 || len < 0 || ptr + len > m.length) throw new RangeError(`firmware passed a buffer outside its memory (${ptr}+${len})`);
      return m.slice(ptr, ptr + len);
    };
    const text = (ptr: number, len: number) => Buffer.from(bytes(ptr, len)).toString('utf8');
    return {
      log: (level, tag, tagLen, msg, msgLen) => this.print(`${String.fromCharCode(level)} (${this.uptime()}) ${text(tag, tagLen)}: ${text(msg, msgLen)}`),
      espnow_add_peer: (mac) => this.radio?.addPeer(formatMac(bytes(mac, MAC_LEN))) ?? ESP_ERR_ESPNOW_NOT_INIT,
      espnow_del_peer: (mac) => this.radio?.deletePeer(formatMac(bytes(mac, MAC_LEN))) ?? ESP_ERR_ESPNOW_NOT_INIT,
      espnow_send: (dest, frame, len) => {
        const destMac = bytes(dest, MAC_LEN);
        if (!this.radio) return ESP_ERR_ESPNOW_NOT_INIT;
        return this.radio.send(formatMac(destMac), bytes(frame, len), (ok) =>
          this.deliver(() => {
            this.io(MAC_LEN).set(destMac);
            this.exports.epv_on_send_done(ok ? 1 : 0);
          }),
        );
      },
      set_channel: (channel) => this.radio?.setChannel(channel),
      flash_read: (offset, dst, len) => {
        const m = mem();
        if (offset < 0 || len < 0 || offset + len > this.o.flashSize || dst < 0 || dst + len > m.length) return -1;
        m.set(this.o.readFlash(offset, len), dst);
        return 0;
      },
      timer_start: (id, ms) => {
        clearTimeout(this.timers.get(id));
        this.timers.set(id, setTimeout(() => {
          this.timers.delete(id);
          this.deliver(() => this.exports.epv_on_timer(id));
        }, ms));
      },
      timer_stop: (id) => {
        clearTimeout(this.timers.get(id));
        this.timers.delete(id);
      },
      wifi_join: (ssid, ssidLen, pw, pwLen) => {
        const refused = this.o.joinRefusal?.() ?? 0;
        if (refused) return refused;
        this.radio?.joinWifi(bytes(ssid, ssidLen), bytes(pw, pwLen));
        return 0;
      },
      nvs_store_creds: (ssid, ssidLen, pw, pwLen) => {
        const password = bytes(pw, pwLen);
        const ok = this.o.storeCredentials?.(bytes(ssid, ssidLen), password) ?? false;
        password.fill(0);
        return ok ? 0 : -1;
      },
      random: (out, len) => {
        const m = mem();
        if (out < 0 || len < 0 || out + len > m.length) throw new RangeError('random: buffer outside memory');
        randomFillSync(m, out, len);
      },
      ...wasmCryptoImports(mem),
    };
  }

  /** The io buffer, checked to hold `len` bytes. */
  private io(len: number): Uint8Array {
    const ptr = this.exports.epv_io_buffer();
    if (len > this.exports.epv_io_capacity()) throw new RangeError(`${len} bytes exceed the firmware's io buffer`);
    return new Uint8Array(this.exports.memory.buffer, ptr, len);
  }

  private uptime(): number {
    return this.o.clockStartMs + (Date.now() - this.startedAt);
  }

  private print(line: string): void {
    this.o.console(`${line}\r\n`);
  }

  /** An event for the firmware: now, or right after the call in progress (the port contract). */
  private deliver(fn: () => void): void {
    if (this.halted) return;
    if (this.inCall) queueMicrotask(() => this.deliver(fn));
    else this.call(fn);
  }

  /** Runs one call into the module; a trap halts the firmware like a panic. */
  private call<T>(fn: () => T): T | undefined {
    this.inCall = true;
    try {
      return fn();
    } catch (e) {
      this.crash(e);
      return undefined;
    } finally {
      this.inCall = false;
    }
  }

  private crash(e: unknown): void {
    this.halted = true;
    const why = e instanceof Error ? e.message : String(e);
    // The line ESP-IDF prints on a panic, so the monitor and the workflow see a crash, not silence.
    this.print(`Guru Meditation Error: Core  0 panic'ed (${why}). Exception was unhandled.`);
    this.o.log(`firmware trapped: ${why}; the board halts until it is reset`);
    this.stopIo();
  }

  private stopIo(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.radio?.dispose();
    this.radio = undefined;
  }

  dispose(): void {
    this.stopIo();
    this.halted = true;
    try {
      this.exports.epv_power_off();
    } catch {
      // A trapped instance may trap again; its memory goes with it anyway.
    }
  }
}

function macBytes(mac: string): Uint8Array | undefined {
  return parseLinkMac(mac) ? macBytesOf(mac) : undefined;
}
