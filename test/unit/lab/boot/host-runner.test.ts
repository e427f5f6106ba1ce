import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bootFromFlash, whenBootStopped } from '../../../../extension/src/lab/boot/index';
import { appImage, writeFirmware } from '../../../support/lab/image-builder';
import { FakeChip } from '../../../support/lab/fake-chip';
import { assertNothingLeft } from '../../../support/lab/link-client';

const CONFIG = 'CONFIG_ESPNOW_ROLE_RESPONDER=y\nCONFIG_ESPNOW_WIFI_PASSWORD="not in any log"\n';

/**
 * A stand-in host program: reports its arguments and its config file, echoes stdin, and ignores SIGTERM
 * when asked to (so the SIGKILL path runs).
 */
function fakeProgram(dir: string, ignoreTerm: boolean): string {
  const path = join(dir, 'fake-host.js');
  writeFileSync(
    path,
    `#!${process.execPath}
const fs = require('fs');
const args = process.argv.slice(2);
const cfg = args[args.indexOf('--config') + 1];
process.stdout.write('args ' + args.join(' ') + '\\n');
process.stdout.write('mode ' + (fs.statSync(cfg).mode & 0o777).toString(8) + ' same ' + (fs.readFileSync(cfg, 'utf8') === ${JSON.stringify(CONFIG)}) + '\\n');
${ignoreTerm ? "process.on('SIGTERM', () => process.stdout.write('ignoring TERM\\\\n'));" : ''}
process.stdin.on('data', (d) => process.stdout.write('echo ' + d));
setInterval(() => {}, 1000);
`,
  );
  chmodSync(path, 0o755);
  return path;
}

for (const ignoreTerm of [false, true]) {
  test(`host program: args, 0600 config copied unchanged, UART both ways, ${ignoreTerm ? 'SIGKILL after 500 ms' : 'SIGTERM'} on dispose, config removed`, async () => {
    const baseline = process.getActiveResourcesInfo();
    const dir = mkdtempSync(join(tmpdir(), 'host-runner-'));
    try {
      const chip = new FakeChip('esp32s3', Uint8Array.of(0x24, 0x0a, 0xc4, 0xaa, 0xbb, 0x01));
      writeFirmware(chip.flash, 'esp32s3', appImage('esp32s3', { projectName: 'espnow_prov', config: CONFIG }));
      const stateDir = join(dir, 'state');
      const p = bootFromFlash(chip, { stateDir, linkPort: 4567, hostProgram: fakeProgram(dir, ignoreTerm) });
      await chip.waitFor(/same true\r\n/);
      assert.match(chip.text, /args --config \S+\/state\/run\/config-240ac4aabb01-\S+\.cfg --mac 24:0a:c4:aa:bb:01 --link 127\.0\.0\.1:4567\r\n/);
      assert.match(chip.text, /mode 600 same true\r\n/);
      p.receive(Buffer.from('hi\n'));
      await chip.waitFor(/echo hi\r\n/);
      const started = Date.now();
      p.dispose();
      await whenBootStopped(p);
      const took = Date.now() - started;
      if (ignoreTerm) {
        assert.ok(took >= 450, `killed after the grace period, took ${took} ms`);
        assert.match(chip.logs.join('\n'), /ignored SIGTERM for 500 ms/);
      } else assert.doesNotMatch(chip.logs.join('\n'), /ignored SIGTERM/, 'SIGTERM was enough: no SIGKILL');
      assert.deepEqual(readdirSync(join(stateDir, 'run')), []);
      assert.equal(statSync(join(stateDir, 'run')).mode & 0o777, 0o700);
      assert.ok(!chip.logs.join('\n').includes('not in any log'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    await assertNothingLeft(baseline);
  });
}
