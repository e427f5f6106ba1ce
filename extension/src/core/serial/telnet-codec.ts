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
    let dataStart = -1;
    let data: number[] | undefined;
    const flushData = (end: number): void => {
      if (data) {
        if (dataStart >= 0) appendRange(data, chunk, dataStart, end);
        if (data.length > 0) events.push({ kind: 'data', data: Uint8Array.from(data) });
      } else if (dataStart >= 0 && end > dataStart) {
        events.push({ kind: 'data', data: chunk.slice(dataStart, end) });
      }
      data = undefined;
      dataStart = -1;
    };
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i];
      switch (this.state) {
        case State.Data:
          if (b === Telnet.IAC) {
            // Keep the run of plain bytes so far; an escaped 0xFF may continue it.
            if (dataStart >= 0) {
              data ??= [];
              appendRange(data, chunk, dataStart, i);
              dataStart = -1;
            }
            this.state = State.Iac;
          } else if (dataStart < 0) {
            dataStart = i;
          }
          break;
        case State.Iac:
          this.state = State.Data;
          if (b === Telnet.IAC) {
            data ??= [];
            data.push(0xff);
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
          if (b === Telnet.IAC) this.state = State.SubIac;
          else this.pushSub(b);
          break;
        case State.SubIac:
          if (b === Telnet.IAC) {
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

/** Appends without spreading: a 64 KiB socket chunk would overflow the argument limit of push(...x). */
function appendRange(to: number[], from: Uint8Array, start: number, end: number): void {
  for (let i = start; i < end; i++) to.push(from[i]);
}

/** Doubles every 0xFF so data bytes are never read as IAC. */
export function escapeIac(data: Uint8Array): Uint8Array {
  let count = 0;
  for (const b of data) if (b === Telnet.IAC) count++;
  if (count === 0) return data;
  const out = new Uint8Array(data.length + count);
  let j = 0;
  for (const b of data) {
    out[j++] = b;
    if (b === Telnet.IAC) out[j++] = Telnet.IAC;
  }
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
