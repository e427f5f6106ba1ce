import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDemoCommand } from '../../../extension/src/cli/commands/demo';
import { TEST_PRODUCT_PATHS as paths } from '../../support/lab/virtual-firmware';

const secrets = { password: 'pcap-secret-pw-93', pairKey: '7e'.repeat(32) };
const ESPRESSIF_OUI = 0x18fe34;

/** Every frame of a pcap as tshark (Debian's Wireshark) decodes it. */
function decode(file: string): Array<{ subtype: number; category: number; oui: number; freq: number; data: Buffer }> {
  const text = execFileSync('tshark', ['-r', file, '-T', 'fields', '-E', 'separator=;', '-e', 'wlan.fc.type_subtype', '-e', 'wlan.fixed.category_code', '-e', 'wlan.tag.oui', '-e', 'radiotap.channel.freq', '-e', 'data.data'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return text.trim().split('\n').map((line) => {
    const [subtype, category, oui, freq, data] = line.split(';');
    return { subtype: Number(subtype), category: Number(category), oui: Number(oui), freq: Number(freq), data: Buffer.from((data ?? '').replace(/:/g, ''), 'hex') };
  });
}

/** The ESP-NOW payload inside the action frame's body: 4 random bytes, vendor element (221, len, OUI, type 4, version). */
function espNowPayload(body: Buffer): Buffer {
  assert.equal(body[4], 221, 'vendor specific element');
  assert.equal(body.readUIntBE(6, 3), ESPRESSIF_OUI);
  assert.deepEqual([body[9], body[10]], [4, 1], 'ESP-NOW type 4, version 1');
  assert.equal(body[5], body.length - 6, 'element length');
  return body.subarray(11);
}

for (const mode of ['secure', 'espressif-5.4'] as const) {
  test(`a ${mode} exchange exported as pcap decodes in tshark as ESP-NOW action frames`, { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pcap-'));
    try {
      const file = join(dir, 'air.pcap');
      const out: string[] = [];
      const code = await runDemoCommand(['--quiet', '--mode', mode, '--capture', file], { out: (l) => out.push(l), err: (l) => out.push(l) }, { paths, secrets });
      assert.equal(code, 0, out.join('\n'));
      assert.equal(statSync(file).mode & 0o777, 0o600, 'owner-only: a compat capture holds the password');
      const frames = decode(file);
      assert.ok(frames.length >= 4, `${frames.length} frames`);
      for (const f of frames) {
        assert.equal(f.subtype, 13, 'management / action');
        assert.equal(f.category, 127, 'vendor specific');
        assert.equal(f.oui, ESPRESSIF_OUI);
        assert.equal(f.freq, 2437, 'channel 6');
        const p = espNowPayload(f.data);
        assert.equal(p[0]! & 0x0f, 3, 'the data type of the provisioning header: PROV');
      }
      const all = Buffer.concat(frames.map((f) => f.data));
      const password = Buffer.from(secrets.password);
      if (mode === 'secure') assert.equal(all.indexOf(password), -1, 'secure mode: the password never crosses the air in clear');
      else assert.ok(all.indexOf(password) >= 0, 'Espressif mode: the WIFI frame carries it in clear, as documented');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
