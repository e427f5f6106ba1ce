import type { Disposable } from '../../core/common/disposable';
import { Emitter } from '../../core/common/emitter';
import { FrameCapture, type CapturedFrame } from './capture';
import { BROADCAST_MAC } from './mac';
import type { Random } from './rng';

/** Where a radio (or an access point) stands, in metres. */
export interface Position {
  readonly x: number;
  readonly y: number;
}

/** How the simulated air behaves. Every field has a realistic default. */
export interface AirOptions {
  /** RSSI heard at 1 m (antenna gains and TX power folded in). Default -40 dBm, typical of a dev board. */
  readonly rssiAt1m?: number;
  /** Log-distance path-loss exponent: 2 is free space, ~3 an office. Default 3. */
  readonly pathLossExponent?: number;
  /** Frames weaker than this are not heard. Default -95 dBm (ESP32 802.11b 1 Mbps sensitivity is ~ -98). */
  readonly sensitivityDbm?: number;
  /** Probability that one receiver misses one frame. Default 0. */
  readonly lossProbability?: number;
  /** Air time plus stack delay before a frame arrives. Default 2 ms. */
  readonly latencyMs?: number;
  /** Probability that a receiver gets a frame twice (a retransmission whose ack was lost). Default 0. */
  readonly duplicateProbability?: number;
  /** Default Math.random; pass `seededRandom(n)` in tests. */
  readonly random?: Random;
  /** JSON-lines capture file; in-memory capture is always on. */
  readonly capturePath?: string;
  readonly now?: () => number;
}

/** One ESP-NOW frame as a receiver hears it. */
export interface HeardFrame {
  readonly from: string;
  readonly rssi: number;
  /** The channel the receiver is tuned to (what ESP-IDF's rx_ctrl reports), which may be the sender's ± 2. */
  readonly channel: number;
  readonly data: Uint8Array;
}

/** A radio attached to the air: what one running firmware uses to send and hear ESP-NOW frames. */
export interface Radio extends Disposable {
  readonly mac: string;
  readonly channel: number;
  setChannel(channel: number): void;
  /**
   * Sends one frame on the current channel. `done` reports what `esp_now_register_send_cb` would:
   * a unicast succeeds only if the destination heard it (its MAC layer acked), a broadcast always does.
   */
  send(dest: string, data: Uint8Array, done?: (ok: boolean) => void): void;
}

/** How many channels either side of the sender still hear its frames (see transmit). */
export const ADJACENT_CHANNELS_HEARD = 2;
/** Extra attenuation per channel of offset for a frame heard off its channel. */
export const ADJACENT_CHANNEL_LOSS_DB = 20;

/** The largest ESP-NOW payload (ESP-NOW v1). */
export const MAX_FRAME_LENGTH = 250;

interface Attached {
  readonly mac: string;
  channel: number;
  readonly onFrame: (frame: HeardFrame) => void;
}

/**
 * The simulated 2.4 GHz air of one lab. Radios are keyed by MAC; a MAC's position and link overrides are
 * kept even while no firmware is attached, because a board keeps its place across reboots.
 */
export class Air implements Disposable {
  private readonly radios = new Map<string, Attached>();
  private readonly positions = new Map<string, Position>();
  private readonly outOfRange = new Set<string>();
  private readonly linkRssi = new Map<string, number>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly capture: FrameCapture;
  private readonly moved = new Emitter<string>();
  /** Fires with a MAC (or BSSID) whose position, range or pinned links changed. */
  readonly onDidMove = this.moved.event;
  private readonly started: number;
  private readonly o: Required<Omit<AirOptions, 'capturePath'>>;
  private disposed = false;

  constructor(options: AirOptions = {}) {
    this.o = {
      rssiAt1m: options.rssiAt1m ?? -40,
      pathLossExponent: options.pathLossExponent ?? 3,
      sensitivityDbm: options.sensitivityDbm ?? -95,
      lossProbability: options.lossProbability ?? 0,
      latencyMs: options.latencyMs ?? 2,
      duplicateProbability: options.duplicateProbability ?? 0,
      random: options.random ?? Math.random,
      now: options.now ?? Date.now,
    };
    this.capture = new FrameCapture(options.capturePath);
    this.started = this.o.now();
  }

  /** Every frame sent so far (bounded), for tests. */
  get frames(): readonly CapturedFrame[] {
    return this.capture.frames;
  }

  get sensitivityDbm(): number {
    return this.o.sensitivityDbm;
  }

  /** Places a radio or an access point (by MAC / BSSID). Unplaced ones stand at the origin. */
  setPosition(mac: string, position: Position): void {
    this.positions.set(mac, position);
    this.moved.fire(mac);
  }

  positionOf(mac: string): Position {
    return this.positions.get(mac) ?? { x: 0, y: 0 };
  }

  /** Fault: the board hears nothing and is heard by nobody until {@link moveIntoRange}. */
  moveOutOfRange(mac: string): void {
    this.outOfRange.add(mac);
    this.moved.fire(mac);
  }

  moveIntoRange(mac: string): void {
    this.outOfRange.delete(mac);
    this.moved.fire(mac);
  }

  /** Pins the RSSI between two MACs (both directions), overriding distance; `undefined` removes the pin. */
  setLinkRssi(a: string, b: string, rssi: number | undefined): void {
    const key = [a, b].sort().join('|');
    if (rssi === undefined) this.linkRssi.delete(key);
    else this.linkRssi.set(key, rssi);
    this.moved.fire(a);
    this.moved.fire(b);
  }

  /** RSSI one end hears from the other; -Infinity when either is out of range. */
  rssiBetween(a: string, b: string): number {
    if (this.outOfRange.has(a) || this.outOfRange.has(b)) return -Infinity;
    const pinned = this.linkRssi.get([a, b].sort().join('|'));
    if (pinned !== undefined) return pinned;
    const pa = this.positionOf(a);
    const pb = this.positionOf(b);
    // Closer than 1 m (or both unplaced, as boards side by side on a desk) reads as 1 m: the near field
    // makes the model meaningless there, and a real receiver saturates anyway.
    const d = Math.max(1, Math.hypot(pa.x - pb.x, pa.y - pb.y));
    return Math.round(this.o.rssiAt1m - 10 * this.o.pathLossExponent * Math.log10(d));
  }

  /** True when `b` would hear `a` at all (range only; channel and loss are not considered). */
  inRange(a: string, b: string): boolean {
    return this.rssiBetween(a, b) >= this.o.sensitivityDbm;
  }

  /**
   * Attaches the radio of the firmware running on board `mac`. A board that rebooted before its old
   * connection closed replaces its old radio: one chip has one radio.
   */
  attach(mac: string, onFrame: (frame: HeardFrame) => void, channel = 1): Radio {
    checkChannel(channel);
    const entry: Attached = { mac, channel, onFrame };
    this.radios.set(mac, entry);
    return {
      mac,
      get channel() {
        return entry.channel;
      },
      setChannel: (ch: number) => {
        checkChannel(ch);
        entry.channel = ch;
      },
      send: (dest: string, data: Uint8Array, done?: (ok: boolean) => void) => {
        if (this.radios.get(mac) !== entry) {
          this.later(() => done?.(false));
          return;
        }
        this.transmit(entry, dest, data, done);
      },
      dispose: () => {
        if (this.radios.get(mac) === entry) this.radios.delete(mac);
      },
    };
  }

  /** Radios attached right now, with their channels (for the lab's status and tests). */
  listRadios(): Array<{ mac: string; channel: number }> {
    return [...this.radios.values()].map((r) => ({ mac: r.mac, channel: r.channel }));
  }

  /** Runs `fn` after `ms`, tracked so that {@link dispose} leaves no timer behind. */
  later(fn: () => void, ms = 0): Disposable {
    if (this.disposed) return { dispose: () => undefined };
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
    return {
      dispose: () => {
        clearTimeout(t);
        this.timers.delete(t);
      },
    };
  }

  private transmit(sender: Attached, dest: string, data: Uint8Array, done?: (ok: boolean) => void): void {
    if (data.length === 0 || data.length > MAX_FRAME_LENGTH) throw new RangeError(`ESP-NOW frame of ${data.length} bytes`);
    const frame = Uint8Array.from(data);
    const broadcast = dest === BROADCAST_MAC;
    const delivered: Array<{ rx: Attached; rssi: number; acked: boolean }> = [];
    for (const rx of this.radios.values()) {
      const offset = Math.abs(rx.channel - sender.channel);
      if (rx === sender || offset > ADJACENT_CHANNELS_HEARD) continue;
      if (!broadcast && rx.mac !== dest) continue;
      // 2.4 GHz channels are 5 MHz apart and a 1 Mb/s ESP-NOW frame is about 22 MHz wide: a receiver one or
      // two channels off still decodes a strong frame, weaker. Only a receiver on the frame's own channel
      // acknowledges it (its ACK is sent on that channel).
      const rssi = this.rssiBetween(sender.mac, rx.mac) - ADJACENT_CHANNEL_LOSS_DB * offset;
      if (rssi < this.o.sensitivityDbm) continue;
      if (this.o.random() < this.o.lossProbability) continue;
      delivered.push({ rx, rssi, acked: offset === 0 });
    }
    const rssis = delivered.map((d) => d.rssi);
    this.capture.add({
      t: this.o.now() - this.started,
      from: sender.mac,
      to: dest,
      channel: sender.channel,
      rssi: rssis.length ? Math.max(...rssis) : null,
      len: frame.length,
      hex: Buffer.from(frame).toString('hex'),
      delivered: delivered.map((d) => d.rx.mac),
    });
    const heard: HeardFrame = { from: sender.mac, rssi: 0, channel: sender.channel, data: frame };
    for (const { rx, rssi } of delivered) {
      const copies = this.o.random() < this.o.duplicateProbability ? 2 : 1;
      for (let i = 0; i < copies; i++) {
        // A receiver that detached or retuned meanwhile misses the frame, as a real one would.
        const channel = rx.channel;
        this.later(() => {
          if (this.radios.get(rx.mac) === rx && rx.channel === channel) rx.onFrame({ ...heard, channel, rssi });
        }, this.o.latencyMs * (i + 1));
      }
    }
    const ok = broadcast || delivered.some((d) => d.acked);
    this.later(() => done?.(ok), this.o.latencyMs);
  }

  dispose(): void {
    this.disposed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.radios.clear();
    this.moved.dispose();
    this.capture.dispose();
  }
}

function checkChannel(ch: number): void {
  if (!Number.isInteger(ch) || ch < 1 || ch > 13) throw new RangeError(`Wi-Fi channel ${ch} is not 1..13`);
}
