import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UsbIdTable, normaliseUsbId } from '../../../../extension/src/core/boards/usb-ids';
import { UsbDiscoverySource, type UsbPortInfo } from '../../../../extension/src/core/boards/usb-discovery-source';
import { RemoteDiscoverySource } from '../../../../extension/src/core/boards/remote-discovery-source';
import { ProvisionError } from '../../../../extension/src/core/common/errors';

const ports: UsbPortInfo[] = [
  { path: '/dev/ttyACM0', manufacturer: 'Espressif', serialNumber: 'F4:12:FA:00:11:22', vendorId: '303a', productId: '1001' },
  { path: '/dev/ttyUSB0', manufacturer: 'Silicon Labs', serialNumber: '0001', vendorId: '10C4', productId: 'EA60' },
  { path: '/dev/ttyUSB1', manufacturer: 'wch.cn', vendorId: '1a86', productId: '7523' },
  { path: '/dev/ttyS0' },
  { path: '/dev/ttyACM1', manufacturer: 'Arduino', vendorId: '2341', productId: '0043' },
];

test('normaliseUsbId accepts common spellings and rejects others', () => {
  assert.equal(normaliseUsbId('0x303A:0x1001'), '303a:1001');
  assert.equal(normaliseUsbId(' 10C4:EA60 '), '10c4:ea60');
  assert.equal(normaliseUsbId('303a-1001'), undefined);
  assert.equal(normaliseUsbId('303a:10011'), undefined);
});

test('USB source keeps only known ESP bridges and native USB', async () => {
  const src = new UsbDiscoverySource(async () => ports, new UsbIdTable());
  const found = await src.scan();
  assert.deepEqual(found.map((p) => p.path), ['/dev/ttyACM0', '/dev/ttyUSB0', '/dev/ttyUSB1']);
  assert.equal(found[0].description, 'Espressif USB JTAG/serial debug unit');
  assert.equal(found[1].vendorId, '10c4');
  assert.equal(found[1].serialNumber, '0001');
  assert.equal(found[2].serialNumber, undefined);
  assert.match(found[2].description, /CH340/);
});

test('settings add and remove USB ids', async () => {
  const table = new UsbIdTable(['2341:0043'], ['1a86:7523']);
  const src = new UsbDiscoverySource(async () => ports, table);
  const paths = (await src.scan()).map((p) => p.path);
  assert.ok(paths.includes('/dev/ttyACM1'));
  assert.ok(!paths.includes('/dev/ttyUSB1'));
});

test('a bad USB id names the setting', () => {
  assert.throws(
    () => new UsbIdTable(['nope']),
    (e: unknown) => e instanceof ProvisionError && e.kind === 'config' && /espnow\.usb\.extraIds/.test(e.message),
  );
});

test('a missing udevadm is explained', async () => {
  const src = new UsbDiscoverySource(async () => {
    throw new Error('spawn udevadm ENOENT');
  }, new UsbIdTable());
  await assert.rejects(src.scan(), (e: unknown) => e instanceof ProvisionError && /apt install udev/.test(e.describe()));
});

test('remote source validates URLs and names the setting', async () => {
  const src = new RemoteDiscoverySource(['rfc2217://10.0.0.5:4000', 'rfc2217://10.0.0.5:4000']);
  assert.deepEqual((await src.scan()).map((p) => p.path), ['rfc2217://10.0.0.5:4000']);
  assert.throws(() => src.setUrls(['tcp://x:1']), /espnow\.remotePorts/);
  assert.throws(() => src.setUrls(['rfc2217://x:70000']), /espnow\.remotePorts/);
  assert.equal((await src.scan()).length, 1, 'a rejected list leaves the previous one in place');
});
