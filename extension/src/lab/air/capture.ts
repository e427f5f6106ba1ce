import { closeSync, openSync, writeSync } from 'node:fs';
import type { Disposable } from '../../core/common/disposable';

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
 * Keeps every frame in memory (for tests) and appends it to a JSON-lines file (for people). Writes are
 * synchronous on purpose: a capture must be complete when a test or the lab stops, and no stream handle
 * may outlive the lab.
 */
export class FrameCapture implements Disposable {
  private readonly kept: CapturedFrame[] = [];
  private fd: number | undefined;

  constructor(
    path?: string,
    /** Frames kept in memory; the oldest go first. The file keeps everything. */
    private readonly memoryLimit = 10_000,
  ) {
    // In the Espressif-compatible modes credentials cross the air in clear, so the capture has them: owner only.
    if (path) this.fd = openSync(path, 'a', 0o600);
  }

  get frames(): readonly CapturedFrame[] {
    return this.kept;
  }

  add(frame: CapturedFrame): void {
    this.kept.push(frame);
    if (this.kept.length > this.memoryLimit) this.kept.splice(0, this.kept.length - this.memoryLimit);
    if (this.fd !== undefined) writeSync(this.fd, `${JSON.stringify(frame)}\n`);
  }

  dispose(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
  }
}
