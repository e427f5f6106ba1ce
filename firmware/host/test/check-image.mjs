// Checks pack-image.mjs output the way a loader reads it (parsing written here, not shared with the
// packer): header and extended header, segment checksums and SHA-256, app descriptor, config blob,
// partition table with MD5, flasher_args.json. Prints "# images checks=N ok=N bad=N".
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pack } from '../pack-image.mjs';

const CHIP_IDS = { esp32: 0, esp32s3: 9, esp32c3: 5 };
const SDKCONFIG = 'CONFIG_ESPNOW_ROLE_RESPONDER=y\nCONFIG_ESPNOW_WIFI_SSID="lab \\"net\\""\nCONFIG_ESPNOW_CHANNEL=6\n';

function parseImage(buf) {
  if (buf[0] !== 0xe9) throw new Error('magic');
  const count = buf[1];
  let pos = 24;
  let sum = 0xef;
  const segments = [];
  for (let i = 0; i < count; i++) {
    const load = buf.readUInt32LE(pos);
    const len = buf.readUInt32LE(pos + 4);
    if (len % 4) throw new Error(`segment ${i} length ${len} not a multiple of 4`);
    const data = buf.subarray(pos + 8, pos + 8 + len);
    for (const b of data) sum ^= b;
    segments.push({ load, data, offset: pos + 8 });
    pos += 8 + len;
  }
  const at = pos | 15;
  if (buf[at] !== sum) throw new Error(`checksum 0x${buf[at].toString(16)} != 0x${sum.toString(16)}`);
  if (buf[23] !== 1) throw new Error('hash_appended != 1');
  const digest = createHash('sha256').update(buf.subarray(0, at + 1)).digest();
  if (!digest.equals(buf.subarray(at + 1, at + 33))) throw new Error('sha256');
  if (buf.length !== at + 33) throw new Error(`trailing bytes: ${buf.length} vs ${at + 33}`);
  return { chipId: buf.readUInt16LE(12), segments, flash: buf[3] };
}

const cstr = (b, off, n) => {
  const f = b.subarray(off, off + n);
  const z = f.indexOf(0);
  return f.subarray(0, z < 0 ? n : z).toString('utf8');
};

function checkTarget(target) {
  const dir = mkdtempSync(join(tmpdir(), 'pack-'));
  try {
    pack({ target, sdkconfigText: SDKCONFIG, outDir: dir });
    const boot = parseImage(readFileSync(join(dir, 'bootloader/bootloader.bin')));
    if (boot.chipId !== CHIP_IDS[target]) throw new Error('bootloader chip id');
    const appBuf = readFileSync(join(dir, 'espnow_prov.bin'));
    if ((statSync(join(dir, 'espnow_prov.bin')).mode & 0o077) !== 0) throw new Error('app image readable by others');
    const app = parseImage(appBuf);
    if (app.chipId !== CHIP_IDS[target]) throw new Error('app chip id');
    const [desc, cfg] = app.segments;
    if (desc.data.readUInt32LE(0) !== 0xabcd5432) throw new Error('app desc magic');
    if (desc.offset !== 0x20) throw new Error(`app desc at file offset ${desc.offset}`);
    if ((desc.load & 0xffff) !== 0x20 || (cfg.load & 0xffff) !== (cfg.offset & 0xffff)) throw new Error('DROM address / offset mismatch');
    if (cstr(desc.data, 48, 32) !== 'espnow_prov' || cstr(desc.data, 16, 32) !== '0.1.0') throw new Error('project/version');
    if (!/^v5\./.test(cstr(desc.data, 112, 32)) || !/^\d\d:\d\d:\d\d$/.test(cstr(desc.data, 80, 16))) throw new Error('idf_ver/time');
    if (cfg.data.subarray(0, 8).toString('latin1') !== 'ESPNHCF1') throw new Error('config tag');
    const n = cfg.data.readUInt32LE(8);
    if (cfg.data.subarray(12, 12 + n).toString('utf8') !== SDKCONFIG) throw new Error('config text');
    const pt = readFileSync(join(dir, 'partition_table/partition-table.bin'));
    if (pt.length !== 0xc00) throw new Error('partition table size');
    const entries = [];
    let i = 0;
    for (; pt[i] === 0xaa && pt[i + 1] === 0x50; i += 32) {
      entries.push({ type: pt[i + 2], sub: pt[i + 3], off: pt.readUInt32LE(i + 4), size: pt.readUInt32LE(i + 8), label: cstr(pt, i + 12, 16) });
    }
    if (pt[i] !== 0xeb || pt[i + 1] !== 0xeb) throw new Error('no MD5 entry');
    if (!createHash('md5').update(pt.subarray(0, i)).digest().equals(pt.subarray(i + 16, i + 32))) throw new Error('MD5');
    const factory = entries.find((e) => e.label === 'factory');
    if (!factory || factory.type !== 0 || factory.off !== 0x10000) throw new Error('factory app partition');
    if (!entries.some((e) => e.label === 'nvs' && e.type === 1 && e.sub === 2)) throw new Error('nvs partition');
    if (!entries.some((e) => e.label === 'phy_init' && e.type === 1 && e.sub === 1)) throw new Error('phy_init partition');
    const fa = JSON.parse(readFileSync(join(dir, 'flasher_args.json'), 'utf8'));
    const bootOff = target === 'esp32' ? '0x1000' : '0x0';
    const want = { [bootOff]: 'bootloader/bootloader.bin', '0x8000': 'partition_table/partition-table.bin', '0x10000': 'espnow_prov.bin' };
    if (JSON.stringify(fa.flash_files) !== JSON.stringify(want) && JSON.stringify(Object.entries(fa.flash_files).sort()) !== JSON.stringify(Object.entries(want).sort())) throw new Error('flash_files');
    if (fa.bootloader.offset !== bootOff || fa.app.offset !== '0x10000' || fa['partition-table'].offset !== '0x8000') throw new Error('offsets');
    if (fa.extra_esptool_args.chip !== target || fa.flash_settings.flash_mode !== 'dio' || !Array.isArray(fa.write_flash_args)) throw new Error('settings');
    return [];
  } catch (e) {
    return [e.message];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

let ok = 0;
const targets = Object.keys(CHIP_IDS);
for (const t of targets) {
  const problems = checkTarget(t);
  if (problems.length) console.log(`not ok - image set for ${t}: ${problems.join('; ')}`);
  else {
    ok++;
    console.log(`ok - image set for ${t}`);
  }
}
console.log(`# images checks=${targets.length} ok=${ok} bad=${targets.length - ok}`);
process.exit(ok === targets.length ? 0 : 1);
