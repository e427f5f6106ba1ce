// What the user installs: VSIX size (limit 5 MB, as `npm run package` checks), the WebAssembly firmware,
// and activation of the packaged bundle with a stand-in VS Code API (no VS Code runs here).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { figure, limitMax, unmeasured, type Figure } from '../lib/figure';

const ROOT = path.resolve(__dirname, '../..');

function vsix(): Figure {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
  const file = path.join(ROOT, `${pkg.name}-${pkg.version}.vsix`);
  if (process.argv.includes('--package')) {
    const r = spawnSync('npm', ['run', '-s', 'package'], { cwd: ROOT, stdio: 'ignore' });
    if (r.status !== 0) return unmeasured('VSIX size', 'MB', '`npm run package` failed');
  }
  if (!fs.existsSync(file)) return unmeasured('VSIX size', 'MB', 'no VSIX: run `npm run package` (or `npm run bench -- --package`)');
  const st = fs.statSync(file);
  return figure('VSIX size', st.size / 1024 / 1024, 'MB', limitMax(5), `${path.basename(file)} of ${st.mtime.toISOString()}`);
}

function wasm(): Figure {
  for (const rel of ['dist/espnow_prov.wasm', 'firmware/wasm/build/espnow_prov.wasm']) {
    const f = path.join(ROOT, rel);
    if (fs.existsSync(f)) return figure('wasm firmware size', fs.statSync(f).size / 1024, 'KiB', undefined, rel);
  }
  return unmeasured('wasm firmware size', 'KiB', 'not built: make -C firmware/wasm');
}

function activation(): Figure[] {
  if (!fs.existsSync(path.join(ROOT, 'dist/extension.js'))) return [unmeasured('extension activation (stand-in VS Code API)', 'ms', 'no dist/extension.js: npm run build')];
  const runs: Array<{ loadMs: number; activateMs: number }> = [];
  for (let i = 0; i < 5; i++) {
    const r = spawnSync(process.execPath, [path.join(__dirname, '../lib/activate-with-stub.js')], { encoding: 'utf8' });
    const o = JSON.parse(r.stdout || '{}') as { loadMs?: number; activateMs?: number; error?: string };
    if (o.error || o.loadMs === undefined) return [unmeasured('extension activation (stand-in VS Code API)', 'ms', `activate() failed on the stand-in API: ${o.error ?? r.stderr}`)];
    runs.push({ loadMs: o.loadMs, activateMs: o.activateMs! });
  }
  const med = (k: 'loadMs' | 'activateMs') => runs.map((r) => r[k]).sort((a, b) => a - b)[2];
  const note = 'dist/extension.js in a fresh Node with a stand-in vscode module, median of 5; the extension host\'s own start and the real API are not in it';
  return [figure('extension activation: bundle load', med('loadMs'), 'ms', undefined, note), figure('extension activation: activate()', med('activateMs'), 'ms', undefined, note)];
}

export async function measure(): Promise<Figure[]> {
  return [vsix(), wasm(), ...activation()];
}
