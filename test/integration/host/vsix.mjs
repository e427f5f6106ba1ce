// The packaged product the installed-extension tests run: the VSIX `npm run package` writes, and its files
// unpacked with Node alone (a VSIX is a zip; no unzip binary needed on any OS).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { inflateRawSync } from 'node:zlib';

/**
 * The VSIX under test. `ESPNOW_VSIX` names one already packaged (scripts/test-all.sh packages once for every
 * step); otherwise this runs `npm run package` now, so a test never picks up a VSIX left by an older build.
 */
export function packagedVsix(repoRoot, say = console.log) {
  const given = process.env.ESPNOW_VSIX;
  if (given) {
    const file = resolve(given);
    if (!existsSync(file)) throw new Error(`ESPNOW_VSIX=${given}: no such file`);
    return file;
  }
  const { name, version } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
  const file = join(repoRoot, `${name}-${version}.vsix`);
  const t0 = Date.now();
  say(`packaging the VSIX (npm run package; set ESPNOW_VSIX to test a given one)`);
  const r = spawnSync(process.execPath, [join(repoRoot, 'scripts/package-vsix.mjs')], { cwd: repoRoot, encoding: 'utf8' });
  if (r.status !== 0) {
    throw new Error(`npm run package failed (exit ${r.status}):\n${tail(`${r.stdout}${r.stderr}`, 30)}`);
  }
  say(`packaged ${file} in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  return file;
}

function tail(text, lines) {
  return text.split('\n').slice(-lines).join('\n');
}

/**
 * Every entry of a zip file, read from its central directory: name, method, sizes and where its local
 * header sits. Only what VSIX files use: stored (0) and deflated (8) entries, no zip64, no encryption.
 */
export function zipEntries(buf) {
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 65535); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('not a zip file (no end of central directory record)');
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const entries = [];
  for (let n = 0; n < count; n++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new Error(`bad central directory entry ${n}`);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    entries.push({
      name: buf.toString('utf8', p + 46, p + 46 + nameLen),
      method: buf.readUInt16LE(p + 10),
      compressedSize: buf.readUInt32LE(p + 20),
      size: buf.readUInt32LE(p + 24),
      localHeader: buf.readUInt32LE(p + 42),
      // Unix mode bits live in the high half of the external attributes when "made by" is Unix.
      mode: buf.readUInt8(p + 5) === 3 ? buf.readUInt32LE(p + 38) >>> 16 : 0,
    });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

/** The bytes of one entry. */
export function zipRead(buf, entry) {
  const h = entry.localHeader;
  if (buf.readUInt32LE(h) !== 0x04034b50) throw new Error(`${entry.name}: bad local header`);
  const start = h + 30 + buf.readUInt16LE(h + 26) + buf.readUInt16LE(h + 28);
  const raw = buf.subarray(start, start + entry.compressedSize);
  if (entry.method === 0) return Buffer.from(raw);
  if (entry.method === 8) return inflateRawSync(raw);
  throw new Error(`${entry.name}: compression method ${entry.method} is not supported`);
}

/** Unpacks a VSIX into `dest` (entries keep their `extension/...` paths) and returns the entry names. */
export function unzipVsix(vsix, dest) {
  const buf = readFileSync(vsix);
  const root = resolve(dest);
  const names = [];
  for (const e of zipEntries(buf)) {
    const out = resolve(root, e.name);
    if (!out.startsWith(root + sep)) throw new Error(`${e.name}: entry escapes the destination folder`);
    if (e.name.endsWith('/')) {
      mkdirSync(out, { recursive: true });
      continue;
    }
    mkdirSync(dirname(out), { recursive: true });
    const data = zipRead(buf, e);
    if (data.length !== e.size) throw new Error(`${e.name}: ${data.length} bytes unpacked, the directory says ${e.size}`);
    writeFileSync(out, data, { mode: e.mode & 0o777 || 0o644 });
    names.push(e.name);
  }
  return names;
}
