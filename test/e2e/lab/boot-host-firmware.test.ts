import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { AccessPoint } from '../../../extension/src/lab/air/access-point';
import { Air } from '../../../extension/src/lab/air/air';
import { LinkServer } from '../../../extension/src/lab/air/link-server';
import { bootFromFlash, defaultHostProgram, whenBootStopped } from '../../../extension/src/lab/boot/index';
import type { ChipKind } from '../../../extension/src/lab/chip/chip-program';
import { openFlashStore } from '../../../extension/src/lab/flash/flash-store';
import { FakeChip } from '../../support/lab/fake-chip';
import { assertNothingLeft } from '../../support/lab/link-client';

// Runs the firmware's real host build (npm run test:firmware builds it) from images packed by the
// firmware's own pack-image.mjs, on the lab's air and access point.
const REPO = resolve(__dirname, '../../..');
const HOST = defaultHostProgram();
const PACK = join(REPO, 'firmware/host/pack-image.mjs');
const missing = [HOST, PACK].filter((p) => !existsSync(p));

const SSID = 'lab net';
const PASSWORD = 'correct horse 42';
const KEY = '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff';
const quote = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

function sdkconfig(role: 'responder' | 'initiator', mode: string): string {
  const lines = [
    `CONFIG_ESPNOW_ROLE_${role.toUpperCase()}=y`,
    `CONFIG_ESPNOW_MODE_${mode}=y`,
    `CONFIG_ESPNOW_WIFI_SSID=${quote(role === 'responder' ? SSID : '')}`,
    `CONFIG_ESPNOW_WIFI_PASSWORD=${quote(role === 'responder' ? PASSWORD : '')}`,
    `CONFIG_ESPNOW_CHANNEL=${role === 'responder' ? 6 : 0}`,
    `CONFIG_ESPNOW_PAIR_KEY=${quote(KEY)}`,
    'CONFIG_ESPNOW_BEACON_INTERVAL_MS=100',
    'CONFIG_ESPNOW_BEACON_WINDOW_S=8',
    'CONFIG_ESPNOW_SCAN_TIMEOUT_S=8',
    `CONFIG_ESPNOW_PRODUCT_ID=${quote('lab e2e')}`,
    `CONFIG_ESPNOW_DEVICE_NAME=${quote(role)}`,
    'CONFIG_ESP_CONSOLE_UART_BAUDRATE=115200',
  ];
  return `${lines.join('\n')}\n`;
}

interface FlasherArgs {
  flash_files: Record<string, string>;
}

/** Packs one role's image set with pack-image.mjs and writes it into a file-backed flash, as esptool would. */
async function flashedChip(dir: string, chip: ChipKind, role: 'responder' | 'initiator', mac: number[], mode: string) {
  const { pack } = (await import(pathToFileURL(PACK).href)) as {
    pack(o: { target: string; sdkconfigText: string; outDir: string }): unknown;
  };
  const out = join(dir, `build-${role}`);
  pack({ target: chip, sdkconfigText: sdkconfig(role, mode), outDir: out });
  const args = JSON.parse(readFileSync(join(out, 'flasher_args.json'), 'utf8')) as FlasherArgs;
  const flash = openFlashStore(join(dir, `${role}.flash`), 4 * 1024 * 1024);
  for (const [offset, file] of Object.entries(args.flash_files)) flash.write(Number(offset), readFileSync(join(out, file)));
  return new FakeChip(chip, Uint8Array.from(mac), flash);
}

for (const mode of ['SECURE', 'ESPRESSIF_5_4']) {
  test(`e2e (${mode}): both roles boot from flashed host-build images and the initiator gets an IP`, { skip: missing.length ? `missing ${missing.join(', ')}: run npm run test:firmware` : false, timeout: 30_000 }, async () => {
    const baseline = process.getActiveResourcesInfo();
    const dir = mkdtempSync(join(tmpdir(), 'lab-boot-e2e-'));
    const logs: string[] = [];
    const air = new Air({ capturePath: join(dir, 'capture.jsonl') });
    const ap = new AccessPoint({ ssid: SSID, password: PASSWORD, channel: 6, security: 'wpa2-psk' });
    const link = new LinkServer({ air, accessPoints: () => [ap], log: (m) => logs.push(m) });
    const programs: ReturnType<typeof bootFromFlash>[] = [];
    const chips: FakeChip[] = [];
    try {
      const linkPort = await link.listen();
      const responder = await flashedChip(dir, 'esp32', 'responder', [0x24, 0x0a, 0xc4, 0, 0, 1], mode);
      const initiator = await flashedChip(dir, 'esp32s3', 'initiator', [0x24, 0x0a, 0xc4, 0, 0, 2], mode);
      chips.push(responder, initiator);
      const stateDir = join(dir, 'state');
      for (const chip of chips) programs.push(bootFromFlash(chip, { stateDir, linkPort }));
      assert.match(responder.text, /app_init: Project name: {5}espnow_prov\r\n/);
      assert.match(initiator.text, /ESP-ROM:esp32s3-20210327/);
      // While running, the config files exist, owner-only.
      const run = join(stateDir, 'run');
      await responder.waitFor(/PROV_EVT: boot role=responder/);
      const cfgs = readdirSync(run);
      assert.equal(cfgs.length, 2);
      for (const f of cfgs) assert.equal(statSync(join(run, f)).mode & 0o777, 0o600);
      await initiator.waitFor(/PROV_EVT: got_ip ip=192\.168\.4\.100 mask=255\.255\.255\.0 gw=192\.168\.4\.1/, 20_000);
      assert.match(responder.text, /PROV_EVT: credentials_sent to=24:0a:c4:00:00:02/);
      assert.ok(air.frames.length > 0, 'the frames crossed the simulated air');
      const everything = [responder.text, initiator.text, logs.join('\n'), readFileSync(join(dir, 'capture.jsonl'), 'utf8')].join('\n');
      assert.ok(!everything.includes(PASSWORD), 'no password in UART, lab log or capture in clear text');
      if (mode === 'SECURE') assert.ok(!everything.includes(Buffer.from(PASSWORD).toString('hex')), 'secure mode: no password hex on the air');
      for (const p of programs) p.dispose();
      await Promise.all(programs.map(whenBootStopped));
      assert.deepEqual(readdirSync(run), [], 'config files removed when the programs exit');
    } finally {
      for (const p of programs) p.dispose();
      await Promise.all(programs.map(whenBootStopped));
      for (const c of chips) c.flash.dispose();
      link.dispose();
      air.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
    await assertNothingLeft(baseline, 2000);
  });
}
