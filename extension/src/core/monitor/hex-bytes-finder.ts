import { hexDigitValue, isAsciiAlnum } from './char-codes';
import type { Span } from './redactor';

// Bound once at load: in CommonJS output (tsx, so the tests and the bench) each use of an imported binding
// runs a getter, and these run per character.
const hexValue = hexDigitValue;
const isAlnum = isAsciiAlnum;

/** A run of this many bytes of a secret inside a hex dump is enough to redact (or the whole secret if shorter). */
const MIN_BYTE_RUN = 4;

// A run of hex bytes: `de ad`, `DE:AD`, `0xde, 0xad`, `dead`, with ESP_LOG_BUFFER_HEXDUMP's double spaces.
// The look-arounds keep words like `added` or `cafe123` from being read as bytes.
const HEX_RUN = /(?<![0-9A-Za-z])(?:0[xX])?[0-9A-Fa-f]{2}(?:(?:[ \t]{1,3}|, ?|[:.-])?(?:0[xX])?[0-9A-Fa-f]{2})*(?![0-9A-Za-z])/g;
const HEX_TOKEN = /(?:0[xX])?([0-9A-Fa-f]{2})/g;
// HEX_RUN tried at one position (sticky), to read the runs of one stretch of text.
const HEX_RUN_AT = new RegExp(HEX_RUN.source, 'y');

/** By byte: 1 for the characters a HEX_RUN match can consist of (hex digits, `x`, `X`, its separators). */
const RUN_CHAR = new Uint8Array(0x100);
for (const ch of '0123456789abcdefABCDEFxX \t,:.-') RUN_CHAR[ch.charCodeAt(0)] = 1;
/** By byte: 1 for hex digits. */
const HEX_DIGIT = new Uint8Array(0x100);
for (const ch of '0123456789abcdefABCDEF') HEX_DIGIT[ch.charCodeAt(0)] = 1;

/**
 * Finds the bytes of secrets printed as hex (`de ad`, `DE:AD`, `0xde, 0xad`, `dead`): a whole secret, or a
 * run of at least 4 of its bytes, so a key split over two lines of a hex dump is caught on both.
 */
export class HexBytesFinder {
  private readonly forms: readonly Uint8Array[];
  /**
   * The first 3 bytes of every 4-byte window of every form, when all forms are at least 4 bytes long: then a
   * run can only hold a secret's bytes if 4 of its consecutive bytes are such a window, and runs of fewer
   * than 4 bytes need no look at all. Undefined when a form is shorter (every run is examined).
   */
  private readonly windows: ReadonlySet<number> | undefined;

  /** `forms`: the byte sequences to find (a secret's UTF-8, a hex key's bytes). */
  constructor(forms: readonly Uint8Array[]) {
    this.forms = forms;
    this.windows = forms.every((f) => f.length >= MIN_BYTE_RUN) ? windowsOf(forms) : undefined;
  }

  /** Adds to `spans` where secret bytes are in `text`; to `runs`, when given, every hex run (secret or not). */
  find(text: string, spans: Span[], runs?: Span[]): void {
    if (this.windows && !runs) {
      this.findInLongRuns(text, this.windows, spans);
      return;
    }
    for (const m of text.matchAll(HEX_RUN)) {
      runs?.push([m.index, m.index + m[0].length]);
      spans.push(...secretBytesInRun(m[0], m.index, this.forms));
    }
  }

  /**
   * find() when every form is at least 4 bytes long: then only runs of at least 4 bytes matter, and such a
   * run is at least 8 characters, all of them run characters (RUN_CHAR). So it suffices to look at every
   * 8th character: where one is a run character, the stretch of run characters around it is found, and if
   * it is 8 or longer, the runs in it are read as HEX_RUN's scan would: a run can only start at a hex digit
   * not preceded by a letter or digit (the look-behind), and runs never leave a stretch.
   *
   * The look is done on the text's bytes (a typed array reads faster than charCodeAt). A character above
   * U+00FF becomes its low 8 bits there, which may look like a run character: stretches can only come out
   * longer, never shorter, and whether a run starts and where it ends is decided on the text itself.
   */
  private findInLongRuns(text: string, windows: ReadonlySet<number>, spans: Span[]): void {
    const n = text.length;
    const b = latin1(text);
    let p = 7;
    while (p < n) {
      if (RUN_CHAR[b[p]] === 0) {
        p += 8;
        continue;
      }
      let lo = p;
      while (lo > 0 && RUN_CHAR[b[lo - 1]] === 1) lo--;
      let hi = p + 1;
      while (hi < n && RUN_CHAR[b[hi]] === 1) hi++;
      if (hi - lo >= 8) this.findInStretch(text, b, lo, hi, windows, spans);
      // b[hi] ends the stretch; a run after it starts at hi + 1 or later and covers hi + 8.
      p = hi + 8;
    }
  }

  private findInStretch(text: string, b: Uint8Array, lo: number, hi: number, windows: ReadonlySet<number>, spans: Span[]): void {
    const run = HEX_RUN_AT;
    // A run of 4 bytes needs 8 characters: none starts later. Skipping a start where HEX_RUN cannot match
    // (no first byte, a letter or digit before) changes nothing: its scan would move on from there too.
    for (let j = lo; j + 8 <= hi; ) {
      const firstByte = HEX_DIGIT[b[j]] === 1 && (HEX_DIGIT[b[j + 1]] === 1 || (b[j] === 0x30 && (b[j + 1] | 0x20) === 0x78 && HEX_DIGIT[b[j + 2]] === 1 && HEX_DIGIT[b[j + 3]] === 1));
      if (!firstByte || (j > 0 && isAlnum(text.charCodeAt(j - 1)))) {
        j++;
        continue;
      }
      run.lastIndex = j;
      if (!run.test(text)) {
        j++;
        continue;
      }
      const end = run.lastIndex; // sticky: the run is text[j, end)
      if (hasWindow(text, j, end, windows)) spans.push(...secretBytesInRun(text.slice(j, end), j, this.forms));
      j = end;
    }
  }
}

function secretBytesInRun(run: string, offset: number, forms: readonly Uint8Array[]): Span[] {
  const starts: number[] = [];
  const ends: number[] = [];
  const bytes: number[] = [];
  for (const t of run.matchAll(HEX_TOKEN)) {
    starts.push(offset + t.index);
    ends.push(offset + t.index + t[0].length);
    bytes.push(parseInt(t[1], 16));
  }
  const spans: Span[] = [];
  for (const key of forms) {
    const need = Math.min(key.length, MIN_BYTE_RUN);
    for (let i = 0; i < bytes.length; i++) {
      for (let a = 0; a < key.length; a++) {
        let n = 0;
        while (i + n < bytes.length && a + n < key.length && bytes[i + n] === key[a + n]) n++;
        if (n >= need) spans.push([starts[i], ends[i + n - 1]]);
      }
    }
  }
  return spans;
}

/**
 * Whether 4 consecutive bytes of the run text[from, to) (tokens as HEX_TOKEN reads them) may be a window of
 * a secret: their first 3 bytes are those of one. A yes is checked exactly by secretBytesInRun.
 */
function hasWindow(text: string, from: number, to: number, windows: ReadonlySet<number>): boolean {
  let w = 0;
  let n = 0;
  for (let i = from; i + 1 < to; ) {
    const c = text.charCodeAt(i);
    let hi: number;
    let lo: number;
    if (c === 0x30 && i + 3 < to && (text.charCodeAt(i + 1) | 0x20) === 0x78 && (hi = hexValue(text.charCodeAt(i + 2))) >= 0 && (lo = hexValue(text.charCodeAt(i + 3))) >= 0) {
      i += 4;
    } else if ((hi = hexValue(c)) >= 0 && (lo = hexValue(text.charCodeAt(i + 1))) >= 0) {
      i += 2;
    } else {
      i++;
      continue;
    }
    // The last 4 bytes; their first 3 are looked up (24 bits stay a small integer, no boxed number).
    w = ((w << 8) | (hi << 4) | lo) >>> 0;
    if (++n >= MIN_BYTE_RUN && windows.has(w >>> 8)) return true;
  }
  return false;
}

/** The first 3 bytes of every 4-byte window of the forms, as 24-bit numbers (see hasWindow). */
function windowsOf(forms: readonly Uint8Array[]): Set<number> {
  const out = new Set<number>();
  for (const f of forms) {
    for (let i = 0; i + MIN_BYTE_RUN <= f.length; i++) out.add((f[i] << 16) | (f[i + 1] << 8) | f[i + 2]);
  }
  return out;
}

/** Reused by latin1() for texts up to LATIN1_SCRATCH_MAX (a monitor chunk is about 4 KiB). */
let latin1Scratch = Buffer.allocUnsafeSlow(8192);
const LATIN1_SCRATCH_MAX = 1 << 16;

/** The text's UTF-16 units as bytes (the low 8 bits of each). Valid until the next call. */
function latin1(text: string): Uint8Array {
  if (text.length > LATIN1_SCRATCH_MAX) return Buffer.from(text, 'latin1');
  if (latin1Scratch.length < text.length) latin1Scratch = Buffer.allocUnsafeSlow(LATIN1_SCRATCH_MAX);
  latin1Scratch.write(text, 0, text.length, 'latin1');
  return latin1Scratch;
}
