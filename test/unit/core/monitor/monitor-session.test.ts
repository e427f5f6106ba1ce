import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MonitorSession, type MonitorConnection } from '../../../../extension/src/core/monitor/monitor-session';
import { Redactor } from '../../../../extension/src/core/monitor/redactor';
import { PortArbiter } from '../../../../extension/src/core/serial/port-arbiter';
import { FakePort } from '../../../support/fake-serial-link';

function untilConnection(s: MonitorSession, want: MonitorConnection): Promise<void> {
  if (s.connection === want) return Promise.resolve();
  return new Promise((resolve) => {
    const sub = s.onDidChangeConnection((c) => {
      if (c === want) {
        sub.dispose();
        resolve();
      }
    });
  });
}

function setup() {
  const port = new FakePort();
  const arbiter = new PortArbiter();
  const session = new MonitorSession({
    path: '/dev/ttyUSB0',
    baudRate: 115200,
    arbiter,
    openLink: (p) => port.open(p),
    reconnectIntervalMs: 5,
    pipeline: { redactor: new Redactor([{ kind: 'password', value: 'hunter2-secret' }]), monochrome: true },
  });
  const rendered: string[] = [];
  session.pipeline.onDidRender((t) => rendered.push(t));
  return { port, arbiter, session, rendered };
}

test('the monitor renders the board log, redacted, and tracks its state', async () => {
  const { port, session, rendered } = setup();
  await session.start();
  assert.deepEqual(port.signals[0], { dtr: false, rts: false }, 'opening does not reset the board');
  port.emit('I (10) PROV_EVT: boot role=initiator mode=secure\r\nI (20) app: pass=hunter2-');
  port.emit('secret\r\nI (30) PROV_EVT: got_ip ip=192.168.4.100 mask=255.255.255.0 gw=192.168.4.1\r\n');
  const all = rendered.join('');
  assert.ok(!all.includes('hunter2-secret'));
  assert.match(all, /‹redacted›/);
  assert.equal(session.pipeline.state.status, 'provisioned');
  session.dispose();
  assert.equal(port.current, undefined, 'the port is closed');
});

test('the flasher borrows the port and the monitor takes it back', async () => {
  const { port, arbiter, session } = setup();
  await session.start();
  const lease = await arbiter.claim('/dev/ttyUSB0', { name: 'flashing', lends: false });
  assert.equal(session.connection, 'lent');
  assert.equal(port.current, undefined, 'the monitor closed its link for the flasher');
  lease.dispose();
  await untilConnection(session, 'open');
  assert.equal(port.links.length, 2);
  session.dispose();
});

test('after an unplug the monitor waits and reconnects when the board returns', async () => {
  const { port, session, rendered } = setup();
  await session.start();
  port.unplug();
  await untilConnection(session, 'waiting-for-board');
  assert.match(rendered.join(''), /went away/);
  port.present = true;
  await untilConnection(session, 'open');
  assert.match(rendered.join(''), /reconnected/);
  await session.resetBoard();
  assert.deepEqual(port.signals.slice(-2), [{ dtr: false, rts: true }, { dtr: false, rts: false }]);
  session.dispose();
});

test('a port that cannot be opened releases its claim', async () => {
  const { port, arbiter, session } = setup();
  port.present = false;
  await assert.rejects(session.start(), /does not exist/);
  assert.equal(arbiter.ownerOf('/dev/ttyUSB0'), undefined);
  session.dispose();
});

test('a panic backtrace is decoded into the monitor, or the monitor says why not', async () => {
  const port = new FakePort();
  const session = new MonitorSession({
    path: '/dev/ttyUSB0',
    baudRate: 115200,
    arbiter: new PortArbiter(),
    openLink: (p) => port.open(p),
    pipeline: { monochrome: true },
    decodeBacktrace: async (frames) => frames.map((f) => `0x${f.pc.toString(16)}: app_main at main/app.c:42`),
  });
  const shown: string[] = [];
  session.pipeline.onDidRender((t) => shown.push(t));
  await session.start();
  port.emit('Guru Meditation Error: Core  0 panic\'ed (LoadProhibited). Exception was unhandled.\r\n');
  port.emit('Backtrace: 0x400d1234:0x3ffb0000\r\n');
  await new Promise((r) => setImmediate(r));
  assert.match(shown.join(''), /backtrace: 0x400d1234: app_main at main\/app\.c:42/);
  assert.equal(session.pipeline.state.status, 'failed');
  session.dispose();
});

function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((r) => (open = r));
  return { promise, open };
}

test('closing the monitor while its port is still opening leaves no open link and no claim', async () => {
  const { port, arbiter, session } = setup();
  const g = gate();
  port.openGate = g.promise;
  const starting = session.start();
  await new Promise((r) => setImmediate(r));
  session.dispose();
  g.open();
  await starting.catch(() => undefined);
  await new Promise((r) => setImmediate(r));
  assert.equal(port.current, undefined, 'the link opened after dispose was closed again');
  assert.equal(arbiter.ownerOf('/dev/ttyUSB0'), undefined);
  assert.equal(session.connection, 'closed');
});

test('a port lent while the monitor is reopening it goes to the borrower closed', async () => {
  const { port, arbiter, session } = setup();
  await session.start();
  const flash = await arbiter.claim('/dev/ttyUSB0', { name: 'flashing', lends: false });
  const g = gate();
  port.openGate = g.promise;
  flash.dispose(); // the monitor starts reopening, and the open hangs
  await new Promise((r) => setTimeout(r, 5));
  const identifying = arbiter.claim('/dev/ttyUSB0', { name: 'identifying', lends: false });
  let claimed = false;
  void identifying.then(() => (claimed = true));
  await new Promise((r) => setImmediate(r));
  assert.equal(claimed, false, 'the borrower waits for the open in flight to be undone');
  g.open();
  const lease = await identifying;
  assert.equal(port.current, undefined, 'no link is open while identification holds the port');
  assert.equal(session.connection, 'lent');
  lease.dispose();
  port.openGate = undefined;
  await untilConnection(session, 'open');
  session.dispose();
});
