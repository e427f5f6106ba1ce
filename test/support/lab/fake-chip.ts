import type { BoardFaults, ChipContext, ChipKind, FlashStore } from '../../../extension/src/lab/chip/chip-program';
import { MemoryFlash } from './memory-flash';

/** A ChipContext that records what the chip prints, its UART bauds and its lab log. */
export class FakeChip implements ChipContext {
  readonly faults: BoardFaults = { silentBootloader: false, bitErrorRate: 0, dropAfterBytes: 0, heldInReset: false };
  readonly bauds: number[] = [];
  readonly logs: string[] = [];
  private out = '';
  private waiters: Array<{ re: RegExp; resolve: () => void }> = [];

  constructor(
    readonly chip: ChipKind = 'esp32',
    readonly mac: Uint8Array = Uint8Array.of(0x24, 0x0a, 0xc4, 0, 0, 1),
    readonly flash: FlashStore = new MemoryFlash(),
  ) {}

  /** Everything transmitted so far, as text. */
  get text(): string {
    return this.out;
  }

  transmit(data: Uint8Array): void {
    this.out += Buffer.from(data).toString('latin1');
    for (const w of [...this.waiters]) {
      if (w.re.test(this.out)) {
        this.waiters = this.waiters.filter((x) => x !== w);
        w.resolve();
      }
    }
  }

  setUartBaud(baud: number): void {
    this.bauds.push(baud);
  }

  log(message: string): void {
    this.logs.push(message);
  }

  /** Resolves when the UART text matches `re`; rejects after `ms` showing what was printed. */
  waitFor(re: RegExp, ms = 5000): Promise<void> {
    if (re.test(this.out)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.re !== re);
        reject(new Error(`UART never matched ${re} within ${ms} ms:\n${this.out}\nlog:\n${this.logs.join('\n')}`));
      }, ms);
      this.waiters.push({
        re,
        resolve: () => {
          clearTimeout(t);
          resolve();
        },
      });
    });
  }
}
