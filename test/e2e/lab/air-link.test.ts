import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AccessPoint } from '../../../extension/src/lab/air/access-point';
import { Air } from '../../../extension/src/lab/air/air';
import { LinkServer } from '../../../extension/src/lab/air/link-server';
import { seededRandom } from '../../../extension/src/lab/air/rng';
import { assertNothingLeft, LinkClient, sleep } from '../../support/lab/link-client';

const A = '24:0a:c4:00:00:01';
const B = '24:0a:c4:00:00:02';
const C = '24:0a:c4:00:00:03';
const hex = (s: string) => Buffer.from(s, 'utf8').toString('hex');
const isConnected = (l: string): boolean => l.startsWith('WIFI_CONNECTED');
/**
 * For LinkClient.waitFor, which offers the lines already received first: matches the first line satisfying
 * `then` that comes after the n-th line satisfying `first`.
 */
const afterNth = (n: number, first: (l: string) => boolean, then: (l: string) => boolean) => {
  let seen = 0;
  return (l: string): boolean => {
    if (seen >= n && then(l)) return true;
    if (first(l)) seen++;
    return false;
  };
};
const FAST = { scanPerChannelMs: 2, associateMs: 5, dhcpMs: 10, handshakeTimeoutMs: 40, beaconTimeoutMs: 30 };

async function lab(extraAps: AccessPoint[] = []) {
  const logs: string[] = [];
  const air = new Air({ latencyMs: 1, random: seededRandom(1) });
  const aps = [new AccessPoint({ ssid: 'home', password: 'correct horse', channel: 6, security: 'wpa2-psk' }), ...extraAps];
  const server = new LinkServer({ air, accessPoints: () => aps, log: (m) => logs.push(m), wifiTimings: FAST });
  const port = await server.listen();
  const clients: LinkClient[] = [];
  const board = async (mac: string, channel: number) => {
    const c = await LinkClient.open(port);
    clients.push(c);
    c.send(`HELLO ${mac}\nCHANNEL ${channel}\n`);
    return c;
  };
  const waitAttached = async (n: number) => {
    while (server.connectedMacs.length < n) await sleep(2);
    await sleep(5);
  };
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    for (const c of clients) await c.close();
    server.dispose();
    air.dispose();
  };
  return { air, server, logs, board, waitAttached, stop };
}

test('acceptance: channel 1 pair hears each other, channel 6 and out of range do not', async (t) => {
  const baseline = process.getActiveResourcesInfo();
  const l = await lab();
  t.after(() => l.stop());
  const a = await l.board(A, 1);
  const b = await l.board(B, 1);
  const c = await l.board(C, 6);
  await l.waitAttached(3);
  a.send('TX ff:ff:ff:ff:ff:ff 0102\n');
  assert.match(await b.waitFor(/^RX /), new RegExp(`^RX ${A} -40 1 0102$`));
  assert.equal(await a.waitFor(/^TXDONE/), 'TXDONE ff:ff:ff:ff:ff:ff OK');
  // Split across writes, with a CRLF: the server reassembles lines.
  b.send(`TX ${A.slice(0, 5)}`);
  await sleep(5);
  b.send(`${A.slice(5)} 0a0b\r\n`);
  assert.equal(await a.waitFor(/^RX /), `RX ${B} -40 1 0a0b`);
  assert.equal(await b.waitFor(/^TXDONE/), `TXDONE ${A} OK`);
  a.send(`TX ${C} 99\n`);
  assert.equal(await a.waitFor((x) => x.startsWith(`TXDONE ${C}`)), `TXDONE ${C} FAIL`, 'C is on channel 6');
  l.air.moveOutOfRange(B);
  a.send(`TX ${B} 77\n`);
  assert.equal(await a.waitFor((x) => x.startsWith(`TXDONE ${B}`)), `TXDONE ${B} FAIL`);
  await sleep(20);
  assert.equal(c.lines.filter((x) => x.startsWith('RX')).length, 0);
  assert.ok(!b.lines.some((x) => x.endsWith(' 77')), 'out of range hears nothing');
  await l.stop();
  await assertNothingLeft(baseline);
});

test('acceptance: the right password gets an IP on the AP channel, a wrong one reason 15, a missing SSID 201', async (t) => {
  const baseline = process.getActiveResourcesInfo();
  const l = await lab();
  t.after(() => l.stop());
  const good = await l.board(A, 1);
  const bad = await l.board(B, 1);
  const lost = await l.board(C, 1);
  await l.waitAttached(3);
  good.send(`WIFI_CONNECT ${hex('home')} ${hex('correct horse')}\n`);
  bad.send(`WIFI_CONNECT ${hex('home')} ${hex('wrong horse!')}\n`);
  lost.send(`WIFI_CONNECT ${hex('elsewhere')} ${hex('correct horse')}\n`);
  assert.match(await good.waitFor(/^WIFI_CONNECTED/), /^WIFI_CONNECTED 02:a9:[0-9a-f:]{11} 6$/);
  assert.equal(await good.waitFor(/^GOT_IP/), 'GOT_IP 192.168.4.100 255.255.255.0 192.168.4.1');
  assert.equal(await bad.waitFor(/^WIFI_/), 'WIFI_DISCONNECTED 15');
  assert.equal(await lost.waitFor(/^WIFI_/), 'WIFI_DISCONNECTED 201');
  await sleep(30);
  assert.ok(!bad.lines.some((x) => x.startsWith('GOT_IP')), 'a wrong password never gets an IP');
  // Associated, the radio moved to channel 6: a channel-1 broadcast no longer reaches it.
  bad.send('TX ff:ff:ff:ff:ff:ff 01\n');
  await bad.waitFor(/^TXDONE/);
  await sleep(10);
  assert.ok(!good.lines.some((x) => x.startsWith('RX')));
  good.send('WIFI_DISCONNECT\n');
  assert.equal(await good.waitFor(/^WIFI_DISCONNECTED/), 'WIFI_DISCONNECTED 8');
  good.send(`WIFI_CONNECT ${hex('home')} ${hex('correct horse')}\n`);
  // Associated again before the next join, so that join has to leave first.
  await good.waitFor(afterNth(1, isConnected, isConnected));
  good.send(`WIFI_CONNECT ${hex('home')} ${hex('correct horse')}\n`);
  // The lease of the last join; whether the previous join's DHCP finished first does not matter.
  await good.waitFor(afterNth(3, isConnected, (x) => x.startsWith('GOT_IP')));
  assert.deepEqual(good.lines.filter((x) => x.startsWith('WIFI_DISCONNECTED')), ['WIFI_DISCONNECTED 8', 'WIFI_DISCONNECTED 8'], 'a connect while associated leaves first');
  assert.deepEqual(new Set(good.lines.filter((x) => x.startsWith('GOT_IP'))), new Set(['GOT_IP 192.168.4.100 255.255.255.0 192.168.4.1']), 'lease is stable');
  assert.ok(!l.logs.join('\n').includes('horse') && !l.logs.join('\n').includes(hex('horse')), 'no password in the log');
  assert.ok(!JSON.stringify(l.air.frames).includes(hex('horse')));
  await l.stop();
  await assertNothingLeft(baseline);
});

test('security decides the reason: WPA3 wrong password 202, an open AP refuses a password with 211', async (t) => {
  const l = await lab([
    new AccessPoint({ ssid: 'sae', password: 'sae-secret-1', channel: 11, security: 'wpa3-sae' }),
    new AccessPoint({ ssid: 'cafe', password: '', channel: 1, security: 'open' }),
  ]);
  t.after(() => l.stop());
  const a = await l.board(A, 1);
  const b = await l.board(B, 1);
  const c = await l.board(C, 1);
  await l.waitAttached(3);
  a.send(`WIFI_CONNECT ${hex('sae')} ${hex('nope-nope')}\n`);
  b.send(`WIFI_CONNECT ${hex('cafe')} ${hex('password')}\n`);
  c.send(`WIFI_CONNECT ${hex('cafe')} \n`);
  assert.equal(await a.waitFor(/^WIFI_/), 'WIFI_DISCONNECTED 202');
  assert.equal(await b.waitFor(/^WIFI_/), 'WIFI_DISCONNECTED 211');
  assert.match(await c.waitFor(/^WIFI_/), / 1$/);
});

test('malformed lines are logged without their fields and dropped; unknown kinds are ignored; close detaches', async (t) => {
  const l = await lab();
  t.after(() => l.stop());
  const a = await l.board(A, 1);
  await l.waitAttached(1);
  a.send(`TX nonsense 01\nCHANNEL 14\nWIFI_CONNECT ${hex('home')} zz-secret-zz\nFUTURE_THING 1 2\nTX ${B} ${'00'.repeat(251)}\n`);
  await sleep(30);
  const log = l.logs.join('\n');
  assert.match(log, /malformed TX/);
  assert.match(log, /malformed CHANNEL/);
  assert.match(log, /malformed WIFI_CONNECT/);
  assert.ok(!log.includes('zz-secret-zz'));
  assert.match(log, /unknown line kind "FUTURE_THING"/);
  assert.equal(l.air.listRadios()[0]!.channel, 1);
  await a.close();
  for (let i = 0; i < 50 && l.air.listRadios().length > 0; i++) await sleep(5);
  assert.deepEqual(l.air.listRadios(), []);
});

test('an associated station moved out of range loses beacons: reason 200, unless it comes back in time', async (t) => {
  const l = await lab();
  t.after(() => l.stop());
  const a = await l.board(A, 1);
  const b = await l.board(B, 1);
  await l.waitAttached(2);
  for (const c of [a, b]) c.send(`WIFI_CONNECT ${hex('home')} ${hex('correct horse')}\n`);
  await a.waitFor(/^GOT_IP/);
  await b.waitFor(/^GOT_IP/);
  l.air.moveOutOfRange(A);
  l.air.moveOutOfRange(B);
  await sleep(10);
  l.air.moveIntoRange(B);
  assert.equal(await a.waitFor(/^WIFI_DISCONNECTED/), 'WIFI_DISCONNECTED 200');
  await sleep(40);
  assert.ok(!b.lines.some((x) => x.startsWith('WIFI_DISCONNECTED')), 'back in range before the beacon timeout');
  a.send(`WIFI_CONNECT ${hex('home')} ${hex('correct horse')}\n`);
  assert.equal(await a.waitFor((x) => x.startsWith('WIFI_DISCONNECTED') && x !== 'WIFI_DISCONNECTED 200'), 'WIFI_DISCONNECTED 201', 'out of range: no AP found');
});
