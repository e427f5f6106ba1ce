// The CLI as users get it: unpacked from the packaged VSIX and run in an empty folder with nothing on PATH
// but `node`: no checkout, no compiler, no make. Also checks that the README in the VSIX shows its pictures
// in a form the extension's details page renders (the UI test looks at that page itself).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '..', '..', '..');

interface VsixHelpers {
  packagedVsix(repoRoot: string, say?: (s: string) => void): string;
  unzipVsix(vsix: string, dest: string): string[];
}

/** Runs a program to its end (or kills it at `timeoutMs`) and returns its exit code and output. */
function run(cmd: string, args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number }): Promise<{ code: number | null; signal: string | null; out: string }> {
  return new Promise((done, fail) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      fail(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      done({ code, signal, out });
    });
  });
}

describe('the CLI unpacked from the VSIX', () => {
  let tmp = '';
  let unpacked = '';
  let entries: string[] = [];

  before(async () => {
    const { packagedVsix, unzipVsix } = (await import(join(root, 'test/integration/host/vsix.mjs'))) as VsixHelpers;
    const vsix = packagedVsix(root, (s) => console.log(`# ${s}`));
    tmp = mkdtempSync(join(tmpdir(), 'espnow-installed-cli-'));
    unpacked = join(tmp, 'unpacked');
    entries = unzipVsix(vsix, unpacked);
  });

  after(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('runs `demo --initiators 2` from an empty folder with only node on PATH, and prints every initiator\'s IP', { timeout: 240_000 }, async () => {
    const work = join(tmp, 'empty-folder');
    const bin = join(tmp, 'bin');
    const home = join(tmp, 'home');
    for (const d of [work, bin, home]) mkdirSync(d);
    symlinkSync(process.execPath, join(bin, 'node'));
    const cli = join(unpacked, 'extension/dist/cli.js');
    const t0 = Date.now();
    const r = await run(join(bin, 'node'), [cli, 'demo', '--initiators', '2'], { cwd: work, env: { PATH: bin, HOME: home }, timeoutMs: 200_000 });
    const secs = ((Date.now() - t0) / 1000).toFixed(1);
    console.log(`# demo --initiators 2 from the unpacked VSIX: exit ${r.code ?? r.signal} after ${secs}s`);
    const shown = `node ${cli} demo --initiators 2 (cwd ${work}, PATH=${bin}) ended with ${r.code ?? r.signal} after ${secs}s:\n${r.out}`;
    assert.equal(r.code, 0, shown);
    const plain = r.out.replace(/\x1b\[[0-9;]*m/g, ''); // colours, should the CLI use them off a terminal
    const ips = new Map([...plain.matchAll(/^\s*initiator (\d+)\s+IP (\d+\.\d+\.\d+\.\d+)\s*$/gm)].map((m) => [m[1], m[2]]));
    assert.deepEqual([...ips.keys()].sort(), ['1', '2'], `not every initiator's IP is printed:\n${shown}`);
    assert.equal(new Set(ips.values()).size, 2, `two initiators got the same IP:\n${shown}`);
    assert.deepEqual(readdirSync(work), [], 'the demo left files in the folder it was run from');
  });

  it("shows the README's pictures in a form the extension's details page renders", () => {
    const readmeEntry = entries.find((e) => /^extension\/readme\.md$/i.test(e));
    assert.ok(readmeEntry, `no README in the VSIX: ${entries.join(', ')}`);
    const readme = readFileSync(join(unpacked, readmeEntry), 'utf8');
    const images = [...readme.matchAll(/!\[[^\]]*\]\(\s*<?([^)\s>]+)>?[^)]*\)|<img[^>]*\ssrc="([^"]+)"/g)].map((m) => m[1] ?? m[2]);
    assert.ok(images.length > 0, 'the README in the VSIX shows no picture (the screenshot belongs there)');
    // VS Code shows the README of an installed extension in a webview whose content policy is
    // "img-src https: data:": a relative path stays a broken image even when the file is packaged.
    const refused = images.filter((src) => !/^(https:|data:image\/)/i.test(src));
    assert.deepEqual(refused, [], "the details page's content policy (img-src https: data:) refuses these README images");
    const inlined = images.filter((src) => /^data:image\/png;base64,/i.test(src)).map((src) => Buffer.from(src.slice(src.indexOf(',') + 1), 'base64'));
    for (const png of inlined) assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG', 'an inlined README picture is not a PNG');
  });
});
