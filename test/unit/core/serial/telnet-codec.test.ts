import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { encodeComPort, escapeIac, TelnetDecoder, type TelnetEvent } from '../../../../extension/src/core/serial/telnet-codec';
import { ComPort, Telnet, TelnetOption } from '../../../../extension/src/core/serial/telnet-codes';

/** Decodes `bytes` cut at every given position and merges adjacent data events. */
function decodeSplit(bytes: Uint8Array, cuts: number[]): TelnetEvent[] {
  const d = new TelnetDecoder();
  const events: TelnetEvent[] = [];
  let prev = 0;
  for (const c of [...cuts, bytes.length]) {
    events.push(...d.decode(bytes.subarray(prev, c)));
    prev = c;
  }
  const merged: TelnetEvent[] = [];
  for (const e of events) {
    const last = merged[merged.length - 1];
    if (e.kind === 'data' && last?.kind === 'data') merged[merged.length - 1] = { kind: 'data', data: Uint8Array.from([...last.data, ...e.data]) };
    else merged.push(e);
  }
  return merged;
}

const stream = Uint8Array.from([
  0x41, 0xff, 0xff, 0x42, // "A", escaped 0xFF, "B"
  Telnet.IAC, Telnet.WILL, TelnetOption.COM_PORT,
  0xff, 0xff, 0xff, 0xff, // two escaped 0xFF
  ...encodeComPort(ComPort.SET_BAUDRATE, Uint8Array.of(0x00, 0x01, 0xff, 0x00)), // value with an IAC inside
  0x43,
  Telnet.IAC, Telnet.NOP,
  0x44,
]);

const expected: TelnetEvent[] = [
  { kind: 'data', data: Uint8Array.of(0x41, 0xff, 0x42) },
  { kind: 'negotiate', command: Telnet.WILL, option: TelnetOption.COM_PORT },
  { kind: 'data', data: Uint8Array.of(0xff, 0xff) },
  { kind: 'subnegotiation', option: TelnetOption.COM_PORT, payload: Uint8Array.of(ComPort.SET_BAUDRATE, 0x00, 0x01, 0xff, 0x00) },
  { kind: 'data', data: Uint8Array.of(0x43) },
  { kind: 'command', command: Telnet.NOP },
  { kind: 'data', data: Uint8Array.of(0x44) },
];

test('decodes data, negotiation, subnegotiation and commands in one chunk', () => {
  assert.deepEqual(decodeSplit(stream, []), expected);
});

test('gives the same events wherever the stream is split in two', () => {
  for (let cut = 1; cut < stream.length; cut++) assert.deepEqual(decodeSplit(stream, [cut]), expected, `cut at ${cut}`);
});

test('gives the same events when fed one byte at a time', () => {
  assert.deepEqual(decodeSplit(stream, [...stream.keys()].slice(1)), expected);
});

test('an IAC IAC split between chunks is one data byte 0xFF', () => {
  const d = new TelnetDecoder();
  assert.deepEqual(d.decode(Uint8Array.of(0x01, 0xff)), [{ kind: 'data', data: Uint8Array.of(0x01) }]);
  assert.deepEqual(d.decode(Uint8Array.of(0xff, 0x02)), [{ kind: 'data', data: Uint8Array.of(0xff, 0x02) }]);
});

test('escapeIac doubles every 0xFF and leaves other data untouched', () => {
  assert.deepEqual(escapeIac(Uint8Array.of(1, 0xff, 2, 0xff, 0xff)), Uint8Array.of(1, 0xff, 0xff, 2, 0xff, 0xff, 0xff, 0xff));
  const plain = Uint8Array.of(1, 2, 3);
  assert.equal(escapeIac(plain), plain);
});

test('escaped data round-trips through the decoder for every byte value', () => {
  const all = Uint8Array.from({ length: 512 }, (_, i) => (i * 37) & 0xff);
  const events = decodeSplit(escapeIac(all), [1, 2, 100, 101, 300]);
  assert.deepEqual(events, [{ kind: 'data', data: all }]);
});

test('encodeComPort frames the value with IAC SB 44 <cmd> ... IAC SE and escapes 0xFF', () => {
  assert.deepEqual(encodeComPort(ComPort.SET_CONTROL, Uint8Array.of(0xff)), Uint8Array.of(0xff, 0xfa, 0x2c, 5, 0xff, 0xff, 0xff, 0xf0));
});

test('a large data chunk decodes without overflowing the call stack', () => {
  const big = new Uint8Array(200_000).fill(0x55);
  big[1000] = 0xff;
  const escaped = escapeIac(big);
  assert.deepEqual(new TelnetDecoder().decode(escaped), [{ kind: 'data', data: big }]);
});
