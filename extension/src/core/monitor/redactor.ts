/**
 * Redaction of known secrets (Wi-Fi password, pair key) from UART text before it reaches a terminal, a
 * file, an output channel or a log.
 *
 * Design: the redactor works on text, in two modes.
 * - `redact(text)` for a self-contained piece (a whole line, a transcript).
 * - `createStream()` for text arriving in chunks: each `push` returns only what is safe to release and holds
 *   back a tail long enough to contain the start of any secret form (the longest form minus one character,
 *   and whole hex runs), so a secret split across chunks is still caught; `flush()` releases the tail.
 *   The monitor pipeline pushes every piece of a line and flushes at the line's end, so holding never
 *   delays a complete line. A secret split by a *quiet-period* flush (the caller flushing a half line
 *   after a pause) can leak partly; firmware prints a line in one write, so that split does not happen in
 *   practice.
 *
 * Forms redacted: the text itself; its percent-encoding (PROV_EVT style); its escaped forms, where any
 * character other than a letter or digit may carry up to three backslashes (C strings and Kconfig `\"`
 * `\\`, CMake `\$` `\;`, shell `printf %q`, and one escaping inside another), appear as a JSON `\uXXXX`
 * escape, or, for `'`, as a shell's `'\''`; for a hex pair key, its hex in any case; and the bytes of each
 * secret as hex in dumps (`de ad be ef`, `DE:AD:BE:EF`, `0xde, 0xad`,
 * `deadbeef`), including a run of at least 4 of its bytes, so a key split over two hex-dump lines is
 * caught on both. Not covered: a password's characters split over two lines of a hex dump's ASCII column.
 *
 * Secrets live only in private fields of the instance; `toString`, `toJSON` and `util.inspect` show counts.
 */

import { HexBytesFinder } from './hex-bytes-finder';

/** What every secret is replaced with. Constant, so tests and users can grep for it. */
export const REDACTED = '‹redacted›';

export type SecretKind = 'password' | 'pair-key';

/** A secret to redact. A pair key given as hex (even length) is also matched by its bytes. */
export interface Secret {
  readonly kind: SecretKind;
  readonly value: string;
}

export interface RedactorOptions {
  /** Told when a secret is so short that redacting it will also hide ordinary text. Never given the secret. */
  readonly onWarning?: (message: string) => void;
}

/** Secrets shorter than this are still redacted, with a warning. */
export const SHORT_SECRET_LENGTH = 4;
/** Longest text one hex byte can take in a dump: `0x`, two digits, a separator of up to three characters. */
const MAX_CHARS_PER_BYTE = 7;

/** A stretch of text to replace: [start, end). */
export type Span = readonly [start: number, end: number];

interface Compiled {
  /**
   * exact, folded and escaped in one pattern, ignoring case (so it matches wherever one of them does): one
   * search tells whether the three need running at all.
   */
  readonly anyForm: RegExp | undefined;
  readonly exact: RegExp | undefined;
  readonly folded: RegExp | undefined;
  readonly escaped: RegExp | undefined;
  readonly hexBytes: HexBytesFinder | undefined;
  readonly hold: number;
  readonly count: number;
  /** No secret holds a CR or LF, so no match can cross a line end (see {@link Redactor.spansOfLines}). */
  readonly lineBound: boolean;
}

const EMPTY: Compiled = { anyForm: undefined, exact: undefined, folded: undefined, escaped: undefined, hexBytes: undefined, hold: 0, count: 0, lineBound: true };
/** Longest text one UTF-16 unit of a secret takes in an escaped form: `\uXXXX`. */
const MAX_CHARS_PER_ESCAPED_UNIT = 6;

/** Redacts known secrets from text; see the file comment for the streaming design. */
export class Redactor {
  #compiled: Compiled = EMPTY;
  readonly #onWarning: ((message: string) => void) | undefined;

  constructor(secrets: readonly Secret[] = [], options: RedactorOptions = {}) {
    this.#onWarning = options.onWarning;
    this.setSecrets(secrets);
  }

  /** Replaces the secrets (e.g. after the user sets a new password). Empty values are ignored. */
  setSecrets(secrets: readonly Secret[]): void {
    const exact = new Set<string>();
    const folded = new Set<string>();
    const byteForms: Uint8Array[] = [];
    const escaped: string[] = [];
    let maxEscapedUnits = 0;
    let count = 0;
    for (const s of secrets) {
      if (!s.value) continue;
      count++;
      if (s.value.length < SHORT_SECRET_LENGTH) {
        this.#onWarning?.(
          `The ${s.kind === 'password' ? 'Wi-Fi password' : 'pair key'} is only ${s.value.length} characters long: ` +
            'it is still redacted, but so is any ordinary text that happens to contain it.',
        );
      }
      const utf8 = new TextEncoder().encode(s.value);
      const isHexKey = s.kind === 'pair-key' && /^(?:[0-9a-fA-F]{2})+$/.test(s.value);
      (isHexKey ? folded : exact).add(s.value);
      folded.add(toHex(utf8));
      for (const enc of [percentEncode(utf8), safeEncodeUri(s.value)]) if (enc !== s.value) folded.add(enc);
      byteForms.push(utf8);
      if (isHexKey) byteForms.push(fromHex(s.value));
      if (/[^0-9A-Za-z]/.test(s.value)) {
        escaped.push(escapedFormPattern(s.value));
        maxEscapedUnits = Math.max(maxEscapedUnits, s.value.length);
      }
    }
    const longest = Math.max(0, ...[...exact, ...folded].map((x) => x.length));
    const maxBytes = Math.max(0, ...byteForms.map((b) => b.length));
    const textForms = [alternation(exact, 'g'), alternation(folded, 'gi'), escaped.length ? new RegExp(escaped.join('|'), 'g') : undefined];
    const sources = textForms.filter((re) => re !== undefined).map((re) => re.source);
    this.#compiled = {
      anyForm: sources.length ? new RegExp(sources.join('|'), 'i') : undefined,
      exact: textForms[0],
      folded: textForms[1],
      escaped: textForms[2],
      hexBytes: byteForms.length ? new HexBytesFinder(byteForms) : undefined,
      hold: count === 0 ? 0 : Math.max(longest - 1, maxBytes * MAX_CHARS_PER_BYTE, maxEscapedUnits * MAX_CHARS_PER_ESCAPED_UNIT - 1),
      count,
      lineBound: !secrets.some((s) => /[\r\n]/.test(s.value)),
    };
  }

  /** Number of secrets known (never their values). */
  get secretCount(): number {
    return this.#compiled.count;
  }

  /** How many characters a stream may hold back at most. */
  get maxHold(): number {
    return this.#compiled.hold;
  }

  /** Redacts a self-contained piece of text. */
  redact(text: string): string {
    if (this.#compiled.count === 0) return text;
    return applySpans(text, this.#spans(text), 0, text.length);
  }

  /**
   * For the monitor's hot path: a block of whole lines redacted with one search instead of one per line.
   * No match crosses a line end (when no secret holds one), so the spans inside a line are what redacting
   * that line alone replaces. Its lines are then read with {@link LinesRedaction.line}, in order.
   */
  redactLines(text: string): LinesRedaction {
    const c = this.#compiled;
    if (c.count === 0) return new SpanLines(text, NO_SPANS);
    if (!c.lineBound) return { line: (start, end) => this.redact(text.slice(start, end)) };
    return new SpanLines(text, this.#spans(text));
  }

  /** A chunk-by-chunk redactor over this instance's secrets. */
  createStream(): RedactionStream {
    return new RedactionStream(this, (text) => this.#findSpans(text));
  }

  toString(): string {
    return `Redactor(${this.#compiled.count} secrets)`;
  }

  toJSON(): string {
    return this.toString();
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }

  /**
   * The spans of {@link #findSpans} without the runs, found faster: the text forms only after one search
   * for any of them, and secret bytes in hex dumps only in runs of at least 4 bytes (when every byte form
   * is that long, fewer cannot match), with a look-up of each 4-byte window before the exact comparison.
   */
  #spans(text: string): Span[] {
    const c = this.#compiled;
    const spans: Span[] = [];
    if (c.anyForm?.test(text)) {
      if (c.exact) matchSpans(c.exact, text, spans);
      if (c.folded) matchSpans(c.folded, text, spans);
      if (c.escaped) matchSpans(c.escaped, text, spans);
    }
    c.hexBytes?.find(text, spans);
    return spans.length === 0 ? spans : mergeSpans(spans);
  }

  #findSpans(text: string): { spans: Span[]; runs: Span[] } {
    const c = this.#compiled;
    const spans: Span[] = [];
    for (const re of [c.exact, c.folded, c.escaped]) {
      if (!re) continue;
      for (const m of text.matchAll(re)) spans.push([m.index, m.index + m[0].length]);
    }
    const runs: Span[] = [];
    c.hexBytes?.find(text, spans, runs);
    return { spans: mergeSpans(spans), runs };
  }
}

/** The lines of a block redacted by {@link Redactor.redactLines}. */
export interface LinesRedaction {
  /** text[start, end) redacted: one whole line of the block, each after the ones before it. */
  line(start: number, end: number): string;
}

class SpanLines implements LinesRedaction {
  /** The first span not yet behind the lines read. */
  private next = 0;

  constructor(
    private readonly text: string,
    private readonly spans: readonly Span[],
  ) {}

  line(start: number, end: number): string {
    const spans = this.spans;
    while (this.next < spans.length && spans[this.next][1] <= start) this.next++;
    return this.next < spans.length && spans[this.next][0] < end ? applySpans(this.text, spans, start, end, this.next) : this.text.slice(start, end);
  }
}

/**
 * Streaming redaction: `push` returns what is safe to release now, `flush` the rest. Holds back at most
 * the redactor's `maxHold` characters (more only while a hex run or a match reaches the chunk's end).
 */
export class RedactionStream {
  private held = '';

  constructor(
    private readonly owner: Redactor,
    private readonly find: (text: string) => { spans: Span[]; runs: Span[] },
  ) {}

  push(chunk: string): string {
    const text = this.held + chunk;
    const hold = this.owner.maxHold;
    if (hold === 0) {
      this.held = '';
      return text;
    }
    const { spans, runs } = this.find(text);
    let cut = Math.max(0, text.length - hold);
    // A match or a hex run reaching past the cut may still grow with the next chunk: hold all of it, so
    // its bytes are judged whole and stay aligned.
    // A match too long to hold is released whole (redacted) rather than cut, so none of it leaks.
    for (const [s, e] of spans) if (s < cut && e > cut) cut = text.length - s <= 4 * hold ? s : e;
    for (const [s, e] of runs) if (s < cut && e > cut && text.length - s <= 4 * hold) cut = s;
    for (let i = spans.length - 1; i >= 0; i--) if (spans[i][0] < cut && spans[i][1] > cut) cut = spans[i][0];
    if (cut > 0 && isHighSurrogate(text.charCodeAt(cut - 1))) cut--;
    this.held = text.slice(cut);
    return applySpans(text, spans, 0, cut);
  }

  flush(): string {
    const rest = this.held;
    this.held = '';
    return this.owner.redact(rest);
  }

  /** Characters currently held back (for tests and diagnostics; never the text itself). */
  get heldLength(): number {
    return this.held.length;
  }
}

const NO_SPANS: readonly Span[] = Object.freeze([]);

function matchSpans(re: RegExp, text: string, out: Span[]): void {
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) out.push([m.index, m.index + m[0].length]);
}

/** text[from, to) with the spans from spans[first] on that end by `to` replaced (sorted, none before `from`). */
function applySpans(text: string, spans: readonly Span[], from: number, to: number, first = 0): string {
  let out = '';
  let pos = from;
  for (let k = first; k < spans.length && spans[k][1] <= to; k++) {
    out += text.slice(pos, spans[k][0]) + REDACTED;
    pos = spans[k][1];
  }
  return out + text.slice(pos, to);
}

function mergeSpans(spans: Span[]): Span[] {
  spans.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  const out: Array<[number, number]> = [];
  for (const [s, e] of spans) {
    const last = out[out.length - 1];
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else out.push([s, e]);
  }
  return out;
}

function alternation(items: ReadonlySet<string>, flags: string): RegExp | undefined {
  if (items.size === 0) return undefined;
  // Longest first, so a secret that contains another is redacted whole.
  const alts = [...items].sort((a, b) => b.length - a.length).map(escapeRegExp);
  return new RegExp(alts.join('|'), flags);
}

/**
 * A pattern for `secret` as escaping leaves it: per UTF-16 unit, letters and digits as they are; any other
 * unit with up to three backslashes before it, or as `\uXXXX` (either case); `'` also as `'\''` and
 * `'"'"'`. Longer runs of backslashes than three mean a fourth level of escaping, which no tool here does.
 */
function escapedFormPattern(secret: string): string {
  let out = '';
  for (let i = 0; i < secret.length; i++) {
    const ch = secret[i];
    if (/[0-9A-Za-z]/.test(ch)) {
      out += ch;
      continue;
    }
    const hex = secret.charCodeAt(i).toString(16).padStart(4, '0');
    const u = `\\\\u${[...hex].map((h) => (/[a-f]/.test(h) ? `[${h}${h.toUpperCase()}]` : h)).join('')}`;
    const alts = [`\\\\{0,3}${escapeRegExp(ch)}`, u];
    if (ch === "'") alts.push(`'\\\\''`, `'"'"'`);
    out += `(?:${alts.join('|')})`;
  }
  return out;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

function toHex(bytes: Uint8Array): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}

function fromHex(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** The firmware's PROV_EVT value encoding: space, `%`, `=` and non-printable bytes become `%XX`. */
function percentEncode(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) {
    out += b <= 0x20 || b >= 0x7f || b === 0x25 || b === 0x3d ? `%${b.toString(16).toUpperCase().padStart(2, '0')}` : String.fromCharCode(b);
  }
  return out;
}

function safeEncodeUri(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    return s; // a lone surrogate: no URI form exists, the text form is still matched
  }
}

function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}
