import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProvisionError } from '../../../../extension/src/core/common/errors';
import type { ConnectLoader } from '../../../../extension/src/core/flash/board-loader';
import { identifyBoard } from '../../../../extension/src/core/flash/identify';
import { FakeBoard, fakeConnect } from '../../../support/flash/fake-loader';
import { FakePort } from '../../../support/fake-serial-link';

/** A connect that fails with `errors` in turn, then connects. */
function flaky(errors: ProvisionError[]) {
  const boards = new Map([['b1', new FakeBoard()]]);
  const real = fakeConnect(boards);
  let calls = 0;
  const port = new FakePort();
  return {
    options: {
      connect: ((link, o) => (calls++ < errors.length ? Promise.reject(errors[calls - 1]) : real(link, o))) as ConnectLoader,
      openLink: (p: string) => port.open(p),
    },
    calls: () => calls,
  };
}

test('a reply garbled on the line is tried once more; other faults and a second garble are reported', async () => {
  const garbled = () => new ProvisionError('protocol', 'The bootloader answered unexpectedly: Invalid head of packet (0x1)', 'b1');
  const once = flaky([garbled()]);
  const r = await identifyBoard('b1', once.options);
  assert.equal(r.chipInfo.mac, '24:0a:c4:00:00:01');
  assert.equal(once.calls(), 2);

  const twice = flaky([garbled(), garbled()]);
  await assert.rejects(identifyBoard('b1', twice.options), (e: unknown) => e instanceof ProvisionError && e.kind === 'protocol');
  assert.equal(twice.calls(), 2, 'one retry, not a loop');

  const silent = flaky([new ProvisionError('bootloader-silent', 'no answer', 'b1')]);
  await assert.rejects(identifyBoard('b1', silent.options), (e: unknown) => e instanceof ProvisionError && e.kind === 'bootloader-silent');
  assert.equal(silent.calls(), 1, 'a silent bootloader already had its retries inside connect');
});
