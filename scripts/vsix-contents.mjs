// Checks a VSIX (a zip) against what the installed extension needs at run time: every file its bundles can
// load (read from the bundles inside the VSIX, see bundle-loads.mjs), the ESP-IDF firmware project, and
// nothing of the source tree besides. Reads the zip itself, so the check needs no unzip.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { bundleLoads } from './bundle-loads.mjs';

const EXT = 'extension/';
const BUNDLES = ['dist/extension.js', 'dist/cli.js'];
/** The VSIX size limit: the marketplace accepts more, but users download it for every version. */
export const MAX_VSIX_BYTES = 5 * 1024 * 1024;
/**
 * The ESP-IDF project files the extension ships (relative to firmware/), so Build Firmware works from the
 * install folder. .vscodeignore selects the same files; this is the check that it does.
 */
const FIRMWARE_SHIPPED = /^(CMakeLists\.txt|sdkconfig\.defaults|README\.md|PROTOCOL\.md|main\/.+|core\/[^/]+\.[ch])$/;
/** Folders a firmware build writes; never sources (firmwareSourceHash skips the same). */
const BUILD_DIR = /^(build|build-.*|managed_components|\.cache)$/;

/**
 * The entries of a zip file from its central directory.
 * @returns {{ name: string, size: number, read: () => Buffer }[]}
 */
export function readZip(file) {
  const buf = readFileSync(file);
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 65535); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error(`${file} is not a zip file (no end of central directory)`);
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const entries = [];
  for (let n = 0; n < count; n++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new Error(`${file}: bad central directory entry ${n}`);
    const method = buf.readUInt16LE(p + 10);
    const packed = buf.readUInt32LE(p + 20);
    const size = buf.readUInt32LE(p + 24);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.toString('utf8', p + 46, p + 46 + nameLen);
    const read = () => {
      // The local header's own name and extra lengths may differ from the central directory's.
      const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
      const data = buf.subarray(start, start + packed);
      if (method === 0) return Buffer.from(data);
      if (method === 8) return inflateRawSync(data);
      throw new Error(`${file}: ${name} uses zip method ${method}`);
    };
    entries.push({ name, size, read });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

/** @returns {{ name: string, size: number }[]} */
export function listZip(file) {
  return readZip(file).map(({ name, size }) => ({ name, size }));
}

/**
 * What a user should get, and nothing more. `root` is the checkout the VSIX was packaged from: its
 * firmware project is compared file by file with the shipped one. Returns one line per problem.
 */
export function checkVsix(file, root = join(import.meta.dirname, '..')) {
  return checkEntries(readZip(file), statSync(file).size, root);
}

/** checkVsix() on a zip's entries (readZip()), so tests can check a VSIX with an entry taken out. */
export function checkEntries(zipEntries, zipBytes, root = join(import.meta.dirname, '..')) {
  const entries = new Map(zipEntries.map((e) => [e.name, e]));
  const names = [...entries.keys()];
  const has = (rel) => entries.has(EXT + rel);
  const problems = [];
  for (const n of ['package.json', ...BUNDLES, 'dist/espnow_prov.wasm', 'firmware/CMakeLists.txt', 'firmware/sdkconfig.defaults']) {
    if (!has(n)) problems.push(`missing ${EXT}${n}`);
  }
  problems.push(...missingRuntimeFiles(entries));
  problems.push(...firmwareProblems(names, root, entries));
  const junk = names.filter((n) => /\.ts$|\.map$|(^|\/)node_modules\/|^extension\/(test|extension\/src|bench|scripts)\//.test(n));
  if (junk.length) problems.push(`contains files users do not need: ${junk.slice(0, 5).join(', ')}${junk.length > 5 ? ' …' : ''}`);
  if (zipBytes > MAX_VSIX_BYTES) problems.push('is over 5 MB');
  return problems;
}

/** Every chunk and asset a shipped bundle (or a chunk it loads) can load must be in the VSIX beside it. */
function missingRuntimeFiles(entries) {
  const problems = [];
  const seen = new Set();
  const queue = BUNDLES.map((b) => EXT + b).filter((b) => entries.has(b));
  while (queue.length) {
    const bundle = queue.shift();
    if (seen.has(bundle)) continue;
    seen.add(bundle);
    const dir = posix.dirname(bundle);
    const loads = bundleLoads(entries.get(bundle).read().toString('utf8'));
    for (const p of loads.problems) problems.push(`${bundle}: ${p}`);
    for (const f of loads.files) {
      const path = posix.join(dir, f);
      if (!entries.has(path)) problems.push(`missing ${path}, which ${bundle} loads at run time`);
      else if (f.endsWith('.js')) queue.push(path);
    }
    for (const d of loads.prebuildDirs) {
      const prefix = `${posix.join(dir, d)}/`;
      if (![...entries.keys()].some((n) => n.startsWith(prefix) && n.endsWith('.node'))) problems.push(`missing the serialport prebuild ${prefix}*.node, which ${bundle} loads at run time`);
    }
  }
  return problems;
}

/**
 * The shipped firmware/ is exactly the ESP-IDF project: every project file of the checkout, the sources
 * its CMakeLists names, and no tests, host or wasm ports, fuzz corpora or build output.
 */
function firmwareProblems(names, root, entries) {
  const problems = [];
  const prefix = `${EXT}firmware/`;
  const shipped = new Set(names.filter((n) => n.startsWith(prefix)).map((n) => n.slice(prefix.length)));
  const extra = [...shipped].filter((n) => !FIRMWARE_SHIPPED.test(n));
  if (extra.length) problems.push(`ships firmware files that are not the ESP-IDF project: ${extra.slice(0, 5).join(', ')}${extra.length > 5 ? ' …' : ''}`);
  const firmwareDir = join(root, 'firmware');
  if (existsSync(firmwareDir)) {
    for (const rel of walk(firmwareDir)) if (FIRMWARE_SHIPPED.test(rel) && !shipped.has(rel)) problems.push(`missing ${prefix}${rel}`);
  }
  const cmake = entries.get(`${prefix}main/CMakeLists.txt`);
  if (!cmake) return [...problems, `missing ${prefix}main/CMakeLists.txt`];
  const text = cmake.read().toString('utf8');
  const srcs = /\bSRCS\b([^)]*?)(?:\b(?:INCLUDE_DIRS|PRIV_INCLUDE_DIRS|REQUIRES|PRIV_REQUIRES)\b|\))/.exec(text)?.[1] ?? '';
  for (const m of srcs.matchAll(/"([^"$]+)"/g)) {
    const rel = posix.normalize(posix.join('main', m[1]));
    if (!shipped.has(rel)) problems.push(`missing ${prefix}${rel}, which firmware/main/CMakeLists.txt compiles`);
  }
  for (const m of text.matchAll(/file\s*\(\s*GLOB\s+\w+\s+"\$\{CMAKE_CURRENT_LIST_DIR\}\/([^"]+)"/g)) {
    const re = new RegExp(`^${posix.normalize(posix.join('main', m[1])).replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}$`);
    if (![...shipped].some((n) => re.test(n))) problems.push(`ships nothing for ${m[1]}, which firmware/main/CMakeLists.txt compiles`);
  }
  return problems;
}

/** Files under `dir` as '/'-separated relative paths, build output folders skipped. */
function walk(dir, rel = '') {
  const out = [];
  for (const e of readdirSync(join(dir, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) {
      if (!BUILD_DIR.test(e.name)) out.push(...walk(dir, r));
    } else if (e.isFile()) out.push(r);
  }
  return out;
}
