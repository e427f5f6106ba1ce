import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventRecognizer } from '../../../../extension/src/core/monitor/event-recognizer';
import { parseProvEvt, percentDecode } from '../../../../extension/src/core/monitor/prov-evt-line';
import { parseLogLine } from '../../../../extension/src/core/monitor/log-line-parser';
import type { ProvisionEvent } from '../../../../extension/src/core/monitor/provision-event';
import { seedLines } from './helpers';

function recognizeAll(lines: string[], r = new EventRecognizer()): ProvisionEvent[] {
  return lines.flatMap((l) => r.recognize(parseLogLine(l)));
}

/** Drops the meta fields so cases read as the event only. */
const bare = (events: ProvisionEvent[]) => events.map(({ source: _s, timestampMs: _t, ...e }) => e);

test('every PROV_EVT event of LAB-LINK.md, with its keys', () => {
  const cases: Array<[string, object]> = [
    ['I (10) PROV_EVT: boot role=responder mode=secure mac=aa:bb:cc:dd:ee:01 version=0.1.0', { type: 'boot', role: 'responder', mode: 'secure', mac: 'aa:bb:cc:dd:ee:01', version: '0.1.0' }],
    ['I (11) PROV_EVT: beacon_start channel=1 window_ms=30000 interval_ms=100', { type: 'beaconStart', channel: 1, windowMs: 30000, intervalMs: 100 }],
    ['I (12) PROV_EVT: beacon_end sent=300', { type: 'beaconEnd', sent: 300 }],
    ['I (13) PROV_EVT: scan_start channels=1-13 timeout_ms=60000', { type: 'scanStart', channels: '1-13', timeoutMs: 60000 }],
    ['I (14) PROV_EVT: responder_found mac=aa:bb:cc:dd:ee:01 channel=6 rssi=-42', { type: 'responderFound', mac: 'aa:bb:cc:dd:ee:01', channel: 6, rssi: -42 }],
    ['I (15) PROV_EVT: request_sent to=aa:bb:cc:dd:ee:01', { type: 'requestSent', to: 'aa:bb:cc:dd:ee:01' }],
    ['I (16) PROV_EVT: request_received from=aa:bb:cc:dd:ee:02', { type: 'requestReceived', from: 'aa:bb:cc:dd:ee:02' }],
    ['W (17) PROV_EVT: auth_rejected from=aa:bb:cc:dd:ee:02 reason=bad_proof', { type: 'authRejected', from: 'aa:bb:cc:dd:ee:02', reason: 'bad_proof' }],
    ['I (18) PROV_EVT: credentials_sent to=aa:bb:cc:dd:ee:02', { type: 'credentialsSent', to: 'aa:bb:cc:dd:ee:02' }],
    ['I (19) PROV_EVT: credentials_received from=aa:bb:cc:dd:ee:01 ssid=my%20home%25net', { type: 'credentialsReceived', from: 'aa:bb:cc:dd:ee:01', ssid: 'my home%net' }],
    ['I (20) PROV_EVT: wifi_connecting ssid=caf%C3%A9', { type: 'wifiConnecting', ssid: 'café' }],
    ['I (21) PROV_EVT: wifi_connected bssid=3c:46:d8:0e:4c:ac channel=1', { type: 'wifiConnected', bssid: '3c:46:d8:0e:4c:ac', channel: 1 }],
    ['W (22) PROV_EVT: wifi_disconnected reason=15', { type: 'wifiDisconnected', reason: 15 }],
    ['I (23) PROV_EVT: got_ip ip=192.168.4.2 mask=255.255.255.0 gw=192.168.4.1', { type: 'gotIp', ip: '192.168.4.2', mask: '255.255.255.0', gw: '192.168.4.1' }],
    ['E (24) PROV_EVT: failed reason=wifi_reason_201 detail=no%20AP%20named%20x', { type: 'failed', reason: 'wifi_reason_201', detail: 'no AP named x' }],
  ];
  for (const [line, expected] of cases) {
    const events = new EventRecognizer().recognize(parseLogLine(line));
    assert.equal(events.length, 1, line);
    assert.deepEqual(bare(events)[0], expected, line);
    assert.equal(events[0].source, 'prov-evt');
    assert.equal(events[0].timestampMs, Number(/\((\d+)\)/.exec(line)![1]));
  }
});

test('PROV_EVT lines wrapped in the firmware colors, and unknown events', () => {
  const r = new EventRecognizer();
  assert.deepEqual(bare(r.recognize(parseLogLine('\x1b[0;32mI (5) PROV_EVT: beacon_end sent=3\x1b[0m'))), [{ type: 'beaconEnd', sent: 3 }]);
  assert.deepEqual(r.recognize(parseLogLine('I (6) PROV_EVT: something_new x=1')), []);
  assert.deepEqual(r.recognize(parseLogLine('I (6) PROV_EVT: ')), []);
});

test('percent decoding never throws', () => {
  assert.equal(percentDecode('a%20b'), 'a b');
  assert.equal(percentDecode('100%'), '100%');
  assert.equal(percentDecode('%zz%4'), '%zz%4');
  assert.equal(percentDecode('%ff'), '\uFFFD');
  assert.deepEqual(parseProvEvt('boot role=x =y junk k='), { name: 'boot', fields: { role: 'x', k: '' } });
});

test('the seed initiator log', () => {
  assert.deepEqual(bare(recognizeAll(seedLines('initiator'))), [
    { type: 'responderFound', mac: '7c:df:a1:86:d8:24', channel: 1, rssi: -35 },
    { type: 'credentialsReceived', ssid: 'myssid', from: '7c:df:a1:86:d8:24' },
    { type: 'wifiConnecting' },
    { type: 'wifiConnected', ssid: 'myssid', bssid: '3c:46:d8:0e:4c:ac', channel: 1 },
    { type: 'gotIp', ip: '192.168.1.100', mask: '255.255.255.0', gw: '192.168.1.253' },
  ]);
});

test('the seed responder log', () => {
  const r = new EventRecognizer();
  const events = recognizeAll(seedLines('responder'), r);
  assert.deepEqual(bare(events), [{ type: 'beaconStart', windowMs: 30000 }, { type: 'requestReceived', from: '7c:df:a1:76:42:38' }, { type: 'beaconEnd' }]);
  assert.ok(events.every((e) => e.source === 'seed'));
  assert.equal(r.knownRole, 'responder');
});

test("the seed's app_main line is read by role", () => {
  const line = 'I (688) app_main: MAC: 7c:df:a1:76:42:38, Channel: 1, RSSI: -39, Product_id: x, Device Name: ';
  assert.equal(new EventRecognizer('responder').recognize(parseLogLine(line))[0].type, 'requestReceived');
  assert.equal(new EventRecognizer('initiator').recognize(parseLogLine(line))[0].type, 'responderFound');
});

test("ESP-IDF's generic Wi-Fi lines, old and new formats", () => {
  assert.deepEqual(
    bare(
      recognizeAll([
        'I (1060) wifi: state: init -> auth (b0)',
        'I (1070) wifi: state: auth -> init (8a0)',
        'I (1070) wifi: STA_DISCONNECTED, reason:202',
        'I (5943) wifi:state: assoc -> init (0x2c0)',
        'W (6000) wifi:disconnected, reason: 15',
        'I (3660) wifi: connected with my net, channel 1, bssid = cc:ce:1e:a6:85:c4',
        'I (7000) wifi station: got ip:192.168.1.5',
        'I (7001) tcpip_adapter: sta ip: 10.0.0.2, mask: 255.0.0.0, gw: 10.0.0.1',
        'I (7002) wifi:state: run -> run (0)',
        'I (7003) other: reason 5 is not Wi-Fi',
      ]),
    ),
    [
      { type: 'wifiConnecting' },
      { type: 'wifiDisconnected' },
      { type: 'wifiDisconnected', reason: 202 },
      { type: 'wifiDisconnected' },
      { type: 'wifiDisconnected', reason: 15 },
      { type: 'wifiConnected', ssid: 'my net', bssid: 'cc:ce:1e:a6:85:c4', channel: 1 },
      { type: 'gotIp', ip: '192.168.1.5' },
      { type: 'gotIp', ip: '10.0.0.2', mask: '255.0.0.0', gw: '10.0.0.1' },
    ],
  );
});

test('panics and ROM resets', () => {
  const events = recognizeAll([
    'rst:0xc (SW_CPU_RESET),boot:0x13 (SPI_FAST_FLASH_BOOT)',
    "Guru Meditation Error: Core  0 panic'ed (LoadProhibited). Exception was unhandled.",
    'Backtrace: 0x400d1234:0x3ffb5c50 0x400d5678:0x3ffb5c70',
    'abort() was called at PC 0x400d1234 on core 0',
  ]);
  assert.deepEqual(
    events.map((e) => [e.type, e.type === 'panic' ? e.marker : e.type === 'boot' ? e.resetReason : '']),
    [
      ['boot', 'SW_CPU_RESET'],
      ['panic', 'guru-meditation'],
      ['panic', 'backtrace'],
      ['panic', 'abort'],
    ],
  );
  const bt = events[2];
  assert.ok(bt.type === 'panic' && bt.backtrace?.length === 2);
});

test('once the firmware speaks PROV_EVT, prose lines are not reported twice; a reset forgets it', () => {
  const events = recognizeAll([
    'I (1) PROV_EVT: boot role=initiator mode=secure mac=aa:bb:cc:dd:ee:02 version=1',
    'I (339545) wifi:connected with myssid, aid = 2, channel 1, 40U, bssid = 3c:46:d8:0e:4c:ac',
    'I (2) PROV_EVT: wifi_connected bssid=3c:46:d8:0e:4c:ac channel=1',
    'rst:0x1 (POWERON_RESET),boot:0x13 (SPI_FAST_FLASH_BOOT)',
    'I (340345) esp_netif_handlers: sta ip: 192.168.1.100, mask: 255.255.255.0, gw: 192.168.1.253',
  ]);
  assert.deepEqual(
    events.map((e) => `${e.source}:${e.type}`),
    ['prov-evt:boot', 'prov-evt:wifiConnected', 'rom:boot', 'idf:gotIp'],
  );
});
