import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AccessPoint, type Lease } from '../../../extension/src/lab/air/access-point';
import { Air, type HeardFrame } from '../../../extension/src/lab/air/air';
import { ESP_ERR_ESPNOW_EXIST, ESP_ERR_ESPNOW_FULL, ESP_ERR_ESPNOW_NOT_FOUND, ESP_OK } from '../../../extension/src/lab/air/espnow-peers';
import { FirmwareRadio } from '../../../extension/src/lab/air/firmware-radio';
import { BROADCAST_MAC } from '../../../extension/src/lab/air/mac';
import { seededRandom } from '../../../extension/src/lab/air/rng';
import { assertNothingLeft, sleep } from '../../support/lab/resources';

const A = '24:0a:c4:00:00:01';
const B = '24:0a:c4:00:00:02';
const C = '24:0a:c4:00:00:03';
const HOME = { ssid: 'home', password: 'correct horse', channel: 6, security: 'wpa2-psk' } as const;
const FAST = { scanPerChannelMs: 2, associateMs: 5, dhcpMs: 10, handshakeTimeoutMs: 40, beaconTimeoutMs: 30 };
const bytes = (s: string): Uint8Array => Buffer.from(s, 'utf8');
/** No helper timers: a wait that never ends is caught by the test timeout, and leaves nothing behind. */
const LIMIT = { timeout: 5000 };

type RadioEvent =
  | { readonly kind: 'frame'; readonly frame: HeardFrame }
  | { readonly kind: 'connected'; readonly bssid: string; readonly channel: number }
  | { readonly kind: 'gotIp'; readonly lease: Lease }
  | { readonly kind: 'disconnected'; readonly reason: number };
type Kind = RadioEvent['kind'];
type EventOf<K extends Kind> = Extract<RadioEvent, { kind: K }>;

/** One running firmware's radio as the wasm boot attaches it, with everything it was told recorded. */
class Board {
  readonly events: RadioEvent[] = [];
  readonly radio: FirmwareRadio;
  private readonly taken = new Map<Kind, number>();
  private waiters: Array<() => void> = [];

  constructor(mac: string, air: Air, aps: () => Iterable<AccessPoint>, channel: number) {
    const record = (e: RadioEvent) => {
      this.events.push(e);
      for (const w of this.waiters) w();
    };
    this.radio = new FirmwareRadio(
      mac,
      air,
      aps,
      {
        frame: (frame) => record({ kind: 'frame', frame }),
        wifiConnected: (bssid, ch) => record({ kind: 'connected', bssid, channel: ch }),
        gotIp: (lease) => record({ kind: 'gotIp', lease }),
        wifiDisconnected: (reason) => record({ kind: 'disconnected', reason }),
      },
      FAST,
    );
    this.radio.setChannel(channel);
  }

  /** The next event of `kind` not yet returned by an earlier call, already received or still to come. */
  next<K extends Kind>(kind: K): Promise<EventOf<K>> {
    const take = (): EventOf<K> | undefined => {
      const all = this.of(kind);
      const i = this.taken.get(kind) ?? 0;
      if (i >= all.length) return undefined;
      this.taken.set(kind, i + 1);
      return all[i];
    };
    const now = take();
    if (now) return Promise.resolve(now);
    return new Promise((resolve) => {
      const waiter = () => {
        const e = take();
        if (!e) return;
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve(e);
      };
      this.waiters.push(waiter);
    });
  }

  of<K extends Kind>(kind: K): Array<EventOf<K>> {
    return this.events.filter((e): e is EventOf<K> => e.kind === kind);
  }

  /** The Wi-Fi events in order, as compact strings. */
  wifi(): string[] {
    return this.events.flatMap((e) =>
      e.kind === 'connected' ? [`connected ${e.channel}`] : e.kind === 'gotIp' ? [`ip ${e.lease.ip}`] : e.kind === 'disconnected' ? [`disconnected ${e.reason}`] : [],
    );
  }

  /**
   * Sends one ESP-NOW frame the way the firmware's link does (register the peer, send, remove it when the
   * send callback came) and resolves with what the callback reports; rejects with esp_now_send's error.
   */
  send(dest: string, data: Uint8Array): Promise<boolean> {
    const added = this.radio.addPeer(dest) === ESP_OK && dest !== BROADCAST_MAC;
    return new Promise((resolve, reject) => {
      const err = this.radio.send(dest, data, (ok) => {
        if (added) this.radio.deletePeer(dest);
        resolve(ok);
      });
      if (err !== ESP_OK) {
        if (added) this.radio.deletePeer(dest);
        reject(new Error(`esp_now_send: 0x${err.toString(16)}`));
      }
    });
  }

  join(ssid: string, password: string): void {
    this.radio.joinWifi(bytes(ssid), bytes(password));
  }
}

function lab(extraAps: AccessPoint[] = []) {
  const baseline = process.getActiveResourcesInfo();
  const air = new Air({ latencyMs: 1, random: seededRandom(1) });
  const aps = [new AccessPoint(HOME), ...extraAps];
  const boards: Board[] = [];
  const board = (mac: string, channel: number) => {
    const b = new Board(mac, air, () => aps, channel);
    boards.push(b);
    return b;
  };
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    for (const b of boards) b.radio.dispose();
    air.dispose();
  };
  /** Powers everything off and checks that no timer of the air or a station is left. */
  const finish = async () => {
    stop();
    await assertNothingLeft(baseline);
  };
  return { air, aps, board, stop, finish };
}
test('acceptance: channel 1 pair hears each other, channel 6 and out of range do not', LIMIT, async (t) => {
  const l = lab();
  t.after(l.stop);
  const a = l.board(A, 1);
  const b = l.board(B, 1);
  const c = l.board(C, 6);
  assert.equal(await a.send(BROADCAST_MAC, Uint8Array.of(1, 2)), true, 'a broadcast always reports success');
  const heard = await b.next('frame');
  assert.deepEqual({ ...heard.frame, data: [...heard.frame.data] }, { from: A, rssi: -40, channel: 1, data: [1, 2] });
  assert.equal(await b.send(A, Uint8Array.of(0x0a, 0x0b)), true, 'a unicast the destination heard is acked');
  assert.deepEqual([...(await a.next('frame')).frame.data], [0x0a, 0x0b]);
  assert.equal(await a.send(C, Uint8Array.of(0x99)), false, 'C is on channel 6');
  l.air.moveOutOfRange(B);
  assert.equal(await a.send(B, Uint8Array.of(0x77)), false, 'out of range: no ack');
  // The send callback comes after every delivery of the same frame, so nothing more is on its way.
  assert.deepEqual(c.of('frame'), [], 'channel 6 hears nothing from channel 1');
  assert.equal(b.of('frame').length, 1, 'out of range hears nothing');
  assert.deepEqual(l.air.frames.map((f) => f.delivered), [[B], [A], [], []]);
  await l.finish();
});

test('acceptance: the right password gets an IP on the AP channel, a wrong one reason 15, a missing SSID 201', LIMIT, async (t) => {
  const l = lab();
  t.after(l.stop);
  const good = l.board(A, 1);
  const bad = l.board(B, 1);
  const lost = l.board(C, 1);
  good.join('home', 'correct horse');
  bad.join('home', 'wrong horse!');
  lost.join('elsewhere', 'correct horse');
  const joined = await good.next('connected');
  assert.match(joined.bssid, /^02:a9:[0-9a-f:]{11}$/);
  assert.equal(joined.bssid, l.aps[0]!.bssid);
  assert.equal(joined.channel, 6);
  assert.equal(good.radio.mac, A);
  assert.deepEqual(l.air.listRadios().find((r) => r.mac === A), { mac: A, channel: 6 }, 'associating retunes the radio');
  assert.deepEqual((await good.next('gotIp')).lease, { ip: '192.168.4.100', mask: '255.255.255.0', gw: '192.168.4.1' });
  assert.equal((await bad.next('disconnected')).reason, 15);
  assert.equal((await lost.next('disconnected')).reason, 201);
  // Reason 15 ends that join: the station has nothing left scheduled that could still bring an IP.
  assert.deepEqual(bad.wifi(), ['disconnected 15'], 'a wrong password never gets an IP');
  assert.deepEqual(lost.wifi(), ['disconnected 201']);
  // Associated, the radio moved to channel 6: a channel-1 broadcast no longer reaches it.
  await bad.send(BROADCAST_MAC, Uint8Array.of(1));
  assert.deepEqual(good.of('frame'), []);
  assert.deepEqual(lost.of('frame').map((e) => e.frame.from), [B], 'the channel-1 board still hears it');
  good.radio.leaveWifi();
  assert.equal((await good.next('disconnected')).reason, 8);
  good.join('home', 'correct horse');
  await good.next('connected');
  // Associated again (its DHCP still pending): the next join has to leave first.
  good.join('home', 'correct horse');
  assert.equal((await good.next('disconnected')).reason, 8, 'a connect while associated leaves first');
  await good.next('connected');
  assert.deepEqual((await good.next('gotIp')).lease.ip, '192.168.4.100', 'lease is stable');
  assert.deepEqual(good.wifi(), ['connected 6', 'ip 192.168.4.100', 'disconnected 8', 'connected 6', 'disconnected 8', 'connected 6', 'ip 192.168.4.100']);
  assert.ok(!JSON.stringify(l.air.frames).includes(Buffer.from('horse').toString('hex')), 'no password in the air');
  await l.finish();
});

test('a re-join after the AP moved channel associates on the new channel, and ESP-NOW follows', LIMIT, async (t) => {
  const l = lab();
  t.after(l.stop);
  const a = l.board(A, 1);
  const on11 = l.board(B, 11);
  a.join('home', 'correct horse');
  assert.equal((await a.next('connected')).channel, 6);
  await a.next('gotIp');
  // As the lab's setChannel does it: the same network (and BSSID) now on channel 11.
  const moved = new AccessPoint({ ...HOME, channel: 11, bssid: l.aps[0]!.bssid });
  l.aps[0] = moved;
  a.join('home', 'correct horse');
  assert.equal((await a.next('disconnected')).reason, 8);
  const again = await a.next('connected');
  assert.deepEqual([again.bssid, again.channel], [moved.bssid, 11]);
  assert.deepEqual(l.air.listRadios().find((r) => r.mac === A), { mac: A, channel: 11 });
  assert.deepEqual((await a.next('gotIp')).lease, moved.lease(A));
  assert.equal(await a.send(B, Uint8Array.of(5)), true, 'a unicast to a channel-11 board is acked now');
  assert.deepEqual(on11.of('frame').map((e) => [e.frame.from, e.frame.channel]), [[A, 11]]);
  await l.finish();
});

test('security decides the reason: WPA3 wrong password 202, an open AP refuses a password with 211', LIMIT, async (t) => {
  const l = lab([
    new AccessPoint({ ssid: 'sae', password: 'sae-secret-1', channel: 11, security: 'wpa3-sae' }),
    new AccessPoint({ ssid: 'cafe', password: '', channel: 1, security: 'open' }),
  ]);
  t.after(l.stop);
  const a = l.board(A, 1);
  const b = l.board(B, 1);
  const c = l.board(C, 6);
  a.join('sae', 'nope-nope');
  b.join('cafe', 'password');
  c.join('cafe', '');
  assert.equal((await a.next('disconnected')).reason, 202);
  assert.equal((await b.next('disconnected')).reason, 211);
  assert.equal((await c.next('connected')).channel, 1, 'an open AP takes a station that offers no password');
  await l.finish();
});

test('bad channels and oversized frames are refused without changing the radio; dispose detaches', LIMIT, async (t) => {
  const l = lab();
  t.after(l.stop);
  const a = l.board(A, 1);
  const b = l.board(B, 1);
  assert.throws(() => a.radio.setChannel(14), RangeError);
  assert.throws(() => a.radio.setChannel(0), RangeError);
  await assert.rejects(a.send(B, new Uint8Array(251)), /esp_now_send: 0x3066/, 'ESP_ERR_ESPNOW_ARG');
  await assert.rejects(a.send(B, new Uint8Array(0)), /esp_now_send: 0x3066/);
  assert.deepEqual(l.air.listRadios(), [
    { mac: A, channel: 1 },
    { mac: B, channel: 1 },
  ]);
  assert.equal(await a.send(B, new Uint8Array(250)), true, '250 bytes is the ESP-NOW limit');
  // Powered off mid-join: the radio leaves the air and no Wi-Fi event follows.
  b.join('home', 'correct horse');
  b.radio.dispose();
  assert.deepEqual(l.air.listRadios(), [{ mac: A, channel: 1 }]);
  assert.equal(await a.send(B, Uint8Array.of(1)), false, 'nobody acks for a detached radio');
  assert.equal(await b.send(A, Uint8Array.of(1)), false, 'a detached radio sends nothing');
  assert.deepEqual(a.of('frame'), []);
  a.join('home', 'correct horse');
  await a.next('gotIp');
  assert.deepEqual(b.wifi(), []);
  await l.finish();
});

test('an associated station moved out of range loses beacons: reason 200, unless it comes back in time', LIMIT, async (t) => {
  const l = lab();
  t.after(l.stop);
  const a = l.board(A, 1);
  const b = l.board(B, 1);
  for (const x of [a, b]) x.join('home', 'correct horse');
  await a.next('gotIp');
  await b.next('gotIp');
  l.air.moveOutOfRange(A);
  l.air.moveOutOfRange(B);
  // The outage itself, well inside the 30 ms beacon timeout; there is no event to wait for.
  await sleep(10);
  l.air.moveIntoRange(B);
  assert.equal((await a.next('disconnected')).reason, 200);
  a.join('home', 'correct horse');
  // A full scan (26 ms) ends after B's beacon timeout would have.
  assert.equal((await a.next('disconnected')).reason, 201, 'out of range: no AP found');
  assert.deepEqual(b.wifi(), ['connected 6', 'ip 192.168.4.101'], 'back in range before the beacon timeout');
  await l.finish();
});

test('ESP-NOW contract: 20 peers with broadcast, unknown unicast refused, one send callback per frame', LIMIT, async (t) => {
  const l = lab();
  t.after(l.stop);
  const a = l.board(A, 1);
  const b = l.board(B, 1);
  const ignore = () => undefined;
  assert.equal(a.radio.send(B, Uint8Array.of(1), ignore), ESP_ERR_ESPNOW_NOT_FOUND, 'unicast needs a registered peer');
  assert.equal(a.radio.send(BROADCAST_MAC, Uint8Array.of(1), ignore), ESP_ERR_ESPNOW_NOT_FOUND, 'so does broadcast');
  assert.equal(a.radio.addPeer(BROADCAST_MAC), ESP_OK);
  assert.equal(a.radio.addPeer(BROADCAST_MAC), ESP_ERR_ESPNOW_EXIST);
  for (let i = 0; i < 19; i++) assert.equal(a.radio.addPeer(`02:00:00:00:00:${i.toString(16).padStart(2, '0')}`), ESP_OK, `peer ${i + 2}`);
  assert.equal(a.radio.addPeer(B), ESP_ERR_ESPNOW_FULL, 'the 21st peer does not fit');
  assert.equal(a.radio.deletePeer(B), ESP_ERR_ESPNOW_NOT_FOUND);
  assert.equal(a.radio.deletePeer('02:00:00:00:00:00'), ESP_OK);
  assert.equal(a.radio.addPeer(B), ESP_OK, 'a freed slot takes a new peer');
  const results: boolean[] = [];
  assert.equal(a.radio.send(B, Uint8Array.of(7), (ok) => results.push(ok)), ESP_OK);
  await b.next('frame');
  await new Promise<void>((r) => l.air.later(r, 5));
  assert.deepEqual(results, [true], 'exactly one callback, after the acknowledgement');
  await l.finish();
});

test('frames leak onto adjacent channels, weaker, and are acknowledged only on their own channel', LIMIT, async (t) => {
  const l = lab();
  t.after(l.stop);
  const sender = l.board(A, 6);
  const near = l.board(B, 7);
  const two = l.board(C, 4);
  const far = l.board('24:0a:c4:00:00:04', 9);
  assert.equal(await sender.send(BROADCAST_MAC, Uint8Array.of(1)), true);
  const n = (await near.next('frame')).frame;
  const t2 = (await two.next('frame')).frame;
  assert.deepEqual([n.rssi, n.channel], [-60, 7], 'one channel off: 20 dB weaker, reported on the receiver\'s channel');
  assert.deepEqual([t2.rssi, t2.channel], [-80, 4], 'two channels off: 40 dB weaker');
  assert.equal(await sender.send(B, Uint8Array.of(2)), false, 'heard on channel 7, but nobody acks a channel-6 frame there');
  assert.equal(near.of('frame').length, 2);
  assert.deepEqual(far.of('frame'), [], 'three channels off hears nothing');
  await l.finish();
});
