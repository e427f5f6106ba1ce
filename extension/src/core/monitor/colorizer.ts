import { ProvisionError } from '../common/errors';
import { LOG_LEVEL_RANK, type LogLevel, type LogRecord } from './log-line-parser';

const RESET = '\x1b[0m';
const LEVEL_COLOR: Record<LogLevel, string> = {
  E: '\x1b[31m', // red
  W: '\x1b[33m', // yellow
  I: '\x1b[32m', // green
  D: '\x1b[2m', // dim
  V: '\x1b[2m',
};
const PANIC_COLOR = '\x1b[1;31m'; // bold red: a crash must stand out from ordinary errors
const ROM_COLOR = '\x1b[36m'; // cyan: ROM/bootloader chatter, before the app logs
const CLOCK_COLOR = '\x1b[90m'; // gray, so the wall clock does not compete with the line

/**
 * A pseudoterminal does no newline translation (there is no tty line discipline between us and xterm.js):
 * a bare `\n` moves down without returning to column 0, so every line we write must end in `\r\n`.
 */
export const TERMINAL_EOL = '\r\n';

export interface RenderOptions {
  /** When set, the line is prefixed with this wall-clock time as `[HH:MM:SS.mmm]`. */
  readonly wallClock?: Date;
  /** Plain output (no colors of ours); the firmware's own codes are still passed through. */
  readonly monochrome?: boolean;
}

/**
 * Renders a record for a terminal, without line terminator. Lines the firmware colored itself are passed
 * through as they are, so colors are never applied twice; other lines get a color by level.
 */
export function renderRecord(record: LogRecord, options: RenderOptions = {}): string {
  const prefix = options.wallClock ? clockPrefix(options.wallClock, options.monochrome) : '';
  if (record.hasAnsi || options.monochrome) return prefix + record.raw;
  const color = colorOf(record);
  return prefix + (color ? color + record.raw + RESET : record.raw);
}

/** The color renderRecord gives a record the firmware did not color itself, if any. */
export function colorOf(record: LogRecord): string | undefined {
  if (record.kind === 'panic') return PANIC_COLOR;
  if (record.kind === 'rom') return ROM_COLOR;
  return record.level ? LEVEL_COLOR[record.level] : undefined;
}

/** `[HH:MM:SS.mmm] ` in local time. */
export function formatWallClock(d: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

function clockPrefix(d: Date, monochrome?: boolean): string {
  const text = `[${formatWallClock(d)}] `;
  return monochrome ? text : CLOCK_COLOR + text + RESET;
}

/** Level threshold per tag; `N` hides the tag entirely (as in idf.py monitor's `--print_filter`). */
export type FilterLevel = LogLevel | 'N' | '*';

export interface LogFilterOptions {
  /** Lines of this level and more severe are shown; default `V` (everything). */
  readonly minLevel?: FilterLevel;
  /** Per-tag thresholds overriding `minLevel`. */
  readonly tags?: Readonly<Record<string, FilterLevel>>;
  /** Hide lines with no level (plain text, ROM). Panics are always shown. */
  readonly hideUnleveled?: boolean;
}

/**
 * Decides which records a monitor shows. The transcript and the event recogniser still see every line: a
 * filter only changes the view.
 */
export class LogFilter {
  private readonly minLevel: FilterLevel;
  private readonly tags: ReadonlyMap<string, FilterLevel>;
  private readonly hideUnleveled: boolean;
  /** Nothing is filtered (the default): shouldShow answers without looking at the record. */
  private readonly showsAll: boolean;

  constructor(options: LogFilterOptions = {}) {
    this.minLevel = options.minLevel ?? 'V';
    this.tags = new Map(Object.entries(options.tags ?? {}));
    this.hideUnleveled = options.hideUnleveled ?? false;
    this.showsAll = this.tags.size === 0 && (this.minLevel === 'V' || this.minLevel === '*') && !this.hideUnleveled;
  }

  /**
   * Parses an idf.py-monitor style spec: `wifi:W PROV_EVT:I *:E`. A tag without a level means `V`. When tags
   * are given and `*` is not, other tags are hidden, as idf.py monitor does.
   */
  static fromSpec(spec: string): LogFilter {
    const tags: Record<string, FilterLevel> = {};
    let minLevel: FilterLevel | undefined;
    for (const item of spec.trim().split(/\s+/).filter(Boolean)) {
      const colon = item.lastIndexOf(':');
      const tag = colon === -1 ? item : item.slice(0, colon);
      const level = colon === -1 ? 'V' : item.slice(colon + 1).toUpperCase();
      if (!/^[NEWIDV*]$/.test(level)) throw new ProvisionError('config', `Monitor filter "${item}": the level must be one of N E W I D V *.`);
      if (tag === '*') minLevel = level as FilterLevel;
      else tags[tag] = level as FilterLevel;
    }
    const anyTag = Object.keys(tags).length > 0;
    return new LogFilter({ minLevel: minLevel ?? (anyTag ? 'N' : 'V'), tags });
  }

  /** True when `record` should be rendered. */
  shouldShow(record: LogRecord): boolean {
    if (this.showsAll || record.kind === 'panic') return true;
    if (!record.level) return !this.hideUnleveled && this.minLevel !== 'N';
    const threshold = (record.tag !== undefined ? this.tags.get(record.tag) : undefined) ?? this.minLevel;
    if (threshold === 'N') return false;
    if (threshold === '*') return true;
    return LOG_LEVEL_RANK[record.level] <= LOG_LEVEL_RANK[threshold];
  }

  /** Short description for the monitor's help line. */
  describe(): string {
    const parts = [...this.tags].map(([t, l]) => `${t}:${l}`);
    parts.push(`*:${this.minLevel}`);
    return parts.join(' ');
  }
}
