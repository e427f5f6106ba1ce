import { test } from 'node:test';
import assert from 'node:assert/strict';
import { boardStateFromEvents, describeBoardState, INITIAL_BOARD_STATE, reduceBoardState } from '../../../../extension/src/core/monitor/board-state';
import { EventRecognizer } from '../../../../extension/src/core/monitor/event-recognizer';
import { parseLogLine } from '../../../../extension/src/core/monitor/log-line-parser';
import type { ProvisionEvent } from '../../../../extension/src/core/monitor/provision-event';
import { suggestsWrongPassword, wifiReasonName, wifiReasonText } from '../../../../extension/src/core/monitor/wifi-reason';
import { seedLines } from './helpers';

const ev = (e: Record<string, unknown>): ProvisionEvent => ({ source: 'prov-evt', ...e }) as ProvisionEvent;

function statesOf(lines: string[]): string[] {
  const r = new EventRecognizer();
  let s = INITIAL_BOARD_STATE;
  const out: string[] = [];
  for (const line of lines) {
    for (const e of r.recognize(parseLogLine(line))) {
      s = reduceBoardState(s, e);
      out.push(describeBoardState(s));
    }
  }
  return out;
}

test('initiator: scanning → responder found → credentials → connected → provisioned', () => {
  const s = boardStateFromEvents([
    ev({ type: 'boot', role: 'initiator', mode: 'secure' }),
    ev({ type: 'scanStart' }),
    ev({ type: 'responderFound', mac: 'aa:bb:cc:dd:ee:01', rssi: -40, channel: 1 }),
    ev({ type: 'requestSent', to: 'aa:bb:cc:dd:ee:01' }),
    ev({ type: 'credentialsReceived', ssid: 'home' }),
    ev({ type: 'wifiConnecting', ssid: 'home' }),
    ev({ type: 'wifiConnected', bssid: 'x' }),
    ev({ type: 'gotIp', ip: '192.168.4.2' }),
  ]);
  assert.equal(s.status, 'provisioned');
  assert.equal(s.role, 'initiator');
  assert.equal(s.ssid, 'home');
  assert.equal(describeBoardState(s), 'provisioned (192.168.4.2)');
});

test('the seed logs drive the tree state', () => {
  assert.deepEqual(statesOf(seedLines('initiator')), [
    'responder found (7c:df:a1:86:d8:24, -35 dBm)',
    'credentials received (myssid)',
    'connecting to Wi-Fi myssid',
    'connected to myssid, waiting for an IP',
    'provisioned (192.168.1.100)',
  ]);
  assert.deepEqual(statesOf(seedLines('responder')), ['beaconing', 'request received from 7c:df:a1:76:42:38', 'request received from 7c:df:a1:76:42:38']);
});

test('responder: beaconing, rejection kept as a note, credentials sent, beacon end keeps it', () => {
  const s = boardStateFromEvents([
    ev({ type: 'beaconStart', channel: 1 }),
    ev({ type: 'authRejected', from: 'aa', reason: 'bad_proof' }),
    ev({ type: 'requestReceived', from: 'bb' }),
    ev({ type: 'credentialsSent', to: 'bb' }),
    ev({ type: 'beaconEnd', sent: 10 }),
  ]);
  assert.equal(s.status, 'credentialsSent');
  assert.deepEqual(s.lastRejection, { from: 'aa', reason: 'bad_proof' });
  assert.equal(describeBoardState(s), 'credentials sent to bb');
  assert.equal(describeBoardState(boardStateFromEvents([ev({ type: 'beaconStart' }), ev({ type: 'beaconEnd' })])), 'beacon window ended');
});

test('disconnect reasons are named; a failure with a wifi reason is spelled out', () => {
  let s = boardStateFromEvents([ev({ type: 'wifiConnecting' }), ev({ type: 'wifiDisconnected', reason: 15 })]);
  assert.equal(describeBoardState(s), 'disconnected: 4-way handshake timeout (wrong password?)');
  s = reduceBoardState(s, ev({ type: 'wifiConnecting' }));
  assert.equal(describeBoardState(s), 'connecting to Wi-Fi (last: 4-way handshake timeout (wrong password?))');
  s = reduceBoardState(s, ev({ type: 'failed', reason: 'wifi_reason_201' }));
  assert.equal(describeBoardState(s), 'failed: no AP found (SSID wrong or out of range)');
  assert.equal(reduceBoardState(s, ev({ type: 'wifiConnecting' })).status, 'failed');
  assert.equal(reduceBoardState(s, ev({ type: 'gotIp', ip: '1.2.3.4' })).status, 'provisioned');
});

test('a panic fails the board; a reboot starts over', () => {
  let s = boardStateFromEvents([ev({ type: 'boot', role: 'responder' }), ev({ type: 'beaconStart' })]);
  s = reduceBoardState(s, ev({ type: 'panic', marker: 'guru-meditation', detail: 'Guru Meditation Error: LoadProhibited' }));
  s = reduceBoardState(s, ev({ type: 'panic', marker: 'backtrace', detail: 'Backtrace: 0x1:0x2' }));
  assert.equal(s.status, 'failed');
  assert.equal(describeBoardState(s), 'failed: the firmware crashed (Guru Meditation Error: LoadProhibited)');
  s = reduceBoardState(s, ev({ type: 'boot', resetReason: 'SW_CPU_RESET' }));
  assert.deepEqual(s, { status: 'booted', role: 'responder' });
});

test('every status has a text', () => {
  const all = [
    INITIAL_BOARD_STATE,
    ...(['boot', 'scanStart', 'requestSent', 'wifiConnected'] as const).map((type) => boardStateFromEvents([ev({ type })])),
  ];
  for (const s of all) assert.ok(describeBoardState(s).length > 0);
});

test("Wi-Fi reason texts follow ESP-IDF's wifi_err_reason_t", () => {
  assert.equal(wifiReasonText(15), '4-way handshake timeout (wrong password?)');
  assert.equal(wifiReasonText(201), 'no AP found (SSID wrong or out of range)');
  assert.match(wifiReasonText(2), /^authentication expired/);
  assert.match(wifiReasonText(202), /^authentication failed/);
  assert.equal(wifiReasonText(203), 'association failed');
  assert.match(wifiReasonText(204), /^handshake timeout/);
  assert.equal(wifiReasonName(210), 'NO_AP_FOUND_W_COMPATIBLE_SECURITY');
  assert.equal(wifiReasonText(999), 'reason 999');
  assert.equal(suggestsWrongPassword(15), true);
  assert.equal(suggestsWrongPassword(201), false);
});

test('a skipped responder (no valid reply) puts the initiator back to scanning, then ours is found', () => {
  assert.deepEqual(
    statesOf([
      'I (172) PROV_EVT: scan_start channels=1-13 timeout_ms=30000',
      'I (290) PROV_EVT: responder_found mac=24:0a:c4:00:00:77 channel=1 rssi=-30',
      'W (5300) PROV_EVT: responder_skipped mac=24:0a:c4:00:00:77 reason=no_valid_reply',
      'I (5910) PROV_EVT: responder_found mac=24:0a:c4:00:00:01 channel=6 rssi=-41',
    ]),
    ['scanning for a responder', 'responder found (24:0a:c4:00:00:77, -30 dBm)', 'scanning for a responder', 'responder found (24:0a:c4:00:00:01, -41 dBm)'],
  );
});
