import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import type { ResetWiring } from '../../../extension/src/lab/board/reset-circuit';
import type { ChipKind } from '../../../extension/src/lab/chip/chip-program';
import { openFlashStore } from '../../../extension/src/lab/flash/flash-store';
import { Lab, LAB_FLASH_SIZE } from '../../../extension/src/lab/lab';
import { flashFileOf } from '../../../extension/src/lab/lab-state';
import { labPrograms } from '../../../extension/src/lab/lab-programs';
import { flashVirtualFirmware } from '../../support/lab/virtual-firmware';

/**
 * Conformance with an independent RFC2217 client: Debian's pySerial (python3-serial, what esptool and
 * idf.py monitor are built on) resets lab boards with esptool's sequences and timings through its own
 * RFC2217 client, which waits for the server's answer to every SET-CONTROL. The client script is
 * test/support/pyserial/rfc2217_reset_check.py.
 */
const SCRIPT = resolve(__dirname, '../../support/pyserial/rfc2217_reset_check.py');
/** Debian's interpreter: python3-serial installs into its dist-packages, which a pyenv python3 does not see. */
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

const BOARDS: Array<{ chip: ChipKind; wiring: ResetWiring; mac: string; banner: RegExp; flashBoot: RegExp }> = [
  { chip: 'esp32', wiring: 'uart-bridge', mac: '24:0a:c4:00:01:01', banner: /rst:0x1 \(POWERON_RESET\),boot:0x3 \(DOWNLOAD_BOOT\(UART0\/UART1\/SDIO_REI_REO_V2\)\)\r\nwaiting for download\r\n/, flashBoot: /boot:0x13 \(SPI_FAST_FLASH_BOOT\)/ },
  { chip: 'esp32s3', wiring: 'usb-serial-jtag', mac: '24:0a:c4:00:01:02', banner: /ESP-ROM:esp32s3-20210327\r\nBuild:Mar 27 2021\r\nrst:0x1 \(POWERON\),boot:0x0 \(DOWNLOAD\(USB\/UART0\)\)\r\nwaiting for download\r\n/, flashBoot: /boot:0x8 \(SPI_FAST_FLASH_BOOT\)/ },
  { chip: 'esp32c3', wiring: 'uart-bridge', mac: '24:0a:c4:00:01:03', banner: /ESP-ROM:esp32c3-api1-20210207\r\nBuild:Feb {2}7 2021\r\nrst:0x1 \(POWERON\),boot:0x4 \(DOWNLOAD\(USB\/UART0\/1\)\)\r\nwaiting for download\r\n/, flashBoot: /boot:0xc \(SPI_FAST_FLASH_BOOT\)/ },
  { chip: 'esp32c3', wiring: 'usb-serial-jtag', mac: '24:0a:c4:00:01:04', banner: /waiting for download\r\n/, flashBoot: /boot:0xc \(SPI_FAST_FLASH_BOOT\)/ },
];

/** The ROM's SYNC answer: direction 1, command 0x08, size 4 (the ROM's status bytes), a value (non-zero from the ROM, 0 from the stub: esptool's sync_stub_detected), status 0 (ok). */
const SYNC_ANSWER = /^01080400[0-9a-f]{8}0000/;

interface Step {
  step: string;
  text: string;
  sync?: string | null;
  ms: number;
}

function runClient(url: string, steps: string[]): Promise<Step[]> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(PYTHON, [SCRIPT, url, ...steps], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`${PYTHON} ${SCRIPT} exited with ${code}:\n${err}${out}\n(is python3-serial installed? scripts/setup.sh installs it)`));
      else resolveRun(out.trim().split('\n').map((l) => JSON.parse(l) as Step));
    });
  });
}

let lab: Lab;
let stateDir: string;

before(async () => {
  stateDir = mkdtempSync(join(tmpdir(), 'lab-pyserial-'));
  for (const b of BOARDS) {
    const flash = openFlashStore(flashFileOf(stateDir, b.mac), LAB_FLASH_SIZE);
    flashVirtualFirmware(flash, b.chip, 'responder', 'SECURE', join(stateDir, `build-${b.chip}`));
    flash.dispose();
  }
  lab = await Lab.start({ stateDir, programs: labPrograms, boards: BOARDS.map((b) => ({ chip: b.chip, mac: b.mac, wiring: b.wiring })) });
});

after(() => {
  lab?.dispose();
  rmSync(stateDir, { recursive: true, force: true });
});

BOARDS.forEach((b, i) => {
  test(`pySerial over rfc2217:// on a lab ${b.chip} (${b.wiring}): esptool's classic and USB-JTAG resets reach download mode and SYNC; an RTS pulse boots the app`, { timeout: 30_000 }, async () => {
    const board = lab.boardList[i];
    const steps = await runClient(board.url, ['classic', 'usb-jtag', 'hard']);
    assert.deepEqual(steps.map((s) => s.step), ['classic', 'usb-jtag', 'hard']);
    for (const s of steps.slice(0, 2)) {
      assert.match(s.text, b.banner, `${s.step}: the ROM banner of download mode; got ${JSON.stringify(s.text)}`);
      assert.match(s.sync ?? '', SYNC_ANSWER, `${s.step}: a SYNC answer`);
    }
    const hard = steps[2];
    assert.match(hard.text, b.flashBoot, `hard reset: the ROM boots from flash; got ${JSON.stringify(hard.text)}`);
    assert.match(hard.text, /app_init: Project name: +espnow_prov[\s\S]*PROV_EVT: boot role=responder/, 'the app runs');
    assert.equal(board.state, 'flash');
    console.log(`pySerial ${b.chip} ${b.wiring}: ${steps.map((s) => `${s.step} ${s.ms} ms`).join(', ')}`);
  });
});

test('pySerial with ?ign_set_control (how esptool users reach esptool\'s own server) works the same', { timeout: 30_000 }, async () => {
  const steps = await runClient(`${lab.boardList[0].url}?ign_set_control`, ['classic']);
  assert.match(steps[0].text, /waiting for download/);
  assert.match(steps[0].sync ?? '', SYNC_ANSWER);
});
