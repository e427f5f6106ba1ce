// The stand-in's "binary image" step: an idf.py-style image set written by the product's own image writer,
// carrying the repository's WebAssembly firmware when it is built, so stand-in builds also run on lab boards.
// Usage: node --import <tsx> pack-image.ts --target T --sdkconfig FILE --out DIR
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isChipKey } from '../../../../extension/src/core/chips/chips';
import { writeVirtualBuild } from '../../../../extension/src/core/build/image/virtual-build-writer';

const args = new Map<string, string>();
for (let i = 2; i + 1 < process.argv.length; i += 2) args.set(process.argv[i]!, process.argv[i + 1]!);
const target = args.get('--target') ?? '';
const sdkconfig = args.get('--sdkconfig');
const out = args.get('--out');
if (!isChipKey(target) || !sdkconfig || !out) {
  console.error('usage: pack-image.ts --target esp32|esp32s3|esp32c3 --sdkconfig FILE --out DIR');
  process.exit(2);
}
const wasmPath = join(resolve(__dirname, '../../../..'), 'firmware/wasm/build/espnow_prov.wasm');
const wasm = existsSync(wasmPath) ? readFileSync(wasmPath) : new Uint8Array();
writeVirtualBuild({ target, sdkconfigText: readFileSync(sdkconfig, 'utf8'), wasm, outDir: out });
