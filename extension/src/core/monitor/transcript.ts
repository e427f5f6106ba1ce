/**
 * The lines a monitor keeps for "save to file": the newest `max` (and up to one batch more in memory).
 *
 * Stored as few strings, not one per line: the lines of one batch (a feed's worth) are joined with `\n`
 * into one string when the batch is sealed. At monitor speed, a string per line kept for 100,000 lines
 * was a quarter of the pipeline's time in garbage collection (each line, and the chunk it was cut from,
 * copied out of the young generation and traced in the old one); a string per batch is a few dozen times
 * fewer objects. Lines must not contain `\n` (a LineSplitter piece never does).
 */
export class Transcript {
  private readonly max: number;
  /** Sealed batches, oldest first: their lines joined with `\n`. */
  private batches: string[] = [];
  private counts: number[] = [];
  private sealedLines = 0;
  /** Lines since the last seal. */
  private open: string[] = [];

  constructor(maxLines: number) {
    this.max = Math.max(1, maxLines);
  }

  push(line: string): void {
    this.open.push(line);
    if (this.open.length >= 4096) this.seal();
  }

  /** Joins the lines pushed since the last seal into one batch; drops batches no longer among the newest max. */
  seal(): void {
    const n = this.open.length;
    if (n === 0) return;
    this.batches.push(n === 1 ? this.open[0] : this.open.join('\n'));
    this.counts.push(n);
    this.sealedLines += n;
    this.open = [];
    while (this.sealedLines - this.counts[0] >= this.max) {
      this.sealedLines -= this.counts.shift()!;
      this.batches.shift();
    }
  }

  /** The newest max lines joined with `\n` (no final one), and how many they are. */
  text(): { text: string; lines: number } {
    this.seal();
    if (this.sealedLines === 0) return { text: '', lines: 0 };
    const parts = this.batches.slice();
    let skip = this.sealedLines - this.max;
    if (skip > 0) {
      // Within the oldest batch: dropping it would leave fewer than max lines.
      let at = -1;
      while (skip-- > 0) at = parts[0].indexOf('\n', at + 1);
      parts[0] = parts[0].slice(at + 1);
    }
    return { text: parts.join('\n'), lines: Math.min(this.sealedLines, this.max) };
  }

  clear(): void {
    this.batches = [];
    this.counts = [];
    this.sealedLines = 0;
    this.open = [];
  }
}
