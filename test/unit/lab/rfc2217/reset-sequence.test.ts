import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { ResetCircuit, type ChipRunState, type ResetWiring } from '../../../../extension/src/lab/board/reset-circuit';
import { ResetPlayer, ResetSequenceRecognizer, type ResetAction } from '../../../../extension/src/lab/rfc2217/reset-sequence';

/** A client's SET-CONTROL commands, in order: D1 = DTR on, R0 = RTS off; '|' marks where the client sleeps. */
type Steps = string;

function commands(steps: Steps): Array<['dtr' | 'rts', boolean]> {
  return steps
    .split(/[\s|]+/)
    .filter(Boolean)
    .map((c) => [c[0] === 'D' ? 'dtr' : 'rts', c[1] === '1']);
}

function describe(a: ResetAction): string {
  if (a.kind === 'lines') return `lines ${+a.lines.dtr}${+a.lines.rts}`;
  return a.kind;
}

/**
 * What each client sends. esptool (esptool/reset.py in Espressif's esptool, 4.x-5.x): every _setRTS is
 * followed by a setDTR(current DTR), the work-around for usbser.sys. esptool-js 0.7 (lib/reset.js) does the
 * same in Transport.setRTS; its setSignals(dtr, rts) sends DTR then RTS in one write through our client.
 */
const CLIENTS: Array<{ name: string; steps: Steps; actions: string[] }> = [
  { name: 'esptool ClassicReset (pySerial, line by line)', steps: 'D0 R1 D0 | D1 R0 D1 | D0', actions: ['lines 01', 'bootloader'] },
  { name: 'esptool USBJTAGSerialReset', steps: 'R0 D0 D0 | D1 R0 D1 | R1 D1 D0 R1 D0 | D0 R0 D0', actions: ['lines 10', 'bootloader', 'lines 00'] },
  { name: 'an RTS pulse with the DTR repeat (esptool HardReset, --after hard-reset)', steps: 'R1 D0 | R0 D0', actions: ['lines 01', 'lines 00'] },
  { name: 'esptool-js ClassicReset through our client', steps: 'D0 R1 | D1 R0 | D0', actions: ['lines 01', 'bootloader'] },
  { name: 'esptool-js UsbJtagSerialReset', steps: 'R0 D0 D0 | D1 R0 D1 | R1 D1 D0 R1 D0 | R0 D0 D0', actions: ['lines 10', 'bootloader', 'lines 00'] },
  { name: "our monitor's resetBoard and esptool-loader hardReset", steps: 'D0 R1 | D0 R0', actions: ['lines 01', 'lines 00'] },
  { name: 'pySerial open with its defaults (DTR and RTS on), as on esptool\'s server', steps: 'D1 R1', actions: ['lines 10', 'bootloader'] },
  { name: 'a monitor that opens with both lines released', steps: 'D0 R0', actions: [] },
];

for (const c of CLIENTS) {
  test(`recognises: ${c.name}`, () => {
    const r = new ResetSequenceRecognizer();
    const got = commands(c.steps)
      .map(([line, on]) => r.set(line, on))
      .filter((a) => a.kind !== 'none')
      .map(describe);
    assert.deepEqual(got, c.actions);
    assert.equal(r.playing, c.steps.endsWith('R1') ? true : false, 'a sequence ends when the host releases DTR');
  });
}

test('a second classic reset after the first is recognised again (esptool retries its connect)', () => {
  const r = new ResetSequenceRecognizer();
  const run = (): string[] => commands('D0 R1 D0 | D1 R0 D1 | D0').map(([l, on]) => describe(r.set(l, on)));
  assert.deepEqual(run().filter((a) => a === 'bootloader'), ['bootloader']);
  assert.deepEqual(run().filter((a) => a === 'bootloader'), ['bootloader']);
});

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Plays a client's sequence with pySerial's pacing (every SET-CONTROL answer takes >= 50 ms; 30 ms here,
 * still far beyond the EN RC delay) into a board's circuit, through the recogniser and player or straight.
 */
async function boot(wiring: ResetWiring, steps: Steps, recognise: boolean): Promise<ChipRunState[]> {
  const states: ChipRunState[] = [];
  const circuit = new ResetCircuit(wiring, (s) => states.push(s), wiring === 'usb-serial-jtag' ? 1 : undefined);
  const lines = { dtr: false, rts: false };
  const drive = (l: { dtr: boolean; rts: boolean }): void => {
    lines.dtr = l.dtr;
    circuit.setLines(lines.dtr, lines.rts);
    lines.rts = l.rts;
    circuit.setLines(lines.dtr, lines.rts);
  };
  const r = new ResetSequenceRecognizer();
  const player = new ResetPlayer(drive);
  circuit.powerOn();
  await sleep(10);
  states.length = 0;
  for (const [line, on] of commands(steps)) {
    if (recognise) {
      const a = r.set(line, on);
      if (a.kind === 'bootloader') player.bootloader();
      else if (a.kind === 'lines') player.lines(a.lines);
    } else {
      drive({ ...lines, [line]: on });
    }
    await sleep(30);
  }
  await sleep(60);
  player.dispose();
  circuit.dispose();
  return states;
}

const ESPTOOL_CLASSIC = CLIENTS[0].steps;
const ESPTOOL_USB_JTAG = CLIENTS[1].steps;
const ESPTOOL_HARD = CLIENTS[2].steps;
const last = (s: ChipRunState[]): ChipRunState | undefined => s[s.length - 1];

for (const wiring of ['uart-bridge', 'usb-serial-jtag'] as const) {
  test(`${wiring}: esptool's classic and USB-JTAG resets at pySerial's pace end in download mode; a hard reset boots the app`, async () => {
    assert.deepEqual(last(await boot(wiring, ESPTOOL_CLASSIC, true)), { kind: 'run', downloadMode: true });
    assert.deepEqual(last(await boot(wiring, ESPTOOL_USB_JTAG, true)), { kind: 'run', downloadMode: true });
    assert.deepEqual(await boot(wiring, ESPTOOL_HARD, true), [{ kind: 'reset' }, { kind: 'run', downloadMode: false }]);
  });
}

test('without the recogniser the same classic reset at that pace boots from flash (why esptool failed on the lab)', async () => {
  assert.deepEqual(last(await boot('uart-bridge', ESPTOOL_CLASSIC, false)), { kind: 'run', downloadMode: false });
});

test('lines set while a reset is played wait for its end; dispose stops the play', async () => {
  const seen: string[] = [];
  const player = new ResetPlayer((l) => seen.push(`${+l.dtr}${+l.rts}`), { enLow: 5, io0Hold: 5 });
  player.bootloader();
  player.lines({ dtr: false, rts: true });
  assert.equal(player.busy, true);
  await sleep(30);
  assert.deepEqual(seen, ['00', '11', '01', '10', '00', '01']);
  player.bootloader();
  player.dispose();
  await sleep(20);
  assert.equal(seen.length, 9, 'nothing is driven after dispose');
});
