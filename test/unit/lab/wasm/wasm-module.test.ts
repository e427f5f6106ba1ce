import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { compileFirmware } from '../../../../extension/src/lab/wasm/wasm-firmware';
import { wasmCryptoImports } from '../../../../extension/src/lab/wasm/wasm-crypto';
import { WASM_FIRMWARE } from '../../../support/lab/virtual-firmware';

test('the shipped firmware module imports only what the lab provides, so no WASI runtime is needed', () => {
  const module = compileFirmware(readFileSync(WASM_FIRMWARE));
  const imports = WebAssembly.Module.imports(module);
  assert.deepEqual([...new Set(imports.map((i) => i.module))], ['epv'], JSON.stringify(imports));
  const crypto = Object.keys(wasmCryptoImports(() => new Uint8Array()));
  const lab = ['log', 'espnow_add_peer', 'espnow_del_peer', 'espnow_send', 'set_channel', 'flash_read', 'nvs_store_creds', 'timer_start', 'timer_stop', 'wifi_join', 'random', ...crypto];
  for (const i of imports) assert.ok(lab.includes(i.name), `import epv.${i.name} is not provided by the lab`);
  assert.ok(readFileSync(WASM_FIRMWARE).length < 200 * 1024, 'small enough to ship in the VSIX and in every app image');
});
