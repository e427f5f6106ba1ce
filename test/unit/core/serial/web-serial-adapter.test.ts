import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WebSerialAdapter } from '../../../../extension/src/core/serial/web-serial-adapter';
import { MemorySerialLink } from '../../../support/serial/memory-serial-link';

test('streams exist only while open; reads deliver what the link received, in order', async () => {
  const link = new MemorySerialLink();
  const port = new WebSerialAdapter(link, { usbVendorId: 0x303a, usbProductId: 0x1001 });
  assert.equal(port.readable, null);
  assert.equal(port.writable, null);
  await port.open({ baudRate: 115200 });
  assert.equal(link.baudRate, 115200);
  assert.deepEqual(port.getInfo(), { usbVendorId: 0x303a, usbProductId: 0x1001 });
  link.receive(Uint8Array.of(1, 2));
  link.receive(Uint8Array.of(3));
  const reader = port.readable!.getReader();
  assert.deepEqual([...(await reader.read()).value!], [1, 2]);
  assert.deepEqual([...(await reader.read()).value!], [3]);
  reader.releaseLock();
  await port.close();
  assert.equal(port.readable, null);
  assert.equal(link.isOpen, false, 'a link the adapter opened is closed with it');
});

test('a write resolves only when the link has taken the bytes (backpressure)', async () => {
  const link = new MemorySerialLink();
  const port = new WebSerialAdapter(link);
  await port.open({ baudRate: 921600 });
  link.holdWrites = true;
  const writer = port.writable!.getWriter();
  let done = false;
  const p = writer.write(Uint8Array.of(9)).then(() => (done = true));
  await new Promise((r) => setTimeout(r, 10));
  assert.equal(done, false);
  link.releaseWrites();
  await p;
  assert.deepEqual(link.written.map((w) => [...w]), [[9]]);
  writer.releaseLock();
  await port.close();
});

test('close() rejects while a reader holds the stream; after cancel it closes', async () => {
  const link = new MemorySerialLink();
  const port = new WebSerialAdapter(link);
  await port.open({ baudRate: 115200 });
  const reader = port.readable!.getReader();
  await assert.rejects(port.close(), TypeError);
  const pending = reader.read();
  await reader.cancel();
  assert.equal((await pending).done, true);
  reader.releaseLock();
  await port.close();
  await port.open({ baudRate: 115200 });
  assert.equal(link.opens, 2, 'reopenable, as esptool-js reconnects');
  await port.close();
});

test('the device going away errors the reader with NetworkError and ends the streams', async () => {
  const link = new MemorySerialLink();
  const port = new WebSerialAdapter(link);
  await port.open({ baudRate: 115200 });
  const reader = port.readable!.getReader();
  const pending = reader.read();
  link.lose();
  await assert.rejects(pending, (e: Error) => e.name === 'NetworkError' && /device has been lost/.test(e.message));
  assert.equal(port.readable, null);
  await port.close();
});

test('setSignals maps Web Serial names to DTR/RTS/break; setBaudRate changes in place', async () => {
  const link = new MemorySerialLink();
  const port = new WebSerialAdapter(link);
  await port.open({ baudRate: 115200 });
  await port.setSignals({ dataTerminalReady: false, requestToSend: true });
  await port.setSignals({ requestToSend: false });
  assert.deepEqual(link.signals, [
    { dtr: false, rts: true, brk: undefined },
    { dtr: undefined, rts: false, brk: undefined },
  ]);
  await port.setBaudRate(460800);
  assert.equal(link.baudRate, 460800);
  assert.equal(link.opens, 1);
  await port.close();
});

test('a link that was already open is borrowed: close() leaves it open', async () => {
  const link = new MemorySerialLink();
  await link.open(115200);
  const port = new WebSerialAdapter(link);
  await port.open({ baudRate: 921600 });
  assert.equal(link.baudRate, 921600);
  await port.close();
  assert.equal(link.isOpen, true);
  await assert.rejects(port.setSignals({ dataTerminalReady: true }), (e: Error) => e.name === 'InvalidStateError');
});
