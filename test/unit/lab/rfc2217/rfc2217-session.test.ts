import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { encodeComPort, encodeNegotiation, TelnetDecoder, type TelnetEvent } from '../../../../extension/src/core/serial/telnet-codec';
import { ComPort, Control, Purge, Telnet, TelnetOption } from '../../../../extension/src/core/serial/telnet-codes';
import type { ComPortModel, FrameFormat } from '../../../../extension/src/lab/rfc2217/com-port';
import { Rfc2217Session } from '../../../../extension/src/lab/rfc2217/rfc2217-session';

class FakePort implements ComPortModel {
  lineBaud = 115200;
  frame: FrameFormat = { dataBits: 8, parity: 1, stopBits: 1 };
  dtr = false;
  rts = false;
  breakOn = false;
  modemState = 0x30;
  written: number[] = [];
  purges: Array<[boolean, boolean]> = [];
  setLineBaud(b: number): void {
    this.lineBaud = b;
  }
  setFrame(f: Partial<FrameFormat>): void {
    this.frame = { ...this.frame, ...f };
  }
  setDtr(on: boolean): void {
    this.dtr = on;
  }
  setRts(on: boolean): void {
    this.rts = on;
  }
  setBreak(on: boolean): void {
    this.breakOn = on;
  }
  write(d: Uint8Array): void {
    this.written.push(...d);
  }
  purge(a: boolean, b: boolean): void {
    this.purges.push([a, b]);
  }
}

function setup(): { port: FakePort; session: Rfc2217Session; take: () => TelnetEvent[] } {
  const port = new FakePort();
  const out: Uint8Array[] = [];
  const session = new Rfc2217Session(port, (b) => out.push(b));
  const decoder = new TelnetDecoder();
  const take = (): TelnetEvent[] => decoder.decode(Uint8Array.from(out.splice(0).flatMap((b) => [...b])));
  return { port, session, take };
}

const neg = (command: number, option: number): TelnetEvent => ({ kind: 'negotiate', command, option });
const sub = (code: number, ...value: number[]): TelnetEvent => ({ kind: 'subnegotiation', option: TelnetOption.COM_PORT, payload: Uint8Array.of(code, ...value) });
const ask = (code: number, ...value: number[]): Uint8Array => encodeComPort(code, Uint8Array.of(...value));

test('opens like pyserial expects: offers BINARY, SGA, COM-PORT; answers the client once and refuses ECHO', () => {
  const { session, take } = setup();
  session.start();
  assert.deepEqual(take(), [neg(Telnet.WILL, TelnetOption.BINARY), neg(Telnet.DO, TelnetOption.BINARY), neg(Telnet.WILL, TelnetOption.SGA), neg(Telnet.WILL, TelnetOption.COM_PORT)]);
  // pyserial's client opening: DO ECHO, WILL SGA, DO SGA, WILL COM-PORT, DO COM-PORT.
  for (const [c, o] of [[Telnet.DO, TelnetOption.ECHO], [Telnet.WILL, TelnetOption.SGA], [Telnet.DO, TelnetOption.SGA], [Telnet.WILL, TelnetOption.COM_PORT], [Telnet.DO, TelnetOption.COM_PORT]]) {
    session.receive(encodeNegotiation(c, o));
  }
  assert.deepEqual(take(), [
    neg(Telnet.WONT, TelnetOption.ECHO),
    neg(Telnet.DO, TelnetOption.SGA),
    neg(Telnet.DO, TelnetOption.COM_PORT),
    sub(ComPort.NOTIFY_MODEMSTATE + 100, 0x30),
  ]);
  assert.equal(session.isRfc2217, true);
  // pyserial answers our DO BINARY / WILL BINARY; acknowledgements get no reply (no negotiation loop).
  session.receive(Uint8Array.of(...encodeNegotiation(Telnet.WILL, TelnetOption.BINARY), ...encodeNegotiation(Telnet.DO, TelnetOption.BINARY)));
  assert.deepEqual(take(), []);
});

test('SET-BAUDRATE sets and echoes; 0 queries the current rate', () => {
  const { port, session, take } = setup();
  session.receive(ask(ComPort.SET_BAUDRATE, 0, 0x0e, 0x10, 0x00));
  assert.equal(port.lineBaud, 921600);
  session.receive(ask(ComPort.SET_BAUDRATE, 0, 0, 0, 0));
  assert.equal(port.lineBaud, 921600);
  assert.deepEqual(take(), [sub(101, 0, 0x0e, 0x10, 0), sub(101, 0, 0x0e, 0x10, 0)]);
});

test('SET-DATASIZE, SET-PARITY, SET-STOPSIZE are acknowledged with the value in effect', () => {
  const { port, session, take } = setup();
  session.receive(Uint8Array.of(...ask(ComPort.SET_DATASIZE, 8), ...ask(ComPort.SET_PARITY, 3), ...ask(ComPort.SET_STOPSIZE, 1), ...ask(ComPort.SET_DATASIZE, 0), ...ask(ComPort.SET_PARITY, 9)));
  assert.deepEqual(port.frame, { dataBits: 8, parity: 3, stopBits: 1 });
  assert.deepEqual(take(), [sub(102, 8), sub(103, 3), sub(104, 1), sub(102, 8), sub(103, 3)]);
});

test('SET-CONTROL switches DTR, RTS and BREAK, answers queries with the host\'s state, and acks flow control', () => {
  const { port, session, take } = setup();
  // RTS before DTR: both lines asserted at once would be a reset sequence (reset-sequence.ts).
  const values = [Control.RTS_ON, Control.REQ_RTS, Control.RTS_OFF, Control.REQ_RTS, Control.DTR_ON, Control.REQ_DTR, Control.DTR_OFF, Control.REQ_DTR, Control.BREAK_ON, Control.REQ_BREAK, Control.BREAK_OFF, Control.FLOW_NONE, Control.REQ_FLOW, Control.FLOW_HARDWARE, Control.REQ_FLOW_IN];
  for (const v of values) session.receive(ask(ComPort.SET_CONTROL, v));
  assert.deepEqual(
    take().map((e) => (e.kind === 'subnegotiation' ? e.payload[1] : -1)),
    [Control.RTS_ON, Control.RTS_ON, Control.RTS_OFF, Control.RTS_OFF, Control.DTR_ON, Control.DTR_ON, Control.DTR_OFF, Control.DTR_OFF, Control.BREAK_ON, Control.BREAK_ON, Control.BREAK_OFF, Control.FLOW_NONE, Control.FLOW_NONE, Control.FLOW_HARDWARE, Control.FLOW_IN_NONE],
  );
  assert.deepEqual([port.dtr, port.rts, port.breakOn], [false, false, false]);
});

test('PURGE-DATA purges the right buffers and echoes the value', () => {
  const { port, session, take } = setup();
  for (const v of [Purge.RECEIVE, Purge.TRANSMIT, Purge.BOTH]) session.receive(ask(ComPort.PURGE_DATA, v));
  assert.deepEqual(port.purges, [[true, false], [false, true], [true, true]]);
  assert.deepEqual(take(), [sub(112, 1), sub(112, 2), sub(112, 3)]);
});

test('NOTIFY polls, masks and the signature are answered; the modem mask applies to notifications', () => {
  const { session, take } = setup();
  session.receive(Uint8Array.of(...ask(ComPort.SET_MODEMSTATE_MASK, 0x10), ...ask(ComPort.NOTIFY_MODEMSTATE), ...ask(ComPort.SET_LINESTATE_MASK, 0), ...ask(ComPort.NOTIFY_LINESTATE)));
  assert.deepEqual(take(), [sub(111, 0x10), sub(107, 0x10), sub(110, 0), sub(106, 0x60)]);
  session.receive(ask(ComPort.SIGNATURE));
  const [sig] = take();
  assert.equal(sig.kind === 'subnegotiation' && new TextDecoder().decode(sig.payload.subarray(1)), 'ESP-NOW Provision virtual board');
});

test('data is unescaped toward the board and escaped toward the host; FLOWCONTROL-SUSPEND holds output until RESUME', () => {
  const { port, session, take } = setup();
  session.receive(Uint8Array.of(1, 0xff, 0xff, 2));
  assert.deepEqual(port.written, [1, 0xff, 2]);
  session.receive(ask(ComPort.FLOWCONTROL_SUSPEND));
  session.sendData(Uint8Array.of(0xff, 3));
  assert.deepEqual(take(), []);
  session.receive(ask(ComPort.FLOWCONTROL_RESUME));
  assert.deepEqual(take(), [{ kind: 'data', data: Uint8Array.of(0xff, 3) }]);
});

test('a reset sequence sent line by line is played on the board, not passed through; the host\'s lines answer REQ-DTR', async () => {
  const { port, session, take } = setup();
  const seen: string[] = [];
  const record = (): void => void seen.push(`${+port.dtr}${+port.rts}`);
  const setDtr = port.setDtr.bind(port);
  const setRts = port.setRts.bind(port);
  port.setDtr = (on) => (setDtr(on), record());
  port.setRts = (on) => (setRts(on), record());
  for (const v of [Control.DTR_OFF, Control.RTS_ON, Control.DTR_ON, Control.RTS_OFF, Control.REQ_DTR, Control.REQ_RTS]) session.receive(ask(ComPort.SET_CONTROL, v));
  assert.deepEqual(take().slice(-2).map((e) => (e.kind === 'subnegotiation' ? e.payload[1] : -1)), [Control.DTR_ON, Control.RTS_OFF]);
  await new Promise((r) => setTimeout(r, 60));
  session.receive(ask(ComPort.SET_CONTROL, Control.DTR_OFF));
  session.dispose();
  // RTS alone holds EN low; at DTR on the played UnixTight shape: (0,0) (1,1) (0,1) ... (1,0) ... (0,0).
  assert.deepEqual(seen, ['01', '00', '10', '11', '01', '11', '10', '00']);
});
