import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CliIo } from '../../../extension/src/cli/cli-io';
import { runBoardsCommand } from '../../../extension/src/cli/commands/boards';
import { ProvisionError } from '../../../extension/src/core/common/errors';
import type { PortLister, UsbPortInfo } from '../../../extension/src/core/boards/usb-discovery-source';

function capture(): CliIo & { outLines: string[]; errLines: string[] } {
  const outLines: string[] = [];
  const errLines: string[] = [];
  return { outLines, errLines, out: (l) => outLines.push(l), err: (l) => errLines.push(l) };
}

/** A port lister that counts its calls, so a test can tell whether a USB scan was started. */
function lister(ports: UsbPortInfo[] = []): PortLister & { calls: number } {
  const fn = Object.assign(async () => (fn.calls++, ports), { calls: 0 });
  return fn;
}

/** The error must name the flag the user typed, never the editor setting behind the same list. */
function namesFlag(flag: string, setting: RegExp) {
  return (e: unknown) => e instanceof ProvisionError && e.kind === 'config' && e.describe().includes(flag) && !setting.test(e.describe());
}

test('boards: a bad --remote names --remote and starts no USB scan', async () => {
  const list = lister();
  const io = capture();
  await assert.rejects(runBoardsCommand(['--remote', 'http://x:1'], io, list), namesFlag('--remote', /espnow\.remotePorts/));
  assert.equal(list.calls, 0, 'nothing was scanned, so nothing is left running');
  assert.deepEqual(io.outLines, []);
});

test('boards: a bad --usb-id names --usb-id', async () => {
  const list = lister();
  await assert.rejects(runBoardsCommand(['--usb-id', 'nope'], capture(), list), namesFlag('--usb-id', /espnow\.usb\.extraIds/));
  assert.equal(list.calls, 0);
});

test('boards: --usb-id and --remote boards are listed, the extra id credited to its flag', async () => {
  const list = lister([{ path: '/dev/ttyACM7', vendorId: '2341', productId: '0043' }]);
  const io = capture();
  assert.equal(await runBoardsCommand(['--usb-id', '2341:0043', '--remote', 'rfc2217://10.0.0.5:4000', '--json'], io, list), 0);
  const ports = JSON.parse(io.outLines.join('\n')) as Array<{ path: string; description: string }>;
  assert.deepEqual(ports.map((p) => p.path), ['/dev/ttyACM7', 'rfc2217://10.0.0.5:4000']);
  assert.match(ports[0].description, /--usb-id/);
  assert.deepEqual(io.errLines, []);
});
