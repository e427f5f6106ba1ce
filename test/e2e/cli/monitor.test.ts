import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runMonitorCommand } from '../../../extension/src/cli/commands/monitor';
import { main } from '../../../extension/src/cli/main';
import { Lab } from '../../../extension/src/lab/lab';
import { labPrograms } from '../../../extension/src/lab/lab-programs';
import { assertNothingLeft } from '../../support/lab/resources';
import { FakePort } from '../../support/fake-serial-link';
import { FileSecretStore } from '../../../extension/src/cli/file-secret-store';

test('espnow-prov monitor shows a board after --reset, plain when not a terminal, and logs it to --log-dir', { timeout: 60_000 }, async () => {
  const baseline = process.getActiveResourcesInfo();
  const dir = mkdtempSync(join(tmpdir(), 'cli-monitor-'));
  const lab = await Lab.start({ stateDir: join(dir, 'lab'), boards: [{ chip: 'esp32c3' }], programs: labPrograms });
  const out: string[] = [];
  const err: string[] = [];
  let seen!: () => void;
  const booted = new Promise<void>((resolve) => (seen = resolve));
  const io = {
    out: (l: string) => {
      out.push(l);
      // An erased board: the ROM boots, finds no app and says so.
      if (/invalid header/.test(out.join('\n'))) seen();
    },
    err: (l: string) => err.push(l),
  };
  try {
    const code = await runMonitorCommand([lab.boardList[0].url, '--reset', '--log-dir', join(dir, 'logs')], io, { untilStopped: () => booted, env: {} });
    assert.equal(code, 0, err.join('\n'));
    const text = out.join('\n');
    assert.match(text, /ESP-ROM:esp32c3/);
    assert.ok(!text.includes('\x1b'), 'no ANSI codes when the output is not a terminal');
    const [log] = readdirSync(join(dir, 'logs'));
    assert.match(err.join('\n'), new RegExp(`monitor log .*${log.replace(/[.]/g, '\\.')}`));
    const logText = readFileSync(join(dir, 'logs', log), 'utf8');
    assert.match(logText, /^# rfc2217:\/\/127\.0\.0\.1:\d+ on rfc2217:\/\/127\.0\.0\.1:\d+ at 115200 baud/);
    assert.match(logText, /\n\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} ESP-ROM:esp32c3/);
  } finally {
    lab.dispose();
  }
  await assertNothingLeft(baseline, 3000);
  rmSync(dir, { recursive: true, force: true });
});

test('espnow-prov monitor: a port nobody serves is a port error naming it, exit code of its kind', async () => {
  const err: string[] = [];
  const code = await main(['monitor', 'rfc2217://127.0.0.1:9'], { out: () => undefined, err: (l) => err.push(l) });
  assert.notEqual(code, 0);
  assert.match(err[0], /rfc2217:\/\/127\.0\.0\.1:9/);
});

test('espnow-prov monitor hides the fleet keys kept in --secrets-dir and the password from the environment, on screen and in the log', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cli-monitor-secrets-'));
  const KEY = 'c3'.repeat(32);
  const PASSWORD = 'monitor-secret-77';
  await new FileSecretStore(join(dir, 'secrets')).store('espnow.pairKey.mac:24:0a:c4:00:00:01', KEY);
  const port = new FakePort();
  const out: string[] = [];
  const err: string[] = [];
  try {
    const code = await runMonitorCommand(['/dev/ttyFAKE0', '--secrets-dir', join(dir, 'secrets'), '--log-dir', join(dir, 'logs')], { out: (l) => out.push(l), err: (l) => err.push(l) }, {
      env: { ESPNOW_WIFI_PASSWORD: PASSWORD },
      openLink: (path) => port.open(path),
      untilStopped: async () => {
        port.emit(`I (10) app: key ${KEY} and password ${PASSWORD}\r\n`);
        await new Promise((r) => setImmediate(r));
      },
    });
    assert.equal(code, 0, err.join('\n'));
    const [log] = readdirSync(join(dir, 'logs'));
    const texts = [out.join('\n'), readFileSync(join(dir, 'logs', log), 'utf8')];
    for (const t of texts) {
      assert.match(t, /I \(10\) app: key .+ and password .+/);
      assert.ok(!t.includes(KEY) && !t.includes(PASSWORD), t);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
