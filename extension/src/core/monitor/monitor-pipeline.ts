import type { Disposable } from '../common/disposable';
import { Emitter, type Event } from '../common/emitter';
import { splitIncompleteEscape } from './ansi';
import { boardStateFromEvents, INITIAL_BOARD_STATE, reduceBoardState, type BoardState } from './board-state';
import { colorOf, LogFilter, renderRecord, TERMINAL_EOL } from './colorizer';
import { EventRecognizer } from './event-recognizer';
import { LineSplitter, TERM_CR as CR, TERM_NONE as NONE, TERMINATOR_NAMES, type SplitLine } from './line-splitter';
import { continuationRecord, mayHoldPanicText, parseLogLine, type LogLevel, type LogRecord } from './log-line-parser';
import type { ProvisionEvent, ProvisionRole } from './provision-event';
import { Redactor, type RedactionStream } from './redactor';
import { Transcript } from './transcript';

export interface MonitorPipelineOptions {
  /** Shared redactor (one per window, updated when the password changes). Default: one without secrets. */
  readonly redactor?: Redactor;
  /** Pieces longer than this are shown before their line ends. Default 4096. */
  readonly maxLineLength?: number;
  readonly filter?: LogFilter;
  /** Prefix lines with the host's wall-clock time. */
  readonly wallClock?: boolean;
  /** The clock for `wallClock`; injected so tests need no real time. */
  readonly now?: () => Date;
  readonly monochrome?: boolean;
  /** The board's role when known (helps reading the seed example's lines). */
  readonly role?: ProvisionRole;
  /** Terminal text kept while paused; the oldest is dropped beyond this. Default 1 MiB of characters. */
  readonly maxPausedChars?: number;
  /** Lines kept for "save to file"; the oldest are dropped beyond this. Default 100,000. */
  readonly maxTranscriptLines?: number;
}

// Clear screen and scrollback, cursor home.
const CLEAR_SCREEN = '\x1b[2J\x1b[3J\x1b[H';
// Erase the current line: written before a line that follows a lone-CR line, so progress output overwrites.
const ERASE_LINE = '\x1b[2K';
const RESET = '\x1b[0m';
const EOL = TERMINAL_EOL;
// Bound once at load: in CommonJS output (tsx, so the tests and the bench) each use of an imported binding
// runs a getter, and these are used per line.
const TERM_CR = CR;
const TERM_NONE = NONE;
const parseLine = parseLogLine;
const colorOfRecord = colorOf;

/**
 * A board's monitor without the editor: bytes in; redacted, parsed, colorized terminal text, records,
 * provisioning events and the board's state out. The VS Code pseudoterminal and the CLI both drive it.
 *
 * Order matters: redaction runs first on the decoded text, so no later stage (parser, events, terminal,
 * transcript) ever sees a secret. Filters and pause only change what is rendered; records, events and the
 * transcript still get every line.
 *
 * Speed (docs/PERFORMANCE.md): a chunk's complete lines are redacted in one search over the chunk, then each
 * is parsed, recognized and rendered without further allocation than its record; the terminal text of one
 * {@link feed} goes out in one {@link onDidRender}. Pieces of a line cut by the length limit or a flush take
 * the general path, which redacts through a stream that holds back a possible secret's start.
 */
export class MonitorPipeline implements Disposable {
  private readonly renderEmitter = new Emitter<string>();
  private readonly parseEmitter = new Emitter<LogRecord>();
  private readonly recognizeEmitter = new Emitter<ProvisionEvent>();
  private readonly stateEmitter = new Emitter<BoardState>();

  /** Terminal text, `\r\n` line ends, ANSI colors: one call per {@link feed}, {@link flush} or {@link end} with all it showed. */
  readonly onDidRender: Event<string> = this.renderEmitter.event;
  /** Every parsed line (or piece of a cut line), already redacted. */
  readonly onDidParse: Event<LogRecord> = this.parseEmitter.event;
  readonly onDidRecognize: Event<ProvisionEvent> = this.recognizeEmitter.event;
  readonly onDidChangeState: Event<BoardState> = this.stateEmitter.event;

  private readonly splitter: LineSplitter;
  private readonly redactor: Redactor;
  private readonly redaction: RedactionStream;
  private readonly recognizer: EventRecognizer;
  private readonly now: () => Date;
  private readonly monochrome: boolean;
  private readonly maxPausedChars: number;
  private filter: LogFilter;
  private wallClock: boolean;

  private boardState: BoardState = INITIAL_BOARD_STATE;
  private ansiCarry = '';
  /** Part of the current line was already handled: the next piece continues it. */
  private lineOpen = false;
  private openLevel: LogLevel | undefined;
  private openShown = true;
  private eraseBeforeNext = false;

  private paused = false;
  private pausedChunks: string[] = [];
  private pausedChars = 0;
  private droppedWhilePaused = 0;

  private readonly transcript: Transcript;
  /** The part of the current line already handled (pieces of a cut or flushed line), ANSI-free. */
  private transcriptOpen = '';

  /** Terminal text of the current feed (or flush, end), rendered in one piece at its end; undefined outside one. */
  private batch: string | undefined;
  private feeding = false;
  /** Chunks fed by a listener while a chunk was being handled. */
  private queued: Array<Uint8Array | string> = [];

  constructor(options: MonitorPipelineOptions = {}) {
    this.splitter = new LineSplitter({ maxLineLength: options.maxLineLength });
    this.redactor = options.redactor ?? new Redactor();
    this.redaction = this.redactor.createStream();
    this.recognizer = new EventRecognizer(options.role);
    this.filter = options.filter ?? new LogFilter();
    this.wallClock = options.wallClock ?? false;
    this.now = options.now ?? (() => new Date());
    this.monochrome = options.monochrome ?? false;
    this.maxPausedChars = options.maxPausedChars ?? 1 << 20;
    this.transcript = new Transcript(options.maxTranscriptLines ?? 100_000);
  }

  /** The board's state derived from the events so far. */
  get state(): BoardState {
    return this.boardState;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  /** Feeds bytes from the UART (or text, e.g. from the lab). */
  feed(chunk: Uint8Array | string): void {
    if (this.feeding) {
      // A listener fed more: it follows this chunk, in order (and the splitter's block stays this chunk's).
      this.queued.push(chunk);
      return;
    }
    this.feeding = true;
    this.batched(() => {
      try {
        this.feedChunk(chunk);
        for (let next = this.queued.shift(); next !== undefined; next = this.queued.shift()) this.feedChunk(next);
      } finally {
        this.feeding = false;
        this.queued = [];
        this.transcript.seal();
      }
    });
  }

  /** Shows a pending half line now: call after a quiet period (prompts, progress without newline). */
  flush(): void {
    this.batched(() => {
      for (const piece of this.splitter.flush()) this.handle(piece, true);
      if (this.redaction.heldLength > 0) this.handle({ text: '', terminator: 'none', continued: this.lineOpen }, true);
    });
  }

  /** End of stream (port closed): decodes and shows everything still held. */
  end(): void {
    this.batched(() => {
      for (const piece of this.splitter.end()) this.handle(piece, true);
      if (this.redaction.heldLength > 0) this.handle({ text: '', terminator: 'none', continued: this.lineOpen }, true);
    });
  }

  /** Stops rendering; text is kept (bounded) and shown by {@link resume}. Parsing and events go on. */
  pause(): void {
    this.flushBatch();
    this.paused = true;
  }

  resume(): void {
    if (!this.paused) return;
    this.flushBatch();
    this.paused = false;
    const dropped = this.droppedWhilePaused;
    const text = this.pausedChunks.join('');
    this.pausedChunks = [];
    this.pausedChars = 0;
    this.droppedWhilePaused = 0;
    if (dropped > 0) this.renderEmitter.fire(this.noticeText(`${dropped} output chunks were dropped while paused`));
    if (text) this.renderEmitter.fire(text);
  }

  /** Clears the screen, the text held while paused and the transcript: what you see is what you save. */
  clear(): void {
    this.flushBatch();
    this.pausedChunks = [];
    this.pausedChars = 0;
    this.droppedWhilePaused = 0;
    this.transcript.clear();
    this.transcriptOpen = '';
    this.renderEmitter.fire(CLEAR_SCREEN);
  }

  setFilter(filter: LogFilter): void {
    this.filter = filter;
  }

  setWallClock(on: boolean): void {
    this.wallClock = on;
  }

  /** A line of the monitor's own (help, "reconnecting..."), redacted like the rest but not parsed. */
  notice(message: string): void {
    this.output(this.noticeText(this.redactor.redact(message)));
  }

  /** The transcript for "save to file": redacted, without ANSI codes, `\n` line ends. */
  saveText(): string {
    const kept = this.transcript.text();
    if (this.transcriptOpen) return kept.lines > 0 ? `${kept.text}\n${this.transcriptOpen}\n` : `${this.transcriptOpen}\n`;
    return kept.lines > 0 ? kept.text + '\n' : '';
  }

  /** Recomputes the state from scratch, e.g. after the board was reflashed. */
  resetState(events: Iterable<ProvisionEvent> = []): void {
    this.setState(boardStateFromEvents(events));
  }

  dispose(): void {
    this.renderEmitter.dispose();
    this.parseEmitter.dispose();
    this.recognizeEmitter.dispose();
    this.stateEmitter.dispose();
  }

  private feedChunk(chunk: Uint8Array | string): void {
    const block = this.splitter.pushBlock(chunk);
    const text = block.text;
    if (block.count === 0) return;
    // One search over the whole chunk for secrets, and one for a panic marker's text (redaction cannot make
    // one: ‹redacted› is in none), instead of one per line.
    const redacted = this.redactor.redactLines(text);
    const panicText = mayHoldPanicText(text);
    for (let i = 0; i < block.count; i++) {
      const start = block.start[i];
      const end = block.end[i];
      const terminator = block.terminator[i];
      // A whole line, nothing of it handled yet: the fast path. Anything else (a piece cut by the length
      // limit, the rest of a flushed line) needs the redaction stream's state.
      if (terminator !== TERM_NONE && block.continued[i] === 0 && !this.lineOpen && this.ansiCarry === '' && this.redaction.heldLength === 0) {
        this.line(redacted.line(start, end), terminator, panicText);
      } else {
        this.handle({ text: text.slice(start, end), terminator: TERMINATOR_NAMES[terminator], continued: block.continued[i] === 1 }, false);
      }
    }
  }

  /**
   * A complete line, already redacted, with nothing of it handled before: what {@link handle} does for such
   * a line, without its stream bookkeeping. Most lines of a log come here.
   */
  private line(raw: string, terminator: number, mayHavePanicText: boolean): void {
    const record = parseLine(raw, mayHavePanicText);
    this.parseEmitter.fire(record);
    this.openLevel = record.level;
    const shown = this.filter.shouldShow(record);
    this.openShown = shown;
    const e = this.recognizer.recognizeEvent(record);
    if (e) {
      this.recognizeEmitter.fire(e);
      this.setState(reduceBoardState(this.boardState, e));
    }
    this.transcript.push(this.transcriptOpen === '' ? record.plain : this.transcriptOpen + record.plain);
    this.transcriptOpen = '';

    if (!shown) return;
    const erase = this.eraseBeforeNext;
    this.eraseBeforeNext = terminator === TERM_CR;
    let out: string;
    if (this.wallClock) out = renderRecord(record, { monochrome: this.monochrome, wallClock: this.now() });
    else if (record.hasAnsi || this.monochrome) out = raw;
    else {
      const color = colorOfRecord(record);
      out = color === undefined ? raw : color + raw + RESET;
    }
    if (erase) out = ERASE_LINE + out;
    this.output(terminator === TERM_CR ? out + '\r' : out + EOL);
  }

  private handle(piece: SplitLine, release: boolean): void {
    const complete = piece.terminator !== 'none';
    let text = this.redaction.push(piece.text);
    if (complete || release) text += this.redaction.flush();
    text = this.ansiCarry + text;
    this.ansiCarry = '';
    if (!complete) {
      const split = splitIncompleteEscape(text);
      text = split.complete;
      this.ansiCarry = split.rest;
      if (text === '') return;
    }

    const first = !this.lineOpen;
    const record = first ? parseLogLine(text) : continuationRecord(text, this.openLevel);
    this.parseEmitter.fire(record);
    if (first) {
      this.openLevel = record.level;
      this.openShown = this.filter.shouldShow(record);
      for (const e of this.recognizer.recognize(record)) {
        this.recognizeEmitter.fire(e);
        this.setState(reduceBoardState(this.boardState, e));
      }
    }
    this.lineOpen = !complete;

    this.transcriptOpen += record.plain;
    if (complete) this.pushTranscript();

    if (!this.openShown) return;
    const prefix = first && this.wallClock ? this.now() : undefined;
    let out = renderRecord(record, { monochrome: this.monochrome, ...(prefix ? { wallClock: prefix } : {}) });
    if (first && this.eraseBeforeNext) out = ERASE_LINE + out;
    this.eraseBeforeNext = piece.terminator === 'cr';
    if (piece.terminator === 'cr') out += '\r';
    else if (complete) out += TERMINAL_EOL;
    this.output(out);
  }

  private pushTranscript(): void {
    this.transcript.push(this.transcriptOpen);
    this.transcriptOpen = '';
  }

  /** Runs `work` with its terminal text collected and rendered in one piece at the end (nested: the outer one). */
  private batched(work: () => void): void {
    if (this.batch !== undefined) {
      work();
      return;
    }
    this.batch = '';
    try {
      work();
    } finally {
      this.endBatch();
    }
  }

  /** Renders the text collected so far in this batch (before anything that must come after it). */
  private flushBatch(): void {
    if (!this.batch) return;
    const text = this.batch;
    this.batch = '';
    this.deliver(text);
  }

  private endBatch(): void {
    const text = this.batch;
    this.batch = undefined;
    if (text) this.deliver(text);
  }

  private output(text: string): void {
    if (this.batch !== undefined) this.batch += text;
    else this.deliver(text);
  }

  private deliver(text: string): void {
    if (!this.paused) {
      this.renderEmitter.fire(text);
      return;
    }
    this.pausedChunks.push(text);
    this.pausedChars += text.length;
    while (this.pausedChars > this.maxPausedChars && this.pausedChunks.length > 0) {
      this.pausedChars -= this.pausedChunks.shift()!.length;
      this.droppedWhilePaused++;
    }
  }

  private noticeText(message: string): string {
    return (this.monochrome ? `[monitor] ${message}` : `\x1b[36m[monitor] ${message}\x1b[0m`) + TERMINAL_EOL;
  }

  private setState(next: BoardState): void {
    if (next === this.boardState) return;
    this.boardState = next;
    this.stateEmitter.fire(next);
  }
}
