import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rfc2217Client } from '../../../extension/src/core/serial/rfc2217-client';
import { openFlashStore } from '../../../extension/src/lab/flash/flash-store';
import { Lab, LAB_FLASH_SIZE } from '../../../extension/src/lab/lab';
import { flashFileOf } from '../../../extension/src/lab/lab-state';
import { labPrograms } from '../../../extension/src/lab/lab-programs';
import { flashVirtualFirmware, LAB_PASSWORD, LAB_SSID } from '../../support/lab/virtual-firmware';
import { assertNothingLeft, sleep } from '../../support/lab/resources';

const RESPONDER = '24:0a:c4:00:00:11';
const INITIATOR = '24:0a:c4:00:00:12';

test('full stack: lab boards boot their flash files, and the initiator console (over RFC2217) reaches got_ip', { timeout: 40_000 }, async () => {
  const baseline = process.getActiveResourcesInfo();
  const stateDir = mkdtempSync(join(tmpdir(), 'lab-provision-'));
  // Flash files written before the lab starts: the lab keeps a board's firmware across restarts.
  for (const [mac, chip, role] of [[RESPONDER, 'esp32', 'responder'], [INITIATOR, 'esp32c3', 'initiator']] as const) {
    const flash = openFlashStore(flashFileOf(stateDir, mac), LAB_FLASH_SIZE);
    await flashVirtualFirmware(flash, chip, role, 'SECURE', join(stateDir, `build-${role}`));
    flash.dispose();
  }
  const logs: string[] = [];
  const lab = await Lab.start({
    stateDir,
    // The production wiring: the ROM loader in download mode, the boot from flash otherwise.
    programs: labPrograms,
    boards: [{ chip: 'esp32', mac: RESPONDER }, { chip: 'esp32c3', mac: INITIATOR }],
    accessPoint: { ssid: LAB_SSID, password: LAB_PASSWORD, channel: 6, security: 'wpa2-psk' },
    log: (m) => logs.push(m),
  });
  const initiator = lab.boardList.find((b) => b.chip === 'esp32c3')!;
  const link = new Rfc2217Client(initiator.url);
  let uart = '';
  try {
    await link.open(115200);
    let gotIp!: () => void;
    const provisioned = new Promise<void>((r) => (gotIp = r));
    const sub = link.onData((d) => {
      uart += Buffer.from(d).toString('latin1');
      if (/PROV_EVT: got_ip [^\r\n]*\r\n/.test(uart)) gotIp(); // the whole line
    });
    // idf.py monitor's reset: EN low, then high with IO0 high, so the console shows the boot from the start.
    await link.setSignals({ dtr: false, rts: true });
    await sleep(50); // the reset pulse's own length
    await link.setSignals({ dtr: false, rts: false });
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([provisioned, new Promise<void>((r) => (timer = setTimeout(r, 25_000)))]);
    clearTimeout(timer);
    sub.dispose();
    assert.match(uart, /ESP-ROM:esp32c3-api1-20210207\r\nBuild:Feb {2}7 2021\r\nrst:0x1 \(POWERON\),boot:0xc \(SPI_FAST_FLASH_BOOT\)/);
    assert.match(uart, /app_init: Project name: {5}espnow_prov/);
    assert.match(uart, /PROV_EVT: boot role=initiator mode=secure mac=24:0a:c4:00:00:12/);
    assert.match(uart, /PROV_EVT: got_ip ip=192\.168\.4\.100 mask=255\.255\.255\.0 gw=192\.168\.4\.1/, `console:\n${uart}\nlab log:\n${logs.join('\n')}`);
    assert.ok(!uart.includes(LAB_PASSWORD) && !logs.join('\n').includes(LAB_PASSWORD));
  } finally {
    await link.close();
    lab.dispose();
  }
  // Powering off sends SIGTERM; the host programs need a moment to exit.
  await assertNothingLeft(baseline, 3000);
  rmSync(stateDir, { recursive: true, force: true });
});
