import { isAscii } from 'node:buffer';

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

/** Terminator codes of {@link LineBlock}, indexed by {@link TERMINATOR_NAMES}. */
export const TERM_NONE = 0;
export const TERM_LF = 1;
export const TERM_CRLF = 2;
export const TERM_CR = 3;
export const TERMINATOR_NAMES: readonly LineTerminator[] = ['none', 'lf', 'crlf', 'cr'];

/**
 * The pieces one chunk completed, as ranges of one string instead of one object per line (the monitor's
 * hot path reads them without allocating). Piece `i` is `text.slice(start[i], end[i])`, ended by
 * `terminator[i]` (a TERM_* code); `continued[i]` is 1 when it continues a line already partly emitted.
 * Valid until the next pushBlock, which reuses the arrays.
 */
export interface LineBlock {
  readonly text: string;
  readonly count: number;
  readonly start: Int32Array;
  readonly end: Int32Array;
  readonly terminator: Uint8Array;
  readonly continued: Uint8Array;
}

/**
 * Turns a UART byte stream into lines. Streaming: a line may arrive in any number of chunks, a multi-byte
 * UTF-8 character may be split between chunks, and CR, LF and CRLF may be mixed (ESP-IDF prints `\r\n`,
 * progress output uses a lone `\r`). Never throws on bad input: invalid bytes decode to U+FFFD.
 *
 * Flushing a partial line after a quiet period is the caller's decision (it owns the clock): call
 * {@link flush}. Nothing here keeps a timer.
 *
 * {@link push} returns one object per piece; {@link pushBlock} (the monitor pipeline's path) returns the same
 * pieces as ranges of one string. Both run the same scan.
 */
export class LineSplitter {
  private readonly maxLineLength: number;
  // fatal:false turns invalid sequences into U+FFFD; stream:true keeps a split sequence for the next chunk.
  private decoder = new TextDecoder('utf-8', { fatal: false });
  /** The decoder holds no part of a character: the last byte it was given was ASCII (or it got none). */
  private decoderClean = true;
  private pending = '';
  /** A CR ended the last chunk: we cannot know yet whether it is a lone CR or the first half of CRLF. */
  private pendingCr = false;
  /** Part of the current line was already emitted, so the next piece is a continuation. */
  private midLine = false;

  /** The arrays pushBlock fills, reused from call to call. */
  private readonly reused = newBlock(256);
  /** The block being filled by the current push or pushBlock. */
  private target = this.reused;

  constructor(options: LineSplitterOptions = {}) {
    this.maxLineLength = Math.max(1, options.maxLineLength ?? 4096);
  }

  /** Feeds bytes (or already-decoded text, handy for tests and lab streams); returns the lines they complete. */
  push(chunk: Uint8Array | string): SplitLine[] {
    // Its own arrays: push may run while a caller still reads the block of a pushBlock (end() from a listener).
    const b = this.scan(chunk, newBlock(16));
    const out: SplitLine[] = [];
    for (let i = 0; i < b.count; i++) {
      out.push({ text: b.text.slice(b.start[i], b.end[i]), terminator: TERMINATOR_NAMES[b.terminator[i]], continued: b.continued[i] === 1 });
    }
    return out;
  }

  /**
   * Like {@link push}, but the pieces come as ranges of one string; see {@link LineBlock}. The block is reused
   * by the next pushBlock: read it before feeding more.
   */
  pushBlock(chunk: Uint8Array | string): LineBlock {
    return this.scan(chunk, this.reused);
  }

  private scan(chunk: Uint8Array | string, b: MutableBlock): LineBlock {
    const text = typeof chunk === 'string' ? chunk : this.decode(chunk);
    this.target = b;
    b.count = 0;
    const held = this.pending.length;
    const all = held === 0 ? text : this.pending + text;
    b.text = all;
    this.pending = '';
    const n = all.length;
    let lineStart = 0;
    let i = held;
    if (this.pendingCr && text.length > 0) {
      this.pendingCr = false;
      if (all.charCodeAt(i) === 0x0a) {
        this.line(lineStart, i, TERM_CRLF);
        i++;
      } else {
        this.line(lineStart, i, TERM_CR);
      }
      lineStart = i;
    }
    // The next LF and CR at or after i; -1 when there is none (then it is never looked up again).
    let lf = all.indexOf('\n', i);
    let cr = all.indexOf('\r', i);
    let tailEnd = n;
    while (lf !== -1 || cr !== -1) {
      if (cr === -1 || (lf !== -1 && lf < cr)) {
        this.line(lineStart, lf, TERM_LF);
        lineStart = lf + 1;
        lf = all.indexOf('\n', lineStart);
      } else if (cr + 1 === n) {
        // Lone CR or the first half of CRLF: the next chunk decides.
        this.pendingCr = true;
        tailEnd = cr;
        break;
      } else if (all.charCodeAt(cr + 1) === 0x0a) {
        this.line(lineStart, cr, TERM_CRLF);
        lineStart = cr + 2;
        lf = all.indexOf('\n', lineStart);
        cr = all.indexOf('\r', lineStart);
      } else {
        this.line(lineStart, cr, TERM_CR);
        lineStart = cr + 1;
        cr = all.indexOf('\r', lineStart);
      }
    }
    lineStart = this.cutOverlong(lineStart, tailEnd);
    if (lineStart < tailEnd) this.pending = lineStart === 0 && tailEnd === n ? all : all.slice(lineStart, tailEnd);
    return b;
  }

  /**
   * Decodes a chunk as UTF-8. An ASCII chunk, with no character begun in the previous one, is read as Latin-1
   * (the same text for ASCII bytes): a tenth of TextDecoder's time, and most UART output is ASCII.
   */
  private decode(chunk: Uint8Array): string {
    if (this.decoderClean && isAscii(chunk)) {
      return (Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)).toString('latin1');
    }
    const text = this.decoder.decode(chunk, { stream: true });
    // After an ASCII byte the decoder is between characters (a sequence it cut short became U+FFFD).
    if (chunk.length > 0) this.decoderClean = chunk[chunk.length - 1] < 0x80;
    return text;
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
    this.decoderClean = true;
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
    this.decoderClean = true;
    this.pending = '';
    this.pendingCr = false;
    this.midLine = false;
  }

  /** Emits the pending text (which is ≤ maxLineLength: every push leaves it so) with `terminator`. */
  private emit(out: SplitLine[], terminator: LineTerminator): void {
    out.push({ text: this.pending, terminator, continued: this.midLine });
    this.pending = '';
    this.midLine = terminator === 'none';
  }

  /** Adds the line text[start, end) of the block being filled, after the pieces its length cuts off. */
  private line(start: number, end: number, terminator: number): void {
    start = this.cutOverlong(start, end);
    this.piece(start, end, terminator);
    this.midLine = false;
  }

  /** Adds pieces of maxLineLength while [start, end) is longer; returns where the rest starts. */
  private cutOverlong(start: number, end: number): number {
    const max = this.maxLineLength;
    const text = this.target.text;
    while (end - start > max) {
      let cut = max;
      // Never split a surrogate pair: the two halves would each render as U+FFFD.
      if (cut > 1 && isHighSurrogate(text.charCodeAt(start + cut - 1))) cut--;
      this.piece(start, start + cut, TERM_NONE);
      this.midLine = true;
      start += cut;
    }
    return start;
  }

  private piece(start: number, end: number, terminator: number): void {
    const b = this.target;
    if (b.count === b.start.length) grow(b);
    const k = b.count++;
    b.start[k] = start;
    b.end[k] = end;
    b.terminator[k] = terminator;
    b.continued[k] = this.midLine ? 1 : 0;
  }
}

type MutableBlock = { -readonly [K in keyof LineBlock]: LineBlock[K] };

function newBlock(size: number): MutableBlock {
  return { text: '', count: 0, start: new Int32Array(size), end: new Int32Array(size), terminator: new Uint8Array(size), continued: new Uint8Array(size) };
}

function grow(b: MutableBlock): void {
  const size = b.start.length * 2;
  const start = new Int32Array(size);
  const end = new Int32Array(size);
  const terminator = new Uint8Array(size);
  const continued = new Uint8Array(size);
  start.set(b.start);
  end.set(b.end);
  terminator.set(b.terminator);
  continued.set(b.continued);
  b.start = start;
  b.end = end;
  b.terminator = terminator;
  b.continued = continued;
}

function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}
