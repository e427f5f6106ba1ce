import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeStaleHostConfigs } from '../../../../extension/src/lab/boot/host-runner';
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
  test(`host program: args, 0600 config copied unchanged, UART both ways, ${ignoreTerm ? 'SIGKILL after the grace period' : 'SIGTERM'} on dispose, config removed`, async () => {
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
      p.dispose();
      await whenBootStopped(p);
      const logs = chip.logs.join('\n');
      if (ignoreTerm) {
        // The grace period ran out and SIGKILL, not SIGTERM, ended the program.
        assert.match(logs, /ignored SIGTERM for 500 ms, killing it[\s\S]*host program exited \(SIGKILL\)/);
      } else {
        assert.doesNotMatch(logs, /ignored SIGTERM/, 'SIGTERM was enough: no SIGKILL');
        assert.match(logs, /host program exited \(SIGTERM\)/);
      }
      assert.deepEqual(readdirSync(join(stateDir, 'run')), []);
      assert.equal(statSync(join(stateDir, 'run')).mode & 0o777, 0o700);
      assert.ok(!chip.logs.join('\n').includes('not in any log'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    await assertNothingLeft(baseline);
  });
}

test('stale config files: those of dead processes and of this pid go, another live lab\'s stay, other files stay', () => {
  const dir = mkdtempSync(join(tmpdir(), 'host-runner-stale-'));
  try {
    const run = join(dir, 'run');
    mkdirSync(run);
    const deadPid = spawnSync(process.execPath, ['-e', '']).pid;
    const dead = `config-240ac4000001-${deadPid}-abc.cfg`;
    const ours = `config-240ac4000002-${process.pid}-abd.cfg`;
    const otherLive = `config-240ac4000003-${process.ppid}-abe.cfg`;
    const oddName = 'config-leftover.cfg';
    for (const n of [dead, ours, otherLive, oddName, 'notes.txt']) writeFileSync(join(run, n), 'CONFIG_ESPNOW_WIFI_PASSWORD="x"\n');
    assert.deepEqual(removeStaleHostConfigs(dir).sort(), [dead, ours, oddName].sort());
    assert.deepEqual(readdirSync(run).sort(), [otherLive, 'notes.txt'].sort());
    assert.deepEqual(removeStaleHostConfigs(join(dir, 'no-such-folder')), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
