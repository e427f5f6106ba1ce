// Lab memory per virtual board in a fleet of 32, every board running the firmware (one responder
// beaconing, 31 initiators scanning): process memory after ÷ 32, measured after a forced GC.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { openFlashStore } from '../../extension/src/lab/flash/flash-store';
import { Lab, LAB_FLASH_SIZE } from '../../extension/src/lab/lab';
import { labPrograms } from '../../extension/src/lab/lab-programs';
import { flashFileOf } from '../../extension/src/lab/lab-state';
import { flashVirtualFirmware, LAB_PASSWORD, LAB_SSID } from '../../test/support/lab/virtual-firmware';
import { figure, type Figure } from '../lib/figure';
import { benchDir } from '../lib/plans';

const BOARDS = 32;

function settle(): Promise<void> {
  (globalThis as { gc?: () => void }).gc?.();
  return new Promise((r) => setTimeout(r, 200));
}

function used(): { rss: number; js: number } {
  const m = process.memoryUsage();
  return { rss: m.rss, js: m.heapUsed + m.external + m.arrayBuffers };
}

export async function measure(): Promise<Figure[]> {
  const stateDir = benchDir('fleet');
  const macs = Array.from({ length: BOARDS }, (_, i) => `24:0a:c4:00:01:${i.toString(16).padStart(2, '0')}`);
  for (const [i, mac] of macs.entries()) {
    const flash = openFlashStore(flashFileOf(stateDir, mac), LAB_FLASH_SIZE);
    flashVirtualFirmware(flash, 'esp32c3', i === 0 ? 'responder' : 'initiator', 'SECURE', path.join(stateDir, `build-${i === 0 ? 'r' : 'i'}`));
    flash.dispose();
  }
  // The same process made everything above; what is left of it is in the baseline.
  await settle();
  const before = used();
  const lab = await Lab.start({ stateDir, programs: labPrograms, boards: macs.map((mac) => ({ chip: 'esp32c3' as const, mac })), accessPoint: { ssid: LAB_SSID, password: LAB_PASSWORD, channel: 6, security: 'wpa2-psk' } });
  try {
    await new Promise((r) => setTimeout(r, 3000));
    const running = lab.boardList.filter((b) => b.state === 'flash').length;
    await settle();
    const after = used();
    const note = `${running} of ${BOARDS} booted into the firmware; after a forced GC; includes each board's ${LAB_FLASH_SIZE / 1024 / 1024} MiB flash image, held in memory`;
    return [
      figure('lab memory per virtual board (fleet of 32), RSS', (after.rss - before.rss) / BOARDS / 1024 / 1024, 'MiB', undefined, note),
      figure('lab memory per virtual board (fleet of 32), JS heap + buffers', (after.js - before.js) / BOARDS / 1024 / 1024, 'MiB', undefined, note),
    ];
  } finally {
    lab.dispose();
    fs.rmSync(stateDir, { recursive: true, force: true });
  }
}
