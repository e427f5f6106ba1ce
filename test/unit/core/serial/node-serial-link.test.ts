import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SerialPortMock } from 'serialport';
import { NodeSerialLink, diagnoseOpenError, type NodePortLike } from '../../../../extension/src/core/serial/node-serial-link';
import { ProvisionError } from '../../../../extension/src/core/common/errors';

const mockFactory = (path: string, baudRate: number) => new SerialPortMock({ path, baudRate, autoOpen: false }) as unknown as NodePortLike;

test('NodeSerialLink opens, writes, receives, switches baud and closes', async () => {
  SerialPortMock.binding.reset();
  SerialPortMock.binding.createPort('/dev/ttyUSB0', { echo: false, record: true });
  const link = new NodeSerialLink('/dev/ttyUSB0', mockFactory);
  const got: number[] = [];
  link.onData((d) => got.push(...d));
  let closed: Error | undefined | null = null;
  link.onClose((e) => (closed = e));
  await link.open(115200);
  assert.equal(link.isOpen, true);
  await link.write(new Uint8Array([1, 2, 3]));
  await link.setSignals({ dtr: false, rts: true });
  await link.setBaudRate(921600);
  assert.equal(link.baudRate, 921600);
  const port = (link as unknown as { port: SerialPortMock }).port;
  assert.deepEqual([...port.port!.recording], [1, 2, 3]);
  port.port!.emitData(Buffer.from('hello'));
  await new Promise((r) => setTimeout(r, 10));
  assert.equal(Buffer.from(got).toString(), 'hello');
  await link.close();
  assert.equal(closed, undefined, 'closing ourselves is not an error');
  link.dispose();
});

/** Resolves once the mock binding of `link` has closed, without a timer. */
async function bindingClosed(link: NodeSerialLink, port: SerialPortMock): Promise<void> {
  while (port.isOpen || link.isOpen) await new Promise((r) => setImmediate(r));
}

test('a port that closes on its own (unplugged) reports port-missing through onClose', async () => {
  SerialPortMock.binding.reset();
  SerialPortMock.binding.createPort('/dev/ttyUSB0', { echo: false, record: true });
  const link = new NodeSerialLink('/dev/ttyUSB0', mockFactory);
  const closed = new Promise<Error | undefined>((resolve) => link.onClose(resolve));
  await link.open(115200);
  const port = (link as unknown as { port: SerialPortMock }).port;
  // What node serialport does when a read or write fails at unplug: close with a DisconnectedError.
  port._disconnected(new Error('read EIO'));
  const err = await closed;
  assert.ok(err instanceof ProvisionError, `a ProvisionError, got ${String(err)}`);
  assert.equal(err.kind, 'port-missing');
  assert.match(err.message, /\/dev\/ttyUSB0 went away \(unplugged/);
  assert.equal(link.isOpen, false);
  link.dispose();
});

test('dispose closes the port and stops close events reaching listeners', async () => {
  SerialPortMock.binding.reset();
  SerialPortMock.binding.createPort('/dev/ttyUSB0', { echo: false, record: true });
  const link = new NodeSerialLink('/dev/ttyUSB0', mockFactory);
  const heard: Array<Error | undefined> = [];
  link.onClose((e) => heard.push(e));
  await link.open(115200);
  const port = (link as unknown as { port: SerialPortMock }).port;
  link.dispose();
  await bindingClosed(link, port);
  assert.deepEqual(heard, [], 'no listener is called after dispose');
});

test('opening a missing port says it does not exist', async () => {
  SerialPortMock.binding.reset();
  const link = new NodeSerialLink('/dev/ttyUSB9', mockFactory);
  await assert.rejects(link.open(115200), (e: unknown) => e instanceof ProvisionError && e.kind === 'port-missing' && e.message.includes('/dev/ttyUSB9'));
  link.dispose();
});

test('the OS errors for a held port, no permission and a vanished port are told apart', () => {
  const busy = diagnoseOpenError('/dev/ttyACM0', new Error('Error Resource temporarily unavailable Cannot lock port'));
  assert.equal(busy.kind, 'port-busy');
  assert.match(busy.describe(), /\/dev\/ttyACM0 is held by another program/);
  const perm = diagnoseOpenError('/dev/ttyUSB0', new Error('Error: Permission denied, cannot open /dev/ttyUSB0'));
  assert.match(perm.describe(), /dialout/);
  const gone = diagnoseOpenError('COM5', new Error('Opening COM5: File not found'));
  assert.equal(gone.kind, 'port-missing');
});
