import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MonitorSession } from '../../../../extension/src/core/monitor/monitor-session';
import { sessionMonitor } from '../../../../extension/src/core/provision/session-monitor';
import { PortArbiter } from '../../../../extension/src/core/serial/port-arbiter';
import { FakePort } from '../../../support/fake-serial-link';

function session(port: FakePort) {
  return new MonitorSession({ path: '/dev/ttyUSB0', baudRate: 115200, arbiter: new PortArbiter(), openLink: (p) => port.open(p), reconnectIntervalMs: 5 });
}

test('whenOpen resolves once the monitor holds its port, and an owned monitor is closed with the run', async () => {
  const port = new FakePort();
  const s = session(port);
  const m = sessionMonitor(s, true);
  const opened = m.whenOpen(new AbortController().signal);
  await s.start();
  await opened;
  m.dispose();
  assert.equal(s.connection, 'closed');
});

test('whenOpen gives up with a diagnosis when the port never opens, and honours cancel', async () => {
  const port = new FakePort();
  let release!: () => void;
  port.openGate = new Promise((r) => (release = r));
  const s = session(port);
  const starting = s.start().catch(() => undefined);
  const m = sessionMonitor(s, false, 30);
  await assert.rejects(m.whenOpen(new AbortController().signal), /could not open its port within 0\.03 s \(now connecting\)/);
  const ac = new AbortController();
  const waiting = m.whenOpen(ac.signal);
  ac.abort();
  await assert.rejects(waiting, /Cancelled/);
  m.dispose();
  assert.notEqual(s.connection, 'closed', 'a monitor the run does not own stays');
  s.dispose();
  release();
  await starting;
});
