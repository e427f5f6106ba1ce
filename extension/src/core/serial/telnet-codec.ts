import { Telnet, TelnetOption } from './telnet-codes';

/** What the decoder found in the byte stream, in order. */
export type TelnetEvent =
  | { kind: 'data'; data: Uint8Array }
  /** WILL/WONT/DO/DONT with its option. */
  | { kind: 'negotiate'; command: number; option: number }
  /** IAC SB <option> <payload> IAC SE, with IAC IAC inside already unescaped. */
  | { kind: 'subnegotiation'; option: number; payload: Uint8Array }
  /** Any other two-byte command (NOP, BRK, AYT...). */
  | { kind: 'command'; command: number };

/**
 * A local copy: bundlers and tsx import `Telnet` through a getter, which the per-byte loops below would
 * call for every byte (4 % of the main thread when 32 lab boards flash at once; bench/).
 */
const IAC = Telnet.IAC;

const enum State {
  Data,
  Iac,
  Negotiate,
  Sub,
  SubIac,
}

/**
 * Streaming telnet decoder. The network splits bytes anywhere (between IAC and its command, inside a
 * subnegotiation), so all parsing state survives between `decode` calls.
 */
export class TelnetDecoder {
  private state = State.Data;
  private negotiateCommand = 0;
  private sub: number[] = [];
  /** A subnegotiation longer than this is not RFC2217; it is dropped instead of growing without bound. */
  private static readonly MAX_SUB = 4096;

  decode(chunk: Uint8Array): TelnetEvent[] {
    const events: TelnetEvent[] = [];
    // Runs of data bytes, as views of the chunk; the escaped 0xFF of an IAC IAC starts the next run.
    let pieces: Uint8Array[] = [];
    let dataStart = -1;
    const flushData = (end: number): void => {
      if (dataStart >= 0 && end > dataStart) pieces.push(chunk.subarray(dataStart, end));
      dataStart = -1;
      if (pieces.length === 0) return;
      events.push({ kind: 'data', data: pieces.length === 1 ? pieces[0].slice() : concat(pieces) });
      pieces = [];
    };
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i];
      switch (this.state) {
        case State.Data: {
          // Plain bytes up to the next IAC are data: skip them at once (indexOf is native).
          const iac = b === IAC ? i : chunk.indexOf(IAC, i);
          if (dataStart < 0 && iac !== i) dataStart = i;
          if (iac < 0) {
            i = chunk.length;
            break;
          }
          if (dataStart >= 0) pieces.push(chunk.subarray(dataStart, iac));
          dataStart = -1;
          i = iac;
          this.state = State.Iac;
          break;
        }
        case State.Iac:
          this.state = State.Data;
          if (b === IAC) {
            dataStart = i;
          } else if (b === Telnet.WILL || b === Telnet.WONT || b === Telnet.DO || b === Telnet.DONT) {
            flushData(i);
            this.negotiateCommand = b;
            this.state = State.Negotiate;
          } else if (b === Telnet.SB) {
            flushData(i);
            this.sub = [];
            this.state = State.Sub;
          } else {
            flushData(i);
            events.push({ kind: 'command', command: b });
          }
          break;
        case State.Negotiate:
          events.push({ kind: 'negotiate', command: this.negotiateCommand, option: b });
          this.state = State.Data;
          break;
        case State.Sub:
          if (b === IAC) this.state = State.SubIac;
          else this.pushSub(b);
          break;
        case State.SubIac:
          if (b === IAC) {
            this.pushSub(0xff);
            this.state = State.Sub;
          } else if (b === Telnet.SE) {
            if (this.sub.length > 0) {
              events.push({ kind: 'subnegotiation', option: this.sub[0], payload: Uint8Array.from(this.sub.slice(1)) });
            }
            this.sub = [];
            this.state = State.Data;
          } else {
            // IAC <other> inside SB is a protocol error; RFC 855 lets us end the subnegotiation there.
            this.sub = [];
            this.state = State.Data;
          }
          break;
      }
    }
    flushData(chunk.length);
    return events;
  }

  private pushSub(b: number): void {
    if (this.sub.length < TelnetDecoder.MAX_SUB) this.sub.push(b);
  }
}

function concat(pieces: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(pieces.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of pieces) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Doubles every 0xFF so data bytes are never read as IAC. */
export function escapeIac(data: Uint8Array): Uint8Array {
  let at = data.indexOf(IAC);
  if (at < 0) return data;
  let count = 0;
  for (; at >= 0; at = data.indexOf(IAC, at + 1)) count++;
  const out = new Uint8Array(data.length + count);
  let from = 0;
  let to = 0;
  for (at = data.indexOf(IAC); at >= 0; at = data.indexOf(IAC, at + 1)) {
    out.set(data.subarray(from, at + 1), to);
    to += at + 1 - from;
    out[to++] = IAC;
    from = at + 1;
  }
  out.set(data.subarray(from), to);
  return out;
}

/** IAC <WILL|WONT|DO|DONT> <option>. */
export function encodeNegotiation(command: number, option: number): Uint8Array {
  return Uint8Array.of(Telnet.IAC, command, option);
}

/** IAC SB COM-PORT-OPTION <sub-command> <escaped value> IAC SE. */
export function encodeComPort(subCommand: number, value: Uint8Array = new Uint8Array(0)): Uint8Array {
  const body = escapeIac(value);
  const out = new Uint8Array(body.length + 6);
  out.set([Telnet.IAC, Telnet.SB, TelnetOption.COM_PORT, subCommand]);
  out.set(body, 4);
  out.set([Telnet.IAC, Telnet.SE], body.length + 4);
  return out;
}

/** A 32-bit big-endian value, as SET-BAUDRATE carries it. */
export function u32be(n: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, n >>> 0, false);
  return out;
}

export function readU32be(b: Uint8Array, offset = 0): number | undefined {
  if (b.length < offset + 4) return undefined;
  return new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(offset, false);
}
