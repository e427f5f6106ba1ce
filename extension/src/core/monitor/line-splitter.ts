/** How a line ended on the wire. `none`: cut by the length limit or by a flush, more may follow. */
export type LineTerminator = 'lf' | 'crlf' | 'cr' | 'none';

/** One piece of the UART stream, split at line ends. */
export interface SplitLine {
  /** The line's text without its terminator; invalid UTF-8 is already U+FFFD. */
  readonly text: string;
  readonly terminator: LineTerminator;
  /** True when this piece continues a line whose earlier part was already emitted (length cut or flush). */
  readonly continued: boolean;
}

export interface LineSplitterOptions {
  /** Longer pending text is emitted in pieces of this many characters (terminator `none`). Default 4096. */
  readonly maxLineLength?: number;
}

/**
 * Turns a UART byte stream into lines. Streaming: a line may arrive in any number of chunks, a multi-byte
 * UTF-8 character may be split between chunks, and CR, LF and CRLF may be mixed (ESP-IDF prints `\r\n`,
 * progress output uses a lone `\r`). Never throws on bad input: invalid bytes decode to U+FFFD.
 *
 * Flushing a partial line after a quiet period is the caller's decision (it owns the clock): call
 * {@link flush}. Nothing here keeps a timer.
 */
export class LineSplitter {
  private readonly maxLineLength: number;
  // fatal:false turns invalid sequences into U+FFFD; stream:true keeps a split sequence for the next chunk.
  private decoder = new TextDecoder('utf-8', { fatal: false });
  private pending = '';
  /** A CR ended the last chunk: we cannot know yet whether it is a lone CR or the first half of CRLF. */
  private pendingCr = false;
  /** Part of the current line was already emitted, so the next piece is a continuation. */
  private midLine = false;

  constructor(options: LineSplitterOptions = {}) {
    this.maxLineLength = Math.max(1, options.maxLineLength ?? 4096);
  }

  /** Feeds bytes (or already-decoded text, handy for tests and lab streams); returns the lines they complete. */
  push(chunk: Uint8Array | string): SplitLine[] {
    const text = typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
    const out: SplitLine[] = [];
    let start = 0;
    let i = 0;
    if (this.pendingCr && text.length > 0) {
      this.pendingCr = false;
      if (text[0] === '\n') {
        this.emit(out, 'crlf');
        start = i = 1;
      } else {
        this.emit(out, 'cr');
      }
    }
    for (; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c !== 0x0a && c !== 0x0d) continue;
      this.pending += text.slice(start, i);
      if (c === 0x0a) {
        this.emit(out, 'lf');
      } else if (i + 1 === text.length) {
        this.pendingCr = true;
      } else if (text.charCodeAt(i + 1) === 0x0a) {
        this.emit(out, 'crlf');
        i++;
      } else {
        this.emit(out, 'cr');
      }
      start = i + 1;
    }
    if (start < text.length) this.pending += text.slice(start);
    this.cutOverlong(out);
    return out;
  }

  /**
   * Emits the pending partial line (terminator `none`; its rest, when it comes, is marked `continued`).
   * Bytes of an incomplete UTF-8 character stay in the decoder, and a trailing CR stays undecided (its
   * line's text is shown, its ending comes with the next chunk): a quiet period must not turn a CRLF
   * split in two into two line ends.
   */
  flush(): SplitLine[] {
    const out: SplitLine[] = [];
    if (this.pending.length > 0) this.emit(out, 'none');
    return out;
  }

  /** End of stream: decodes what the decoder still holds (as U+FFFD when incomplete) and emits everything. */
  end(): SplitLine[] {
    const rest = this.decoder.decode();
    this.decoder = new TextDecoder('utf-8', { fatal: false });
    const out = rest ? this.push(rest) : [];
    if (this.pendingCr) {
      this.pendingCr = false;
      this.emit(out, 'cr');
    } else {
      out.push(...this.flush());
    }
    this.midLine = false;
    return out;
  }

  /** Drops everything pending (e.g. after a reset of the board), keeping no half line around. */
  reset(): void {
    this.decoder = new TextDecoder('utf-8', { fatal: false });
    this.pending = '';
    this.pendingCr = false;
    this.midLine = false;
  }

  private emit(out: SplitLine[], terminator: LineTerminator): void {
    this.cutOverlong(out);
    out.push({ text: this.pending, terminator, continued: this.midLine });
    this.pending = '';
    this.midLine = terminator === 'none';
  }

  private cutOverlong(out: SplitLine[]): void {
    while (this.pending.length > this.maxLineLength) {
      let cut = this.maxLineLength;
      // Never split a surrogate pair: the two halves would each render as U+FFFD.
      if (isHighSurrogate(this.pending.charCodeAt(cut - 1))) cut--;
      const head = this.pending.slice(0, cut);
      this.pending = this.pending.slice(cut);
      out.push({ text: head, terminator: 'none', continued: this.midLine });
      this.midLine = true;
    }
  }
}

function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}
