import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

interface ZipEntry {
  name: string;
  size: number;
  read: () => Buffer;
}
interface VsixContents {
  readZip: (f: string) => ZipEntry[];
  checkVsix: (f: string, root?: string) => string[];
  checkEntries: (entries: ZipEntry[], bytes: number, root?: string) => string[];
  MAX_VSIX_BYTES: number;
}

let vsix = '';
let lib: VsixContents;

before(async () => {
  const r = spawnSync('npm', ['run', '-s', 'package'], { cwd: root, encoding: 'utf8' });
  assert.equal(r.status, 0, `npm run package failed:\n${r.stdout}\n${r.stderr}`);
  const { version, name } = (await import(join(root, 'package.json'), { with: { type: 'json' } })).default as { version: string; name: string };
  vsix = join(root, `${name}-${version}.vsix`);
  lib = (await import(join(root, 'scripts', 'vsix-contents.mjs'))) as VsixContents;
});

/** The packaged VSIX's entries with some taken out, checked as if that VSIX had been written. */
function checkWithout(drop: (name: string) => boolean): string[] {
  return lib.checkEntries(lib.readZip(vsix).filter((e) => !drop(e.name)), statSync(vsix).size, root);
}

test('npm run package writes a VSIX under 5 MB holding every file its bundles load, the ESP-IDF project, and no other sources', () => {
  assert.deepEqual(lib.checkVsix(vsix, root), []);
  const names = lib.readZip(vsix).map((e) => e.name);
  assert.ok(names.includes('extension/dist/espnow_prov.wasm'));
  assert.ok(names.some((n) => n.startsWith('extension/dist/prebuilds/linux-x64/') && n.endsWith('.node')));
  for (const n of ['CMakeLists.txt', 'sdkconfig.defaults', 'main/CMakeLists.txt', 'main/Kconfig.projbuild', 'main/app_main.c', 'core/epv_frame.c', 'core/epv_frame.h']) {
    assert.ok(names.includes(`extension/firmware/${n}`), `the VSIX lacks firmware/${n}`);
  }
  assert.ok(!names.some((n) => /^extension\/firmware\/(test|host|wasm|scripts|build)\//.test(n)), 'tests, ports or build output shipped');
  // webpack must inline esptool-js's dynamic imports: a chunk is one more file packaging can forget.
  assert.deepEqual(names.filter((n) => /^extension\/dist\/[^/]+\.js$/.test(n)).sort(), ['extension/dist/cli.js', 'extension/dist/extension.js']);
  const size = statSync(vsix).size;
  assert.ok(size < lib.MAX_VSIX_BYTES);
  console.log(`VSIX size: ${(size / 1024).toFixed(0)} KiB, ${names.length} files`);
});

test('the packaging check fails when a file the product loads at run time is missing', () => {
  const noWasm = checkWithout((n) => n === 'extension/dist/espnow_prov.wasm');
  assert.ok(noWasm.includes('missing extension/dist/espnow_prov.wasm, which extension/dist/extension.js loads at run time'), noWasm.join('\n'));
  assert.ok(noWasm.includes('missing extension/dist/espnow_prov.wasm, which extension/dist/cli.js loads at run time'), noWasm.join('\n'));
  const noPrebuild = checkWithout((n) => n.startsWith('extension/dist/prebuilds/darwin-x64+arm64/'));
  assert.ok(noPrebuild.length > 0 && noPrebuild.every((p) => p.includes('prebuilds/darwin-x64+arm64/')), noPrebuild.join('\n'));
  const noSource = checkWithout((n) => n === 'extension/firmware/main/esp_port.c');
  assert.ok(noSource.includes('missing extension/firmware/main/esp_port.c, which firmware/main/CMakeLists.txt compiles'), noSource.join('\n'));
});

test('the packaging check fails when a bundle loads a webpack chunk the VSIX lacks', () => {
  // The runtime webpack emitted before chunks were inlined (minified), loading esptool-js's stubs as 205.js.
  const chunked = 'i.e=t=>{const e=[];return i.f.require(t,e),Promise.all(e)},i.u=t=>t+".js";' + 'const s=require("./"+i.u(e));' + 'i.e(205).then(i.bind(i,3399))';
  const bundle: ZipEntry = { name: 'extension/dist/cli.js', size: chunked.length, read: () => Buffer.from(chunked) };
  const entries = [...lib.readZip(vsix).filter((e) => e.name !== bundle.name), bundle];
  assert.deepEqual(lib.checkEntries(entries, statSync(vsix).size, root), ['missing extension/dist/205.js, which extension/dist/cli.js loads at run time']);
  const chunk: ZipEntry = { name: 'extension/dist/205.js', size: 2, read: () => Buffer.from('{}') };
  assert.deepEqual(lib.checkEntries([...entries, chunk], statSync(vsix).size, root), []);
});
