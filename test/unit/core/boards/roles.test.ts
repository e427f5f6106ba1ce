import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BoardDiscovery } from '../../../../extension/src/core/boards/board-discovery';
import { BoardRegistry } from '../../../../extension/src/core/boards/board-registry';
import { identityOf } from '../../../../extension/src/core/boards/board';
import type { DetectedPort } from '../../../../extension/src/core/boards/detected-port';
import { MemoryKeyValueStore } from '../../../support/memory-key-value-store';
import { RoleStore } from '../../../../extension/src/core/boards/role-store';
import { selectBoards } from '../../../../extension/src/core/provision/pair-selection';

const cp210x = (path: string): DetectedPort => ({ source: 'usb', path, description: 'CP210x', vendorId: '10c4', productId: 'ea60', serialNumber: 'A1' });
const ch340 = (path: string): DetectedPort => ({ source: 'usb', path, description: 'CH340', vendorId: '1a86', productId: '7523' });

function setup(ports: DetectedPort[], kv = new MemoryKeyValueStore()) {
  const discovery = new BoardDiscovery(60_000);
  const src = { kind: 'usb' as const, ports, scan: async () => src.ports, dispose: () => undefined };
  discovery.addSource(src);
  const registry = new BoardRegistry(discovery, new RoleStore(kv), kv);
  return { discovery, src, registry, kv, dispose: () => (registry.dispose(), discovery.dispose()) };
}

test('identity prefers MAC, then USB serial, then path', () => {
  assert.equal(identityOf(cp210x('/dev/ttyUSB0'), 'AA-BB-CC-DD-EE-FF'), 'mac:aa:bb:cc:dd:ee:ff');
  assert.equal(identityOf(cp210x('/dev/ttyUSB0')), 'usb:10c4:ea60:A1');
  assert.equal(identityOf(ch340('/dev/ttyUSB3')), 'path:/dev/ttyUSB3');
  assert.equal(identityOf({ source: 'virtual', path: 'rfc2217://h:1', description: '', macHint: '24:0a:c4:00:00:01' }), 'mac:24:0a:c4:00:00:01');
});

test('a role survives a re-plug onto another port and a reload', async () => {
  const kv = new MemoryKeyValueStore();
  const first = setup([cp210x('/dev/ttyUSB0')], kv);
  await first.discovery.refresh();
  await first.registry.setRole('/dev/ttyUSB0', 'initiator');
  first.dispose();

  const second = setup([cp210x('/dev/ttyUSB7')], kv);
  await second.discovery.refresh();
  assert.equal(second.registry.get('/dev/ttyUSB7').role, 'initiator');
  second.dispose();
});

test('identifying a board moves its role to its MAC and keeps it findable by serial', async () => {
  const kv = new MemoryKeyValueStore();
  const s = setup([cp210x('/dev/ttyUSB0')], kv);
  await s.discovery.refresh();
  await s.registry.setRole('/dev/ttyUSB0', 'responder');
  await s.registry.setChipInfo('/dev/ttyUSB0', { chip: 'ESP32-S3', mac: 'aa:bb:cc:00:11:22' });
  const b = s.registry.get('/dev/ttyUSB0');
  assert.equal(b.identity, 'mac:aa:bb:cc:00:11:22');
  assert.equal(b.role, 'responder');
  assert.equal(b.chipInfo?.chip, 'ESP32-S3');
  assert.deepEqual(new RoleStore(kv).all(), { 'mac:aa:bb:cc:00:11:22': 'responder' });
  s.dispose();

  const again = setup([cp210x('/dev/ttyUSB2')], kv);
  await again.discovery.refresh();
  const b2 = again.registry.get('/dev/ttyUSB2');
  assert.equal(b2.role, 'responder', 'role found again before re-identification');
  assert.equal(b2.chipInfo?.mac, 'aa:bb:cc:00:11:22', 'chip info cached by serial number');
  again.dispose();
});

test('a board without serial number forgets its chip info when unplugged', async () => {
  const s = setup([ch340('/dev/ttyUSB1')]);
  await s.discovery.refresh();
  await s.registry.setChipInfo('/dev/ttyUSB1', { chip: 'ESP32', mac: '11:22:33:44:55:66' });
  assert.equal(s.registry.get('/dev/ttyUSB1').chipInfo?.chip, 'ESP32');
  s.src.ports = [];
  await s.discovery.refresh();
  s.src.ports = [ch340('/dev/ttyUSB1')];
  await s.discovery.refresh();
  assert.equal(s.registry.get('/dev/ttyUSB1').chipInfo, undefined, 'another board may be on that port now');
  s.dispose();
});

test('the firmware built for a board is part of it until the board goes away', async () => {
  const s = setup([ch340('/dev/ttyUSB1')]);
  await s.discovery.refresh();
  let changes = 0;
  s.registry.onDidChange(() => changes++);
  s.registry.setFirmware('/dev/ttyUSB1', 'responder for esp32c3, ESP-IDF 6.0.1');
  assert.equal(s.registry.get('/dev/ttyUSB1').firmware, 'responder for esp32c3, ESP-IDF 6.0.1');
  assert.equal(changes, 1, 'the tree refreshes');
  s.src.ports = [];
  await s.discovery.refresh();
  s.src.ports = [ch340('/dev/ttyUSB1')];
  await s.discovery.refresh();
  assert.equal(s.registry.get('/dev/ttyUSB1').firmware, undefined, 'a board plugged in later has not been flashed by us');
  s.dispose();
});

test('there is one responder: setting a new one demotes the old', async () => {
  const s = setup([cp210x('/dev/ttyUSB0'), { ...cp210x('/dev/ttyUSB1'), serialNumber: 'B2' }]);
  await s.discovery.refresh();
  await s.registry.setRole('/dev/ttyUSB0', 'responder');
  const demoted = await s.registry.setRole('/dev/ttyUSB1', 'responder');
  assert.deepEqual(demoted, ['usb:10c4:ea60:A1']);
  assert.equal(s.registry.get('/dev/ttyUSB0').role, 'none');
  await s.registry.setRole('/dev/ttyUSB0', 'initiator');
  const sel = selectBoards(s.registry.list());
  assert.equal(sel.responder?.port.path, '/dev/ttyUSB1');
  assert.deepEqual(sel.initiators.map((b) => b.port.path), ['/dev/ttyUSB0']);
  assert.deepEqual(sel.problems, []);
  s.dispose();
});

test('pair selection explains what is missing', () => {
  assert.match(selectBoards([]).problems[0], /No boards are connected/);
  const s = selectBoards([{ port: cp210x('/x'), identity: 'a', name: 'CP210x', role: 'none', activity: { kind: 'idle' } }]);
  assert.equal(s.problems.length, 2);
  assert.match(s.problems.join(' '), /Set Role: Responder/);
});

test('an unknown board is a clear error', async () => {
  const s = setup([]);
  await s.discovery.refresh();
  assert.throws(() => s.registry.get('/dev/ttyUSB9'), /No connected board matches "\/dev\/ttyUSB9"/);
  s.dispose();
});

test('a board is called by its chip and MAC until renamed; the name follows it from its serial number to its MAC and across re-plugs', async () => {
  const kv = new MemoryKeyValueStore();
  const s = setup([cp210x('/dev/ttyUSB0')], kv);
  await s.discovery.refresh();
  assert.equal(s.registry.get('/dev/ttyUSB0').name, 'CP210x', 'what the port says before the ROM is asked');
  await s.registry.setName('/dev/ttyUSB0', '  kitchen sensor ');
  assert.equal(s.registry.get('/dev/ttyUSB0').name, 'kitchen sensor');
  await s.registry.setChipInfo('/dev/ttyUSB0', { chip: 'ESP32-C3', mac: 'aa:bb:cc:00:11:22' });
  assert.equal(s.registry.get('/dev/ttyUSB0').name, 'kitchen sensor', 'kept when the identity becomes the MAC');
  s.dispose();

  const again = setup([cp210x('/dev/ttyUSB3')], kv);
  await again.discovery.refresh();
  assert.equal(again.registry.get('/dev/ttyUSB3').name, 'kitchen sensor');
  await again.registry.setName('/dev/ttyUSB3', '');
  assert.equal(again.registry.get('/dev/ttyUSB3').name, 'ESP32-C3 00:11:22', 'an empty name gives back chip and MAC');
  await assert.rejects(again.registry.setName('/dev/ttyUSB3', 'x'.repeat(33)), /A board name has 33 characters/);
  await assert.rejects(again.registry.setName('/dev/ttyUSB3', 'two\nlines'), /control character/);
  again.dispose();
});
