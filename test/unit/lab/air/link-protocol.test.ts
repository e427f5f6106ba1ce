import { test } from 'node:test';
import assert from 'node:assert/strict';
import { labLine, parseProgramLine } from '../../../../extension/src/lab/air/link-protocol';

test('program lines parse into typed messages', () => {
  assert.deepEqual(parseProgramLine('HELLO 24:0A:C4:00:00:01'), { ok: true, line: { kind: 'HELLO', mac: '24:0a:c4:00:00:01' } });
  assert.deepEqual(parseProgramLine('CHANNEL 13\r'), { ok: true, line: { kind: 'CHANNEL', channel: 13 } });
  const tx = parseProgramLine('TX ff:ff:ff:ff:ff:ff 00ff10');
  assert.ok(tx.ok && tx.line.kind === 'TX' && tx.line.dest === 'ff:ff:ff:ff:ff:ff' && [...tx.line.data].join() === '0,255,16');
  const open = parseProgramLine('WIFI_CONNECT 636166 ');
  assert.ok(open.ok && open.line.kind === 'WIFI_CONNECT' && open.line.password.length === 0);
  const trimmed = parseProgramLine('WIFI_CONNECT 636166');
  assert.ok(trimmed.ok && trimmed.line.kind === 'WIFI_CONNECT' && trimmed.line.password.length === 0);
  assert.deepEqual(parseProgramLine('WIFI_DISCONNECT'), { ok: true, line: { kind: 'WIFI_DISCONNECT' } });
});

test('malformed known lines and unknown kinds are told apart, without quoting fields', () => {
  for (const bad of ['HELLO', 'HELLO 24:0a:c4:00:00', 'CHANNEL 0', 'CHANNEL 14', 'CHANNEL x', 'TX ff:ff:ff:ff:ff:ff', 'TX ff:ff:ff:ff:ff:ff 0', 'TX ff:ff:ff:ff:ff:ff ABCD',
    `TX ff:ff:ff:ff:ff:ff ${'00'.repeat(251)}`, 'WIFI_CONNECT  7365637265742d7365637265', `WIFI_CONNECT ${'61'.repeat(33)} 00`, 'WIFI_CONNECT 61 zzsecretzz', 'WIFI_DISCONNECT now']) {
    const r = parseProgramLine(bad);
    assert.equal(r.ok, false, bad);
    assert.ok(!r.ok && r.problem === 'malformed', bad);
    assert.ok(!r.ok && !r.detail.includes('secret') && !r.detail.includes('7365'), bad);
  }
  const u = parseProgramLine('SCAN 1 2 3');
  assert.ok(!u.ok && u.problem === 'unknown' && u.kind === 'SCAN');
});

test('lab lines are formatted as the contract says', () => {
  assert.equal(labLine.rx('24:0a:c4:00:00:01', -52, 6, Uint8Array.of(1, 0xab)), 'RX 24:0a:c4:00:00:01 -52 6 01ab\n');
  assert.equal(labLine.txDone('ff:ff:ff:ff:ff:ff', true), 'TXDONE ff:ff:ff:ff:ff:ff OK\n');
  assert.equal(labLine.txDone('24:0a:c4:00:00:01', false), 'TXDONE 24:0a:c4:00:00:01 FAIL\n');
  assert.equal(labLine.wifiConnected('02:a9:00:00:00:01', 6), 'WIFI_CONNECTED 02:a9:00:00:00:01 6\n');
  assert.equal(labLine.wifiDisconnected(15), 'WIFI_DISCONNECTED 15\n');
  assert.equal(labLine.gotIp({ ip: '192.168.4.100', mask: '255.255.255.0', gw: '192.168.4.1' }), 'GOT_IP 192.168.4.100 255.255.255.0 192.168.4.1\n');
});
