import { ProvisionError } from '../../../extension/src/core/common/errors';
import type { BoardLoader, ConnectLoader, LoaderChipDetails, WriteProgress } from '../../../extension/src/core/flash/board-loader';
import { md5Hex } from '../../../extension/src/core/flash/flash-plan';

/** A board's flash and bootloader behaviour, in memory; what the fake loader reads and writes. */
export class FakeBoard {
  readonly flash: Uint8Array;
  readonly calls: string[] = [];
  /** Flash data blocks written, like the lab's FlashStore stats. */
  blocksWritten = 0;
  resets = 0;
  closed = 0;
  /** Thrown from connect: a silent bootloader, a held port. */
  connectError?: Error;
  /** Corrupts the first byte of every write, so verification fails. */
  corruptWrites = false;
  /** Called after every block; tests abort or drop the link from here. */
  onBlock?: (offset: number, written: number) => void;

  constructor(
    readonly chip = 'ESP32-S3',
    size = 4 << 20,
    readonly blockSize = 16 * 1024,
  ) {
    this.flash = new Uint8Array(size).fill(0xff);
  }

  details(): LoaderChipDetails {
    return { chip: this.chip, description: `${this.chip} (QFN56) (revision v0.2)`, revision: 'v0.2', mac: '24:0a:c4:00:00:01', flashSize: `${this.flash.length >> 20}MB`, features: ['Wi-Fi'], crystal: '40MHz' };
  }
}

/** A ConnectLoader over FakeBoards by path; opens the link as the real one does. */
export function fakeConnect(boards: Map<string, FakeBoard>): ConnectLoader {
  return async (link, options) => {
    const b = boards.get(link.path);
    if (!b) throw new ProvisionError('port-missing', `${link.path} does not exist.`, options.board);
    if (b.connectError) throw b.connectError;
    await link.open(options.romBaud ?? 115200);
    b.calls.push('connect');
    return new FakeLoader(b, options.flashBaud ?? 115200);
  };
}

class FakeLoader implements BoardLoader {
  constructor(
    private readonly b: FakeBoard,
    readonly baudRate: number,
  ) {}

  get chip(): string {
    return this.b.chip;
  }

  async readChipDetails(): Promise<LoaderChipDetails> {
    this.b.calls.push('details');
    return this.b.details();
  }

  async flashMd5(offset: number, size: number): Promise<string> {
    this.b.calls.push(`md5 0x${offset.toString(16)}`);
    return md5Hex(this.b.flash.subarray(offset, offset + size));
  }

  async writeRegion(offset: number, data: Uint8Array, onProgress: WriteProgress): Promise<void> {
    this.b.calls.push(`write 0x${offset.toString(16)}`);
    for (let done = 0; done < data.length; ) {
      const n = Math.min(this.b.blockSize, data.length - done);
      this.b.flash.set(data.subarray(done, done + n), offset + done);
      if (this.b.corruptWrites && done === 0) this.b.flash[offset] ^= 0xff;
      done += n;
      this.b.blocksWritten++;
      await Promise.resolve();
      this.b.onBlock?.(offset, done);
      onProgress(done, data.length);
    }
  }

  async readFlash(offset: number, size: number): Promise<Uint8Array> {
    return this.b.flash.slice(offset, offset + size);
  }

  async hardReset(): Promise<void> {
    this.b.calls.push('reset');
    this.b.resets++;
  }

  async close(): Promise<void> {
    this.b.closed++;
  }
}
