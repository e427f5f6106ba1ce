import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { printTagged } from '../../../extension/src/cli/board-output';
import { bold, wantsColor, type CliIo } from '../../../extension/src/cli/cli-io';
import { stripAnsi } from '../../../extension/src/core/monitor/ansi';
import type { MonitorSession } from '../../../extension/src/core/monitor/monitor-session';

/** A session whose pipeline renders what the test says: only `pipeline.onDidRender` is used. */
function fakeSession(): { session: MonitorSession; render: (text: string) => void } {
  let listener: (text: string) => void = () => undefined;
  const session = { pipeline: { onDidRender: (l: (text: string) => void) => ((listener = l), { dispose: () => undefined }) } } as unknown as MonitorSession;
  return { session, render: (t) => listener(t) };
}

const LINE = '\x1b[0;32mI (312) espnow_prov: PROV_EVT: beacon_start\x1b[0m\r\n';

test('colors only on a terminal without NO_COLOR', () => {
  assert.equal(wantsColor(true, {}), true);
  assert.equal(wantsColor(true, { NO_COLOR: '1' }), false);
  assert.equal(wantsColor(true, { NO_COLOR: '' }), true, 'an empty NO_COLOR is unset (no-color.org)');
  assert.equal(wantsColor(false, {}), false);
  assert.equal(wantsColor(undefined, {}), false);
});

test('monitor lines and demo steps carry no escape codes without color, and keep them with it', () => {
  for (const color of [false, true]) {
    const out: string[] = [];
    const io: CliIo = { out: (l) => out.push(l), err: () => undefined, color };
    const { session, render } = fakeSession();
    printTagged(session, 'responder', 'responder', io);
    render(LINE);
    out.push(bold(io, '[  1.0s] Monitoring every board'));
    const text = out.join('\n');
    assert.equal(text.includes('\x1b'), color, `color ${color}: ${JSON.stringify(text)}`);
    assert.match(stripAnsi(text), /^responder {3}│ I \(312\) espnow_prov: PROV_EVT: beacon_start\n\[ {2}1\.0s\] Monitoring every board$/);
  }
});
