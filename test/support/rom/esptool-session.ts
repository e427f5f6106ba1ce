import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import type { ChipKind, ChipProgram } from '../../../extension/src/lab/chip/chip-program';
import { VirtualBoard } from '../../../extension/src/lab/board/virtual-board';
import { openFlashStore } from '../../../extension/src/lab/flash/flash-store';
import { createBootloader } from '../../../extension/src/lab/rom';
import { Rfc2217Client } from '../../../extension/src/core/serial/rfc2217-client';
import { WebSerialAdapter } from '../../../extension/src/core/serial/web-serial-adapter';

/** esptool-js 0.7.0 is ESM-only; this loads it from our CommonJS tests. */
export type EsptoolJs = typeof import('esptool-js', { with: { 'resolution-mode': 'import' } });

export function loadEsptool(): Promise<EsptoolJs> {
  return import('esptool-js');
}

/** A board that idles when it boots from flash (the boot emulator is another part of the lab). */
const idleProgram = (): ChipProgram => ({ receive: () => undefined, dispose: () => undefined });

/** A virtual board with the ROM loader, reached by esptool-js through RFC2217 and the WebSerial adapter. */
export class EsptoolSession {
  readonly log: string[] = [];
  private constructor(
    readonly board: VirtualBoard,
    readonly link: Rfc2217Client,
    readonly adapter: WebSerialAdapter,
    readonly loader: InstanceType<EsptoolJs['ESPLoader']>,
    readonly transport: InstanceType<EsptoolJs['Transport']>,
    private readonly dir: string,
  ) {}

  static async open(chip: ChipKind, mac: Uint8Array, baudrate: number, index = 1): Promise<EsptoolSession> {
    const esptool = await loadEsptool();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `lab-${chip}-`));
    const board = await VirtualBoard.create({
      index,
      chip,
      mac,
      flash: openFlashStore(path.join(dir, 'flash.bin'), 4 * 1024 * 1024),
      programs: { bootloader: (ctx) => createBootloader(ctx), bootFromFlash: idleProgram },
    });
    const link = new Rfc2217Client(board.url);
    const adapter = new WebSerialAdapter(link);
    // esptool-js types its device as the DOM SerialPort; the adapter implements the part it uses.
    const transport = new esptool.Transport(adapter as unknown as ConstructorParameters<EsptoolJs['Transport']>[0], false);
    const lines: string[] = [];
    const loader = new esptool.ESPLoader({
      transport,
      baudrate,
      romBaudrate: 115200,
      terminal: { clean: () => undefined, writeLine: (s: string) => lines.push(s), write: (s: string) => lines.push(s) },
    });
    const session = new EsptoolSession(board, link, adapter, loader, transport, dir);
    session.log.push(...lines);
    return session;
  }

  async close(): Promise<void> {
    try {
      await this.transport.disconnect();
    } finally {
      this.adapter.dispose();
      this.link.dispose();
      this.board.dispose();
      fs.rmSync(this.dir, { recursive: true, force: true });
    }
  }
}

export const md5Hex = (data: Uint8Array): string => createHash('md5').update(data).digest('hex');

/**
 * A 1 MB image shaped like firmware: an image header, runs of code-like bytes that compress, and some
 * incompressible noise, so compressed and uncompressed transfers both get exercised for real.
 */
export function testImage(size: number, seed: number): Uint8Array {
  const img = new Uint8Array(size);
  let x = seed >>> 0 || 1;
  const rnd = (): number => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
  for (let i = 0; i < size; i++) img[i] = i % 4096 < 1024 ? rnd() & 0xff : (i * 31 + (i >> 8)) & 0xff;
  img[0] = 0xe9;
  return img;
}
