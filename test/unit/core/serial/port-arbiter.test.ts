import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PortArbiter, type PortClaimant } from '../../../../extension/src/core/serial/port-arbiter';
import { ProvisionError } from '../../../../extension/src/core/common/errors';

function monitor(log: string[]): PortClaimant {
  return { name: 'the monitor', lends: true, suspend: async () => void log.push('monitor closes'), resume: async () => void log.push('monitor reopens') };
}

test('the flasher borrows the port from the monitor and hands it back', async () => {
  const log: string[] = [];
  const arb = new PortArbiter();
  const m = await arb.claim('/dev/ttyUSB0', monitor(log));
  const f = await arb.claim('/dev/ttyUSB0', { name: 'flashing', lends: false });
  assert.equal(arb.ownerOf('/dev/ttyUSB0'), 'flashing');
  f.dispose();
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(log, ['monitor closes', 'monitor reopens']);
  assert.equal(arb.ownerOf('/dev/ttyUSB0'), 'the monitor');
  m.dispose();
  assert.equal(arb.ownerOf('/dev/ttyUSB0'), undefined);
});

test('a port in use by a flash is refused with who holds it', async () => {
  const arb = new PortArbiter();
  const f = await arb.claim('/dev/ttyACM0', { name: 'flashing', lends: false });
  await assert.rejects(arb.claim('/dev/ttyACM0', { name: 'identification', lends: false }), (e: unknown) => e instanceof ProvisionError && e.kind === 'port-busy' && /flashing is using it/.test(e.message));
  f.dispose();
  const again = await arb.claim('/dev/ttyACM0', { name: 'identification', lends: false });
  again.dispose();
});

test('ports are independent and a lease released twice is harmless', async () => {
  const arb = new PortArbiter();
  const a = await arb.claim('/a', { name: 'x', lends: false });
  const b = await arb.claim('/b', { name: 'y', lends: false });
  a.dispose();
  a.dispose();
  assert.equal(arb.ownerOf('/b'), 'y');
  b.dispose();
});

test('a claim resolves only after the lender has finished suspending', async () => {
  const log: string[] = [];
  let finishSuspend!: () => void;
  const slowMonitor: PortClaimant = {
    name: 'the monitor',
    lends: true,
    suspend: () => {
      log.push('suspend starts');
      return new Promise<void>((resolve) => (finishSuspend = () => (log.push('suspend ends'), resolve())));
    },
  };
  const arb = new PortArbiter();
  const m = await arb.claim('/dev/ttyUSB0', slowMonitor);
  const claimed = arb.claim('/dev/ttyUSB0', { name: 'flashing', lends: false }).then((lease) => (log.push('claimed'), lease));
  while (!log.includes('suspend starts')) await new Promise((r) => setImmediate(r));
  // Give the claim every chance to resolve early: many turns of the event loop, no timer.
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
  assert.deepEqual(log, ['suspend starts'], 'the borrower must not touch the port while the monitor still holds it open');
  assert.equal(arb.ownerOf('/dev/ttyUSB0'), 'the monitor');
  finishSuspend();
  const f = await claimed;
  assert.deepEqual(log, ['suspend starts', 'suspend ends', 'claimed']);
  assert.equal(arb.ownerOf('/dev/ttyUSB0'), 'flashing');
  f.dispose();
  m.dispose();
});
