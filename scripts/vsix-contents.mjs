// Lists the files in a VSIX (a zip) from its central directory, so the packaging check needs no unzip.
import { readFileSync, statSync } from 'node:fs';

/** @returns {{ name: string, size: number }[]} */
export function listZip(file) {
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
    const size = buf.readUInt32LE(p + 24);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    entries.push({ name: buf.toString('utf8', p + 46, p + 46 + nameLen), size });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

/** What a user should get, and nothing more. */
export function checkVsix(file) {
  const names = listZip(file).map((e) => e.name);
  const problems = [];
  const need = ['extension/package.json', 'extension/dist/extension.js', 'extension/dist/cli.js'];
  for (const n of need) if (!names.includes(n)) problems.push(`missing ${n}`);
  if (!names.some((n) => /^extension\/dist\/prebuilds\/linux-x64\/.*\.node$/.test(n))) problems.push('missing the linux-x64 serialport prebuild');
  const junk = names.filter((n) => /\.ts$|\.map$|(^|\/)node_modules\/|^extension\/(test|extension\/src|firmware|bench|scripts)\//.test(n));
  if (junk.length) problems.push(`contains files users do not need: ${junk.slice(0, 5).join(', ')}${junk.length > 5 ? ' …' : ''}`);
  if (statSync(file).size > 5 * 1024 * 1024) problems.push('is over 5 MB');
  return problems;
}
