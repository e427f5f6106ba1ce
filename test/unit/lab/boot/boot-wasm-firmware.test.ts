import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { appDescriptor, buildImage } from '../../../../extension/src/core/build/image/esp-image-writer';
import { encodeVirtualBlob } from '../../../../extension/src/core/build/image/virtual-app-blobs';
import { PROJECT_NAME } from '../../../../extension/src/core/build/image/virtual-build-writer';
import { Air } from '../../../../extension/src/lab/air/air';
import { bootFromFlash } from '../../../../extension/src/lab/boot/index';
import { FakeChip } from '../../../support/lab/fake-chip';
import { writeFirmware } from '../../../support/lab/image-builder';
import { assertNothingLeft } from '../../../support/lab/resources';
import { sdkconfig, WASM_FIRMWARE } from '../../../support/lab/virtual-firmware';

const air = new Air();
after(() => air.dispose());
const deps = { air, accessPoints: () => [], bootLoopIntervalMs: 10 };
const WASM = readFileSync(WASM_FIRMWARE);

/** An espnow_prov app image for the C3 with the given blobs. */
function app(blobs: { config?: string; wasm?: Uint8Array }): Uint8Array {
  const desc = appDescriptor({ version: '0.1.0', projectName: PROJECT_NAME, idfVer: 'v5.4-virtual', time: '12:00:00', date: 'Nov 26 2026', elfSha256: new Uint8Array(32) });
  const segments = [{ load: 'drom' as const, data: desc }];
  if (blobs.config !== undefined) segments.push({ load: 'drom', data: encodeVirtualBlob('config', Buffer.from(blobs.config)) });
  if (blobs.wasm) segments.push({ load: 'drom', data: encodeVirtualBlob('wasm', blobs.wasm) });
  return buildImage({ target: 'esp32c3', segments });
}

function boot(image: Uint8Array): { chip: FakeChip; dispose: () => void } {
  const chip = new FakeChip('esp32c3');
  writeFirmware(chip.flash, 'esp32c3', image);
  const p = bootFromFlash(chip, deps);
  return { chip, dispose: () => p.dispose() };
}

test('the flashed wasm module runs: the initiator boots, tunes its radio and scans; power off leaves nothing', async () => {
  const baseline = process.getActiveResourcesInfo();
  const { chip, dispose } = boot(app({ config: sdkconfig('initiator', 'SECURE'), wasm: WASM }));
  await chip.waitFor(/PROV_EVT: scan_start channels=1-13/);
  assert.match(chip.text, /I \(\d+\) cpu_start: ESP-NOW provisioning, wasm build 0\.1\.0\r\n/);
  assert.match(chip.text, /PROV_EVT: boot role=initiator mode=secure mac=/);
  assert.deepEqual(air.listRadios().map((r) => r.mac), [[...chip.mac].map((b) => b.toString(16).padStart(2, '0')).join(':')]);
  dispose();
  assert.deepEqual(air.listRadios(), [], 'power off detaches the radio');
  await assertNothingLeft(baseline);
});

test('an espnow_prov image without a wasm module: the console says at once that the firmware could not start', () => {
  const { chip, dispose } = boot(app({ config: sdkconfig('initiator', 'SECURE') }));
  assert.match(chip.text, /E \(\d+\) lab: the virtual board could not start its firmware: the app image carries no WebAssembly module/);
  assert.match(chip.logs.join('\n'), /could not start its firmware/);
  dispose();
});

test('a corrupt wasm module and one built for other imports are refused with the reason', () => {
  const corrupt = boot(app({ config: sdkconfig('initiator', 'SECURE'), wasm: Buffer.from('not a wasm module at all') }));
  assert.match(corrupt.chip.text, /could not start its firmware: its WebAssembly module is corrupt/);
  corrupt.dispose();
  // A valid module that exports nothing the lab drives: an app for another lab version.
  const empty = boot(app({ config: sdkconfig('initiator', 'SECURE'), wasm: Buffer.from('0061736d01000000', 'hex') }));
  assert.match(empty.chip.text, /could not start its firmware: its WebAssembly module lacks epv_io_buffer, .*memory/);
  empty.dispose();
});

test('a config the firmware refuses stops it at boot with the line and reason, and no radio is left on', () => {
  const { chip, dispose } = boot(app({ config: 'CONFIG_ESPNOW_ROLE_INITIATOR=y\nCONFIG_ESPNOW_CHANNEL=99\n', wasm: WASM }));
  assert.match(chip.text, /E \(\d+\) espnow_prov: config error at line 2: CHANNEL: 0\.\.13\r\n/);
  assert.match(chip.logs.join('\n'), /firmware stopped at boot/);
  assert.deepEqual(air.listRadios(), []);
  dispose();
});
