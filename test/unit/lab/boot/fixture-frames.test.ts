import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Air, type HeardFrame } from '../../../../extension/src/lab/air/air';
import { bootFromFlash } from '../../../../extension/src/lab/boot/index';
import { FakeChip } from '../../../support/lab/fake-chip';
import { flashVirtualFirmware, sdkconfig } from '../../../support/lab/virtual-firmware';

/**
 * The shared frame fixtures (test/fixtures/frames, captured from the firmware's own state machines by
 * firmware/test) played over the lab's air to the firmware a virtual board runs (the WebAssembly build):
 * the lab's firmware answers them exactly as the C tests say the firmware does.
 */
const FIXTURES = join(resolve(__dirname, '../../../..'), 'test/fixtures/frames');
const RESPONDER = '24:0a:c4:00:00:01';
const INITIATOR = Uint8Array.of(0x24, 0x0a, 0xc4, 0, 0, 2); // the fixtures' initiator
const BROADCAST = 'ff:ff:ff:ff:ff:ff';

/** A fixture's frame bytes: '#' lines are comments, the rest is hex. */
function loadFixture(name: string): Uint8Array {
  const text = readFileSync(join(FIXTURES, name), 'utf8');
  return Buffer.from(text.split('\n').filter((l) => !l.startsWith('#')).join('').replace(/\s/g, ''), 'hex');
}

const air = new Air();
const work = mkdtempSync(join(tmpdir(), 'fixture-frames-'));
after(() => {
  air.dispose();
  rmSync(work, { recursive: true, force: true });
});

/** Boots a virtual C3 initiator in `mode` (Kconfig suffix) on channel 6, with the fixtures' product id. */
function bootInitiator(mode: string): { chip: FakeChip; dispose: () => void } {
  const chip = new FakeChip('esp32c3', INITIATOR);
  const config = sdkconfig('initiator', mode)
    .replace(/^CONFIG_ESPNOW_CHANNEL=.*$/m, 'CONFIG_ESPNOW_CHANNEL=6')
    .replace(/^CONFIG_ESPNOW_PRODUCT_ID=.*$/m, 'CONFIG_ESPNOW_PRODUCT_ID="espnow_prov"');
  flashVirtualFirmware(chip.flash, 'esp32c3', 'initiator', mode, mkdtempSync(join(work, 'build-')), config);
  const program = bootFromFlash(chip, { air, accessPoints: () => [], bootLoopIntervalMs: 10 });
  return { chip, dispose: () => program.dispose() };
}

/** A radio at the fixtures' responder MAC on channel 6, collecting what it hears. */
function responderRadio(): { heard: HeardFrame[]; send: (dest: string, frame: Uint8Array) => void; next: () => Promise<HeardFrame> } {
  const heard: HeardFrame[] = [];
  let waiting: ((f: HeardFrame) => void) | undefined;
  const radio = air.attach(RESPONDER, (f) => {
    heard.push(f);
    waiting?.(f);
  }, 6);
  after(() => radio.dispose());
  return {
    heard,
    send: (dest, frame) => radio.send(dest, frame),
    next: () => new Promise((ok, fail) => {
      const t = setTimeout(() => fail(new Error('the virtual board sent nothing within 5 s')), 5000);
      waiting = (f) => {
        clearTimeout(t);
        waiting = undefined;
        ok(f);
      };
    }),
  };
}

test('a compat initiator on a virtual board answers the fixture beacon with the fixture DEVICE frame', async () => {
  const { chip, dispose } = bootInitiator('ESPRESSIF_4_4');
  const r = responderRadio();
  await chip.waitFor(/PROV_EVT: scan_start channels=6/);
  const device = r.next();
  r.send(BROADCAST, loadFixture('compat-beacon.hex'));
  const sent = (await device).data;
  const want = loadFixture('compat-device.hex');
  assert.equal(sent.length, want.length);
  // Byte for byte but the magic (bytes 2-3), which a real board draws at random.
  assert.deepEqual([...sent.subarray(0, 2), ...sent.subarray(4)], [...want.subarray(0, 2), ...want.subarray(4)]);
  dispose();
});

test('the espressif-4.4 initiator takes the 178-byte WIFI fixture and drops the 222-byte one, saying why', async () => {
  const { chip, dispose } = bootInitiator('ESPRESSIF_4_4');
  const r = responderRadio();
  await chip.waitFor(/PROV_EVT: scan_start/);
  const device = r.next();
  r.send(BROADCAST, loadFixture('compat-beacon.hex'));
  await device;
  r.send('24:0a:c4:00:00:02', loadFixture('compat-wifi-5.4.hex'));
  await chip.waitFor(/W \(\d+\) espnow_prov: WIFI frame of 222 bytes dropped: it has the IDF >= 5\.4 layout, this device is set to espressif-4\.4/);
  assert.doesNotMatch(chip.text, /credentials_received/);
  r.send('24:0a:c4:00:00:02', loadFixture('compat-wifi-4.4.hex'));
  await chip.waitFor(/PROV_EVT: wifi_connecting ssid=myssid\r\n/);
  assert.match(chip.text, /PROV_EVT: credentials_received from=24:0a:c4:00:00:01 ssid=myssid/);
  dispose();
});

test('a secure initiator on a virtual board requests with the nonce of the fixture beacon, and takes the fixture credentials only for its own request', async () => {
  const { chip, dispose } = bootInitiator('SECURE');
  const r = responderRadio();
  await chip.waitFor(/PROV_EVT: scan_start/);
  const request = r.next();
  const beacon = loadFixture('secure-beacon.hex');
  r.send(BROADCAST, beacon);
  const sent = (await request).data;
  assert.equal(sent.length, loadFixture('secure-request.hex').length);
  assert.equal(sent[20], 0x11, 'S_REQUEST');
  assert.deepEqual([...sent.subarray(22, 38)], [...beacon.subarray(22, 38)], 'rn echoed from the beacon');
  // The fixture's S_CREDS answers another initiator nonce: an initiator that did not send it ignores it.
  r.send('24:0a:c4:00:00:02', loadFixture('secure-creds.hex'));
  await new Promise((ok) => setTimeout(ok, 100));
  assert.doesNotMatch(chip.text, /credentials_received/);
  dispose();
});
