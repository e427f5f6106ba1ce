import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { classicPins, ResetCircuit, type ChipRunState, type ResetWiring } from '../../../../extension/src/lab/board/reset-circuit';

/** Records the circuit's states; `until(n)` resolves once it has reported n of them (at once if it has). */
function recorder() {
  const states: ChipRunState[] = [];
  let wake: (() => void) | undefined;
  const onState = (st: ChipRunState) => {
    states.push(st);
    wake?.();
  };
  const until = (n: number) =>
    new Promise<ChipRunState>((resolve) => {
      wake = () => states.length >= n && resolve(states[n - 1]!);
      wake();
    });
  return { states, onState, until, next: () => until(states.length + 1) };
}

/** esptool-js's real Transport over a WebSerial-shaped fake whose setSignals drives the circuit. */
async function runReset(wiring: ResetWiring, strategy: 'classic' | 'usb-jtag'): Promise<ChipRunState[]> {
  const { Transport, ClassicReset, UsbJtagSerialReset } = await import('esptool-js');
  const { states, onState, until } = recorder();
  const circuit = new ResetCircuit(wiring, onState);
  const lines = { dtr: false, rts: false };
  const device = {
    setSignals: async (s: { dataTerminalReady?: boolean; requestToSend?: boolean }) => {
      if (s.dataTerminalReady !== undefined) lines.dtr = s.dataTerminalReady;
      if (s.requestToSend !== undefined) lines.rts = s.requestToSend;
      circuit.setLines(lines.dtr, lines.rts);
    },
  };
  circuit.powerOn();
  await until(1);
  states.length = 0;
  const transport = new Transport(device as unknown as ConstructorParameters<typeof Transport>[0]);
  const reset = strategy === 'classic' ? new ClassicReset(transport, 50) : new UsbJtagSerialReset(transport);
  await reset.reset();
  await until(2); // the reset and the start that follows it
  circuit.dispose();
  return states;
}

test('the classic circuit: RTS alone pulls EN low, DTR alone pulls GPIO0 low, both or neither release both', () => {
  assert.deepEqual(classicPins(false, false), { en: true, io0: true });
  assert.deepEqual(classicPins(true, true), { en: true, io0: true });
  assert.deepEqual(classicPins(false, true), { en: false, io0: true });
  assert.deepEqual(classicPins(true, false), { en: true, io0: false });
});

test("esptool-js ClassicReset on a UART-bridge board enters download mode", async () => {
  assert.deepEqual(await runReset('uart-bridge', 'classic'), [{ kind: 'reset' }, { kind: 'run', downloadMode: true }]);
});

test("esptool-js UsbJtagSerialReset on a USB Serial/JTAG board enters download mode", async () => {
  assert.deepEqual(await runReset('usb-serial-jtag', 'usb-jtag'), [{ kind: 'reset' }, { kind: 'run', downloadMode: true }]);
});

test('the wrong sequence for the wiring boots from flash, as on real boards', async () => {
  assert.deepEqual(await runReset('uart-bridge', 'usb-jtag'), [{ kind: 'reset' }, { kind: 'run', downloadMode: false }]);
  assert.deepEqual(await runReset('usb-serial-jtag', 'classic'), [{ kind: 'reset' }, { kind: 'run', downloadMode: false }]);
});

test('power-on with idle lines boots from flash; a pulse reboots; held in reset stays silent until released', async () => {
  const { states, onState, until } = recorder();
  const c = new ResetCircuit('uart-bridge', onState, 1);
  c.powerOn();
  await until(1);
  c.pulse();
  await until(3);
  c.setHeldInReset(true);
  c.setLines(true, false);
  await until(4);
  assert.equal(c.isInReset, true);
  c.setHeldInReset(false);
  await until(5);
  c.dispose();
  assert.deepEqual(states, [
    { kind: 'run', downloadMode: false },
    { kind: 'reset' },
    { kind: 'run', downloadMode: false },
    { kind: 'reset' },
    { kind: 'run', downloadMode: true },
  ]);
});

test('a glitch shorter than the RC delay on EN does not start the chip; a real release does', async () => {
  const { states, onState, next } = recorder();
  const c = new ResetCircuit('uart-bridge', onState, 20);
  c.setLines(false, true); // EN low: in reset
  c.setLines(false, false); // EN released...
  await new Promise((r) => setTimeout(r, 10)); // (the scenario's own timing: half the RC delay)
  c.setLines(false, true); // ...and pulled low again within the RC delay: the chip never left reset
  c.setLines(false, false); // now released for good
  const released = performance.now();
  const first = await next();
  const after = performance.now() - released;
  c.dispose();
  assert.deepEqual(first, { kind: 'run', downloadMode: false });
  assert.deepEqual(states, [{ kind: 'run', downloadMode: false }], 'one start, none for the glitch');
  assert.ok(after >= 15, `the start is an RC delay after the last release, not the first (${after.toFixed(1)} ms)`);
});

test('GPIO0 falling within the RC delay after EN rises is what the chip samples: download mode', async () => {
  const { states, onState, next } = recorder();
  const c = new ResetCircuit('uart-bridge', onState, 5);
  c.setLines(false, true);
  c.setLines(true, true); // EN rises with GPIO0 high...
  c.setLines(true, false); // ...and GPIO0 falls within the RC delay: the chip samples it low
  const first = await next();
  c.dispose();
  assert.deepEqual(first, { kind: 'run', downloadMode: true });
  assert.deepEqual(states, [first]);
});
