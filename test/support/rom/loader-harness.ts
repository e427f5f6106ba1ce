import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { BoardFaults, ChipContext, ChipKind, ChipProgram, FlashStore } from '../../../extension/src/lab/chip/chip-program';
import { openFlashStore } from '../../../extension/src/lab/flash/flash-store';
import { createBootloader } from '../../../extension/src/lab/rom';
import { checksumOf, u32le } from '../../../extension/src/lab/rom/protocol';
import { SlipDecoder, slipEncode } from '../../../extension/src/core/serial/slip';

/** A decoded response packet. */
export interface Response {
  op: number;
  value: number;
  /** Data before the status bytes. */
  data: Uint8Array;
  status: Uint8Array;
}

/**
 * Drives the ROM loader emulator directly through a fake ChipContext (no board, no pacing): the test
 * plays the host, sending SLIP requests and reading SLIP frames back.
 */
export class LoaderHarness {
  readonly frames: Uint8Array[] = [];
  readonly bauds: number[] = [];
  readonly logs: string[] = [];
  readonly faults: BoardFaults = { silentBootloader: false, bitErrorRate: 0, dropAfterBytes: 0, heldInReset: false };
  readonly flash: FlashStore;
  readonly program: ChipProgram;
  rawTx: number[] = [];
  private waiters: Array<() => void> = [];
  private readonly dir: string;

  constructor(
    readonly chip: ChipKind,
    flashSize = 4 * 1024 * 1024,
  ) {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rom-test-'));
    this.flash = openFlashStore(path.join(this.dir, 'flash.bin'), flashSize);
    const decoder = new SlipDecoder((f) => {
      this.frames.push(f);
      for (const w of this.waiters.splice(0)) w();
    });
    const ctx: ChipContext = {
      chip,
      mac: Uint8Array.of(0x24, 0x0a, 0xc4, 0x12, 0x34, 0x56),
      flash: this.flash,
      faults: this.faults,
      transmit: (d) => {
        this.rawTx.push(...d);
        decoder.push(d);
      },
      setUartBaud: (b) => this.bauds.push(b),
      log: (m) => this.logs.push(m),
    };
    this.program = createBootloader(ctx, { banner: false });
  }

  /** Sends one request packet (SLIP-framed), optionally split into `chunks` pieces. */
  send(op: number, data: Uint8Array = new Uint8Array(0), checksum = 0, chunks = 1): void {
    const pkt = new Uint8Array(8 + data.length);
    pkt[1] = op;
    pkt[2] = data.length & 0xff;
    pkt[3] = data.length >> 8;
    pkt.set(u32le(checksum), 4);
    pkt.set(data, 8);
    this.sendRaw(slipEncode(pkt), chunks);
  }

  sendRaw(bytes: Uint8Array, chunks = 1): void {
    const step = Math.ceil(bytes.length / chunks);
    for (let i = 0; i < bytes.length; i += step) this.program.receive(bytes.subarray(i, i + step));
  }

  /** Waits until `n` frames are buffered, then takes them. */
  async take(n: number, ms = 2000): Promise<Uint8Array[]> {
    const deadline = Date.now() + ms;
    while (this.frames.length < n) {
      if (Date.now() > deadline) throw new Error(`expected ${n} frames, got ${this.frames.length}`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 20);
      });
    }
    return this.frames.splice(0, n);
  }

  /** Sends a request and returns its (single) response, decoded with `statusLength` status bytes. */
  async command(op: number, data: Uint8Array = new Uint8Array(0), checksum = 0, statusLength = 4): Promise<Response> {
    this.send(op, data, checksum);
    const [f] = await this.take(1);
    return decode(f, statusLength);
  }

  /** A data command (FLASH_DATA etc.) with the right checksum unless `checksum` overrides it. */
  dataCommand(op: number, seq: number, block: Uint8Array, statusLength = 4, checksum = checksumOf(block)): Promise<Response> {
    const payload = new Uint8Array(16 + block.length);
    payload.set(u32le(block.length, seq, 0, 0));
    payload.set(block, 16);
    return this.command(op, payload, checksum, statusLength);
  }

  /** Uploads a fake stub (a RAM segment with its entry inside) and waits for "OHAI". */
  async startStub(): Promise<void> {
    const ramStart = { esp32: 0x40080000, esp32s3: 0x40378000, esp32c3: 0x40380000 }[this.chip];
    const code = new Uint8Array(64).fill(0x11);
    await this.command(0x05, u32le(code.length, 1, 0x1800, ramStart));
    await this.dataCommand(0x07, 0, code);
    await this.command(0x06, u32le(0, ramStart + 4));
    const [ohai] = await this.take(1);
    if (new TextDecoder().decode(ohai) !== 'OHAI') throw new Error('no OHAI');
  }

  dispose(): void {
    this.program.dispose();
    this.flash.dispose();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Splits a response frame into header fields, data and `statusLength` trailing status bytes. */
export function decode(f: Uint8Array, statusLength: number): Response {
  const body = f.subarray(8);
  return {
    op: f[1],
    value: (f[4] | (f[5] << 8) | (f[6] << 16) | (f[7] << 24)) >>> 0,
    data: body.subarray(0, body.length - statusLength),
    status: body.subarray(body.length - statusLength),
  };
}
