import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AccessPoint } from '../../../extension/src/lab/air/access-point';
import { Air } from '../../../extension/src/lab/air/air';
import { LinkServer } from '../../../extension/src/lab/air/link-server';
import { bootFromFlash, whenBootStopped } from '../../../extension/src/lab/boot/index';
import type { ChipKind } from '../../../extension/src/lab/chip/chip-program';
import { openFlashStore } from '../../../extension/src/lab/flash/flash-store';
import { FakeChip } from '../../support/lab/fake-chip';
import { flashHostFirmware, LAB_PASSWORD, LAB_SSID, type Role } from '../../support/lab/host-firmware';
import { assertNothingLeft } from '../../support/lab/resources';

// Runs the firmware's real host build (npm run test:firmware builds it) from images packed by the
// firmware's own pack-image.mjs, on the lab's air and access point.
async function flashedChip(dir: string, chip: ChipKind, role: Role, mac: number[], mode: string): Promise<FakeChip> {
  const flash = openFlashStore(join(dir, `${role}.flash`), 4 * 1024 * 1024);
  await flashHostFirmware(flash, chip, role, mode, join(dir, `build-${role}`));
  return new FakeChip(chip, Uint8Array.from(mac), flash);
}

for (const mode of ['SECURE', 'ESPRESSIF_5_4']) {
  test(`e2e (${mode}): both roles boot from flashed host-build images and the initiator gets an IP`, { timeout: 30_000 }, async () => {
    const baseline = process.getActiveResourcesInfo();
    const dir = mkdtempSync(join(tmpdir(), 'lab-boot-e2e-'));
    const logs: string[] = [];
    const air = new Air({ capturePath: join(dir, 'capture.jsonl') });
    const ap = new AccessPoint({ ssid: LAB_SSID, password: LAB_PASSWORD, channel: 6, security: 'wpa2-psk' });
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
      // The programs remove their config files (Wi-Fi password, pair key) as soon as they have read them,
      // before they boot, so a killed lab leaves none behind. (Mode 0600: test/unit/lab/boot/host-runner.test.ts.)
      const run = join(stateDir, 'run');
      await responder.waitFor(/PROV_EVT: boot role=responder/);
      await initiator.waitFor(/PROV_EVT: boot role=initiator/);
      assert.deepEqual(readdirSync(run), [], 'config files removed by the programs after reading them');
      assert.equal(statSync(run).mode & 0o777, 0o700);
      await initiator.waitFor(/PROV_EVT: got_ip ip=192\.168\.4\.100 mask=255\.255\.255\.0 gw=192\.168\.4\.1/, 20_000);
      assert.match(responder.text, /PROV_EVT: credentials_sent to=24:0a:c4:00:00:02/);
      assert.ok(air.frames.length > 0, 'the frames crossed the simulated air');
      const everything = [responder.text, initiator.text, logs.join('\n'), readFileSync(join(dir, 'capture.jsonl'), 'utf8')].join('\n');
      assert.ok(!everything.includes(LAB_PASSWORD), 'no password in UART, lab log or capture in clear text');
      if (mode === 'SECURE') assert.ok(!everything.includes(Buffer.from(LAB_PASSWORD).toString('hex')), 'secure mode: no password hex on the air');
      for (const p of programs) p.dispose();
      await Promise.all(programs.map(whenBootStopped));
      assert.deepEqual(readdirSync(run), [], 'no config file after the programs exit');
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

test('the host program console reaches the UART with CRLF line ends, as newlib prints them', { timeout: 10_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lab-boot-crlf-'));
  const chip = await flashedChip(dir, 'esp32', 'responder', [0x24, 0x0a, 0xc4, 0, 0, 9], 'SECURE');
  // No link server on port 1: the program says so on its console and exits.
  const p = bootFromFlash(chip, { stateDir: join(dir, 'state'), linkPort: 1 });
  try {
    await chip.waitFor(/cannot connect to the lab link/);
    await whenBootStopped(p);
    const hostPart = chip.text.slice(chip.text.indexOf('ESP-NOW provisioning, host build'));
    assert.ok(hostPart.length > 0 && !/[^\r]\n/.test(hostPart), 'every line ends in CRLF');
    assert.match(chip.logs.join('\n'), /host program exited \(code 1\)/);
  } finally {
    p.dispose();
    chip.flash.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});
