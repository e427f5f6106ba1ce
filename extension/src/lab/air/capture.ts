import { closeSync, fchmodSync, openSync, writeSync } from 'node:fs';
import type { Disposable } from '../../core/common/disposable';
import { pcapHeader, pcapRecord } from './pcap';

/** One ESP-NOW frame as the air saw it: one JSON line of the capture file. */
export interface CapturedFrame {
  /** Milliseconds since the air was created. */
  readonly t: number;
  readonly from: string;
  readonly to: string;
  readonly channel: number;
  /** RSSI at the destination (unicast) or the strongest receiver (broadcast); null when nobody heard it. */
  readonly rssi: number | null;
  readonly len: number;
  readonly hex: string;
  /** The radios that received it (a lost frame or a radio on another channel is not listed). */
  readonly delivered: string[];
}

/**
 * Keeps every frame in memory (for tests) and appends it to a file: a pcap for Wireshark / tshark when its
 * name ends in `.pcap`, else JSON lines (for people and scripts). Writes are synchronous on purpose: a
 * capture must be complete when a test or the lab stops, and no stream handle may outlive the lab.
 */
export class FrameCapture implements Disposable {
  private readonly kept: CapturedFrame[] = [];
  private fd: number | undefined;
  private readonly pcap: boolean;
  private readonly startedAt = Date.now();
  private seq = 0;

  constructor(
    path?: string,
    /** Frames kept in memory; the oldest go first. The file keeps everything. */
    private readonly memoryLimit = 10_000,
  ) {
    this.pcap = path?.endsWith('.pcap') ?? false;
    // In the Espressif-compatible modes credentials cross the air in clear, so the capture has them: owner only.
    // A pcap starts afresh (its header comes first); JSON lines append.
    // The mode of open() applies only to a new file: an existing one is narrowed before anything goes in.
    if (path) {
      this.fd = openSync(path, this.pcap ? 'w' : 'a', 0o600);
      fchmodSync(this.fd, 0o600);
    }
    if (this.fd !== undefined && this.pcap) writeSync(this.fd, pcapHeader());
  }

  get frames(): readonly CapturedFrame[] {
    return this.kept;
  }

  add(frame: CapturedFrame): void {
    this.kept.push(frame);
    if (this.kept.length > this.memoryLimit) this.kept.splice(0, this.kept.length - this.memoryLimit);
    if (this.fd === undefined) return;
    if (!this.pcap) writeSync(this.fd, `${JSON.stringify(frame)}\n`);
    else writeSync(this.fd, pcapRecord({ timeMs: this.startedAt + frame.t, from: frame.from, to: frame.to, channel: frame.channel, rssi: frame.rssi, data: Buffer.from(frame.hex, 'hex'), seq: this.seq++ }));
  }

  dispose(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
  }
}
