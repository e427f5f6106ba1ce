import { hexDigitValue, isJsSpace } from './char-codes';

// Bound once at load: in CommonJS output (tsx, so the tests and the bench) each use of an imported binding
// runs a getter, and these run per character.
const hexValue = hexDigitValue;
const isSpace = isJsSpace;

/** A PROV_EVT line split into its event name and percent-decoded fields. */
export interface ProvEvtLine {
  readonly name: string;
  readonly fields: Readonly<Record<string, string>>;
}

/** Parses the message of a PROV_EVT line: `<event> key=value key=value`. Never throws. */
export function parseProvEvt(message: string): ProvEvtLine | undefined {
  const r = new ProvEvtReader();
  const name = r.read(message);
  if (name === undefined) return undefined;
  const fields: Record<string, string> = {};
  for (let i = 0; i < r.count; i++) fields[r.key(i)] = percentDecode(r.rawValue(i));
  return { name, fields };
}

// A PROV_EVT message as the firmware prints it: the name, then ` key=value` pairs (a key has no `=`; a value
// may), single spaces, no other whitespace. For such a message trim().split(/\s+/) is split(' ').
const CANONICAL_PROV_EVT = /^[a-z_]+(?: [^\s=]+=\S*)*$/;

/**
 * Reads a PROV_EVT message in place: the words of `trim().split(/\s+/)` (isJsSpace is `\s`), the first the
 * event name, then `key=value` pairs (words without a key or `=` are left out). Only positions are kept, so
 * the recognizer slices and decodes just the values an event needs; one reader is reused for every line.
 */
export class ProvEvtReader {
  private message = '';
  /** Per pair: where its key starts, its `=`, where its value ends. */
  private at = new Int32Array(3 * 16);
  private pairs = 0;

  /** Reads `message`; returns the event name, or undefined when there is none (or it is not `[a-z_]+`). */
  read(message: string): string | undefined {
    this.message = message;
    this.pairs = 0;
    if (CANONICAL_PROV_EVT.test(message)) return this.readCanonical(message);
    const n = message.length;
    let i = skipSpace(message, 0);
    let end = skipWord(message, i);
    if (end === i) return undefined;
    for (let k = i; k < end; k++) {
      const c = message.charCodeAt(k);
      if (c !== 0x5f && (c < 0x61 || c > 0x7a)) return undefined; // [a-z_]
    }
    const name = message.slice(i, end);
    for (i = skipSpace(message, end); i < n; i = skipSpace(message, end)) {
      end = skipWord(message, i);
      const eq = message.indexOf('=', i);
      if (eq > i && eq < end) this.add(i, eq, end);
    }
    return name;
  }

  /** read() for a message in the firmware's own form: one space between words, every word after the name a pair. */
  private readCanonical(message: string): string {
    let end = message.indexOf(' ');
    if (end === -1) return message;
    const name = message.slice(0, end);
    for (let i = end + 1; end !== -1; i = end + 1) {
      end = message.indexOf(' ', i);
      this.add(i, message.indexOf('=', i), end === -1 ? message.length : end);
    }
    return name;
  }

  /** The number of key=value pairs read. */
  get count(): number {
    return this.pairs;
  }

  private add(keyStart: number, eq: number, end: number): void {
    if (3 * this.pairs === this.at.length) {
      const more = new Int32Array(2 * this.at.length);
      more.set(this.at);
      this.at = more;
    }
    const k = 3 * this.pairs++;
    this.at[k] = keyStart;
    this.at[k + 1] = eq;
    this.at[k + 2] = end;
  }

  key(i: number): string {
    return this.message.slice(this.at[3 * i], this.at[3 * i + 1]);
  }

  rawValue(i: number): string {
    return this.message.slice(this.at[3 * i + 1] + 1, this.at[3 * i + 2]);
  }

  /** The decoded value of `key`: of its last pair, as in parseProvEvt's fields. */
  get(key: string): string | undefined {
    for (let i = this.pairs - 1; i >= 0; i--) {
      const start = this.at[3 * i];
      if (this.at[3 * i + 1] - start === key.length && this.message.startsWith(key, start)) return percentDecode(this.rawValue(i));
    }
    return undefined;
  }
}

function skipSpace(s: string, i: number): number {
  while (i < s.length && isSpace(s.charCodeAt(i))) i++;
  return i;
}

function skipWord(s: string, i: number): number {
  while (i < s.length && !isSpace(s.charCodeAt(i))) i++;
  return i;
}

const utf8Decoder = new TextDecoder('utf-8', { fatal: false });

/**
 * Decodes `%XX` escapes as UTF-8 bytes. Unlike decodeURIComponent it never throws: a malformed escape stays
 * as text and invalid UTF-8 becomes U+FFFD.
 */
export function percentDecode(value: string): string {
  if (!value.includes('%')) return value;
  const bytes: number[] = [];
  let ascii = true;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    const hi = c === 0x25 ? hexValue(value.charCodeAt(i + 1)) : -1;
    const lo = hi >= 0 ? hexValue(value.charCodeAt(i + 2)) : -1;
    if (lo >= 0) {
      const b = (hi << 4) | lo;
      bytes.push(b);
      if (b >= 0x80) ascii = false;
      i += 2;
    } else if (c < 0x80) {
      bytes.push(c);
    } else {
      ascii = false;
      // Each UTF-16 unit on its own, as TextEncoder encodes it (a lone surrogate half becomes U+FFFD).
      if (c < 0x800) bytes.push(0xc0 | (c >> 6), 0x80 | (c & 0x3f));
      else if (c >= 0xd800 && c <= 0xdfff) bytes.push(0xef, 0xbf, 0xbd);
      else bytes.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
    }
  }
  return ascii && bytes.length <= 1024 ? String.fromCharCode(...bytes) : utf8Decoder.decode(new Uint8Array(bytes));
}
