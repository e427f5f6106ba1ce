import { hasSgr, stripAnsi } from './ansi';

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

/** Parses one line (without its terminator). Never throws; anything unrecognised is `text`. */
export function parseLogLine(raw: string): LogRecord {
  const hasAnsi = hasSgr(raw);
  const plain = stripAnsi(raw);
  const base = { raw, plain, hasAnsi };

  const panic = PANIC_LINES.find(([re]) => re.test(plain));
  if (panic) {
    const backtrace = panic[1] === 'backtrace' ? parseBacktrace(plain) : undefined;
    return { ...base, kind: 'panic', level: 'E', message: plain, panic: panic[1], ...(backtrace ? { backtrace } : {}) };
  }

  const m = LOG_LINE.exec(plain);
  if (m) {
    const [, level, boot, hh, mm, ss, ms, tag, message] = m;
    const timestampMs =
      boot !== undefined ? Number(boot) : ((Number(hh) * 60 + Number(mm)) * 60 + Number(ss)) * 1000 + Number(ms);
    return {
      ...base,
      kind: 'log',
      level: level as LogLevel,
      timestampMs,
      timestampFormat: boot !== undefined ? 'boot' : 'system',
      tag: tag.trim(),
      message: message.replace(/\s+$/, ''),
    };
  }

  if (ROM_LINES.some((re) => re.test(plain))) return { ...base, kind: 'rom', message: plain };
  return { ...base, kind: 'text', message: plain };
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
