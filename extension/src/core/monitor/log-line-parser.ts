import { colorWrapped, hasSgr, stripAnsi } from './ansi';

/** ESP-IDF log levels, most severe first. */
export type LogLevel = 'E' | 'W' | 'I' | 'D' | 'V';

/** Severity order, so a filter can say "W and more severe". */
export const LOG_LEVEL_RANK: Record<LogLevel, number> = { E: 1, W: 2, I: 3, D: 4, V: 5 };

/**
 * What a line is: an ESP-IDF log line, a ROM/bootloader line printed before logging starts, a panic
 * marker, or any other text (printf output, prompts, hex dumps).
 */
export type LineKind = 'log' | 'rom' | 'panic' | 'text';

/** Which panic marker a line carries; the decoder (addr2line) wants the backtrace ones. */
export type PanicMarker = 'guru-meditation' | 'backtrace' | 'abort' | 'assert' | 'stack-overflow' | 'register-dump' | 'stack-smashing';

/** One PC:SP pair of a `Backtrace:` line. */
export interface BacktraceFrame {
  readonly pc: number;
  readonly sp: number;
}

/** A parsed UART line. `raw` is the line as received (after redaction), with its ANSI codes. */
export interface LogRecord {
  readonly kind: LineKind;
  /** Level of a log line; `E` for panic lines; undefined for ROM lines and plain text. */
  readonly level?: LogLevel;
  /** Milliseconds since boot `(123)`, or since midnight for the system-time format `(12:34:56.789)`. */
  readonly timestampMs?: number;
  readonly timestampFormat?: 'boot' | 'system';
  readonly tag?: string;
  /** The message after `tag: ` for log lines; the ANSI-free line otherwise. */
  readonly message: string;
  readonly raw: string;
  /** `raw` without ANSI codes. */
  readonly plain: string;
  /** The firmware colored this line itself (CONFIG_LOG_COLORS): renderers keep its colors. */
  readonly hasAnsi: boolean;
  readonly panic?: PanicMarker;
  readonly backtrace?: readonly BacktraceFrame[];
  /** A later piece of a line cut by the length limit or a flush; it carries the level of the line's start. */
  readonly continued?: boolean;
}

// `I (123) tag: msg` or `I (12:34:56.789) tag: msg`. The Wi-Fi blob prints `wifi:msg` without a space, and
// tags may hold spaces (`wifi station`), so the tag runs to the first colon.
const LOG_LINE = /^([EWIDV]) \((?:(\d+)|(?:\d{4}-\d{2}-\d{2} )?(\d{1,2}):(\d{2}):(\d{2})\.(\d{3}))\) ([^:]*?): ?(.*)$/s;

const ROM_LINES: readonly RegExp[] = [
  /^ets [A-Z][a-z]{2} [ \d]\d \d{4}/, // ESP32 ROM banner: `ets Jun  8 2016 00:22:57`
  /^rst:0x[0-9a-f]+ \(/i, // reset reason
  /^ESP-ROM:/, // newer chips' ROM banner
  /^Build:[A-Z][a-z]{2} /,
  /^configsip: /,
  /^clk_drv:0x/,
  /^mode:(?:DIO|QIO|DOUT|QOUT|FASTRD|SLOWRD)/,
  /^load:0x[0-9a-f]+,len:/i,
  /^entry 0x[0-9a-f]+/i,
  /^SPIWP:0x/,
  /^boot:0x[0-9a-f]+ \(/i,
  /^waiting for download/,
  /^Saved PC:0x/,
];

const PANIC_LINES: ReadonlyArray<readonly [RegExp, PanicMarker]> = [
  [/Guru Meditation Error/, 'guru-meditation'],
  [/^Backtrace: ?(?:0x[0-9a-f]{8}:0x[0-9a-f]{8}|$)/i, 'backtrace'],
  [/abort\(\) was called/, 'abort'],
  [/^assert failed:|assertion ".*" failed/, 'assert'],
  [/\*\*\*ERROR\*\*\* A stack overflow in task/, 'stack-overflow'],
  [/^Core {1,2}\d register dump:/, 'register-dump'],
  [/Stack smashing protect failure/, 'stack-smashing'],
];

// A part of each PANIC_LINES pattern that is not anchored at the line start: where none is found, only
// the anchored ones can match. One search instead of seven (and a short one, on rarer letters).
const PANIC_HINT = /Meditation|was called|ssertion "|\*\*\*ERROR|smashing/;

/**
 * Whether `text` (one line or many) may hold the text of a panic marker that is not at a line start. When
 * it does not, parseLogLine can be told so for each of its lines that has no escape code (for one that has,
 * stripping the codes could join the words of a marker).
 */
export function mayHoldPanicText(text: string): boolean {
  return PANIC_HINT.test(text);
}

/**
 * Parses one line (without its terminator). Never throws; anything unrecognised is `text`.
 * `mayHavePanicText: false` skips the search for panic text that mayHoldPanicText did over the whole chunk.
 */
export function parseLogLine(raw: string, mayHavePanicText = true): LogRecord {
  let hasAnsi = false;
  let plain = raw;
  if (raw.indexOf('\x1b') !== -1) {
    const inner = colorWrapped(raw);
    hasAnsi = inner !== undefined || hasSgr(raw);
    plain = inner ?? stripAnsi(raw);
    mayHavePanicText = true;
  }

  const panic = panicMarker(plain, mayHavePanicText);
  if (panic) {
    const backtrace = panic === 'backtrace' ? parseBacktrace(plain) : undefined;
    return backtrace
      ? { raw, plain, hasAnsi, kind: 'panic', level: 'E', message: plain, panic, backtrace }
      : { raw, plain, hasAnsi, kind: 'panic', level: 'E', message: plain, panic };
  }

  const c = plain.charCodeAt(0);
  // E, W, I, D, V then ` (`: the only lines LOG_LINE can match.
  if ((c === 0x49 || c === 0x57 || c === 0x45 || c === 0x44 || c === 0x56) && plain.charCodeAt(1) === 0x20 && plain.charCodeAt(2) === 0x28) {
    const log = parseLogHeader(raw, plain, hasAnsi);
    if (log) return log;
  }

  // Every ROM pattern starts with one of these letters (either case, for the /i ones).
  const lower = c | 0x20;
  if ((lower === 0x65 || lower === 0x72 || lower === 0x62 || lower === 0x63 || lower === 0x6d || lower === 0x6c || lower === 0x73 || lower === 0x77) && ROM_LINES.some((re) => re.test(plain))) {
    return { raw, plain, hasAnsi, kind: 'rom', message: plain };
  }
  return { raw, plain, hasAnsi, kind: 'text', message: plain };
}

/** The first PANIC_LINES marker `plain` carries, tried in the list's order. */
function panicMarker(plain: string, mayHavePanicText: boolean): PanicMarker | undefined {
  const c = plain.charCodeAt(0);
  // The anchored patterns start with `Backtrace:` (either case), `assert failed:` or `Core `.
  if (c !== 0x42 && c !== 0x62 && c !== 0x61 && c !== 0x43 && !(mayHavePanicText && PANIC_HINT.test(plain))) return undefined;
  for (const [re, marker] of PANIC_LINES) if (re.test(plain)) return marker;
  return undefined;
}

/**
 * LOG_LINE for `plain`, which starts with a level and ` (`. The usual boot-time form `I (123) tag: msg` is
 * read by hand; anything else (the system-time form, or no match) goes to the regex itself.
 */
function parseLogHeader(raw: string, plain: string, hasAnsi: boolean): LogRecord | undefined {
  let i = 3;
  let ms = 0;
  for (let d = plain.charCodeAt(i) - 0x30; d >= 0 && d <= 9; d = plain.charCodeAt(++i) - 0x30) ms = ms * 10 + d;
  const colon = i > 3 && plain.charCodeAt(i) === 0x29 && plain.charCodeAt(i + 1) === 0x20 ? plain.indexOf(':', i + 2) : -2;
  if (colon === -1) return undefined; // no colon after the header: not a log line
  if (colon === -2) return parseLogLineRegex(raw, plain, hasAnsi);
  // Past 15 digits the running sum is no longer exact; Number() rounds the way the regex path did.
  const timestampMs = i - 3 > 15 ? Number(plain.slice(3, i)) : ms;
  const messageStart = plain.charCodeAt(colon + 1) === 0x20 ? colon + 2 : colon + 1;
  return {
    raw,
    plain,
    hasAnsi,
    kind: 'log',
    level: plain[0] as LogLevel,
    timestampMs,
    timestampFormat: 'boot',
    tag: plain.slice(i + 2, colon).trim(),
    // LOG_LINE's `\s+$` strip: \s and trimEnd() take the same characters.
    message: plain.slice(messageStart).trimEnd(),
  };
}

function parseLogLineRegex(raw: string, plain: string, hasAnsi: boolean): LogRecord | undefined {
  const m = LOG_LINE.exec(plain);
  if (!m) return undefined;
  const [, level, boot, hh, mm, ss, ms, tag, message] = m;
  const timestampMs = boot !== undefined ? Number(boot) : ((Number(hh) * 60 + Number(mm)) * 60 + Number(ss)) * 1000 + Number(ms);
  return {
    raw,
    plain,
    hasAnsi,
    kind: 'log',
    level: level as LogLevel,
    timestampMs,
    timestampFormat: boot !== undefined ? 'boot' : 'system',
    tag: tag.trim(),
    message: message.replace(/\s+$/, ''),
  };
}

/** `Backtrace: 0x400d1234:0x3ffb5c50 0x...` → PC/SP pairs (`|<-CORRUPTED` and the like are ignored). */
export function parseBacktrace(line: string): BacktraceFrame[] {
  const frames: BacktraceFrame[] = [];
  for (const m of line.matchAll(/0x([0-9a-f]{8}):0x([0-9a-f]{8})/gi)) {
    frames.push({ pc: parseInt(m[1], 16), sp: parseInt(m[2], 16) });
  }
  return frames;
}

/** A record for a later piece of a cut line: no header to parse, the level (color) of the line's start. */
export function continuationRecord(raw: string, level: LogLevel | undefined): LogRecord {
  const plain = stripAnsi(raw);
  return { kind: 'text', raw, plain, message: plain, hasAnsi: hasSgr(raw), continued: true, ...(level ? { level } : {}) };
}
