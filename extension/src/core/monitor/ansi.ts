/**
 * ANSI escape handling for UART text. ESP-IDF wraps log lines in SGR colors (`\x1b[0;32m ... \x1b[0m`)
 * when CONFIG_LOG_COLORS is on; other firmware may send cursor codes. We strip all CSI sequences (and the
 * short two-byte escapes) for parsing and for saved transcripts, and detect SGR to know the firmware
 * colored a line itself.
 */

const ESC = '\x1b';

// CSI: ESC [ parameters intermediates final. Two-byte escapes: ESC followed by one char in @..Z, \..._
// OSC (ESC ] ... BEL or ESC \) carries window titles; it is stripped too.
const ANSI_PATTERN = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g;
const SGR_PATTERN = /\x1b\[[0-9;]*m/;

/** Removes ANSI escape sequences. An incomplete escape at the very end is removed too (see AnsiStreamStripper). */
export function stripAnsi(text: string): string {
  if (!text.includes(ESC)) return text;
  const cut = incompleteEscapeStart(text);
  return (cut === -1 ? text : text.slice(0, cut)).replace(ANSI_PATTERN, '');
}

/**
 * The text inside ESP-IDF's color wrapper, `ESC[<digits and ;>m text ESC[0m` with no other escape in it:
 * for such a line what stripAnsi returns, without its regexes (with CONFIG_LOG_COLORS most log lines are
 * like this). Undefined for any other shape.
 */
export function colorWrapped(text: string): string | undefined {
  if (text.charCodeAt(0) !== 0x1b || text.charCodeAt(1) !== 0x5b) return undefined;
  let i = 2;
  for (let c = text.charCodeAt(i); (c >= 0x30 && c <= 0x39) || c === 0x3b; c = text.charCodeAt(++i));
  const end = text.length - 4;
  if (text.charCodeAt(i) !== 0x6d || end <= i || !text.endsWith('\x1b[0m') || text.indexOf(ESC, i + 1) !== end) return undefined;
  return text.slice(i + 1, end);
}

/** True when the text holds at least one SGR (color/style) sequence. */
export function hasSgr(text: string): boolean {
  return text.includes(ESC) && SGR_PATTERN.test(text);
}

/**
 * Where an escape sequence begins that the end of `text` cuts in half, or -1. Used to hold such a tail
 * back until the next chunk, so no half code reaches a terminal or a file.
 */
export function incompleteEscapeStart(text: string): number {
  const at = text.lastIndexOf(ESC);
  if (at === -1) return -1;
  const tail = text.slice(at);
  if (tail.length === 1) return at;
  const kind = tail[1];
  if (kind === '[') return /^\x1b\[[0-?]*[ -/]*[@-~]/.test(tail) ? -1 : at;
  if (kind === ']') return /^\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)/.test(tail) ? -1 : at;
  return -1;
}

/**
 * Strips ANSI from a stream of text chunks. An escape cut across chunks is held back and completed by the
 * next chunk, so neither half leaks as visible garbage like `[0;32m`. Held text is bounded: a "sequence"
 * longer than 64 characters is not an escape and is released as text.
 */
export class AnsiStreamStripper {
  private held = '';

  push(chunk: string): string {
    const text = this.held + chunk;
    this.held = '';
    const cut = incompleteEscapeStart(text);
    if (cut !== -1 && text.length - cut <= 64) {
      this.held = text.slice(cut);
      return text.slice(0, cut).replace(ANSI_PATTERN, '');
    }
    return text.replace(ANSI_PATTERN, '');
  }

  /** Releases what is held; an escape that never completed is dropped rather than shown half. */
  flush(): string {
    const rest = this.held;
    this.held = '';
    return stripAnsi(rest);
  }
}

/**
 * Splits `text` into the part that is safe to write now and an incomplete escape at its end (to prepend to
 * the next chunk). For pass-through rendering, where codes are kept rather than stripped.
 */
export function splitIncompleteEscape(text: string): { complete: string; rest: string } {
  const cut = incompleteEscapeStart(text);
  if (cut === -1 || text.length - cut > 64) return { complete: text, rest: '' };
  return { complete: text.slice(0, cut), rest: text.slice(cut) };
}
