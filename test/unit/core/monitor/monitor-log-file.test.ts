import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LogFilter } from '../../../../extension/src/core/monitor/colorizer';
import { logFileName, MonitorLogFile } from '../../../../extension/src/core/monitor/monitor-log-file';
import { MonitorPipeline } from '../../../../extension/src/core/monitor/monitor-pipeline';
import { REDACTED, Redactor } from '../../../../extension/src/core/monitor/redactor';
import type { ProvisionError } from '../../../../extension/src/core/common/errors';

const PASSWORD = 'log-file-secret-42';
const AT = new Date(2026, 10, 26, 15, 3, 12, 345);

function folder(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'monitor-log-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('a monitor log holds every line, redacted, without colors, stamped with host time; owner-only', async (t) => {
  const dir = folder(t);
  // The display filter shows only errors: the log still gets every line.
  const pipeline = new MonitorPipeline({ redactor: new Redactor([{ kind: 'password', value: PASSWORD }]), filter: LogFilter.fromSpec('*:E'), maxLineLength: 40 });
  const log = MonitorLogFile.inFolder(join(dir, 'logs'), pipeline, { board: 'kitchen · initiator', port: 'rfc2217://127.0.0.1:4000', baud: 115200 }, { now: () => AT });
  pipeline.feed(`\x1b[0;32mI (10) wifi: joining with ${PASSWORD}\x1b[0m\r\nE (20) app: failed\r\n`);
  // A line longer than the limit arrives in pieces; a half line shown after a quiet spell (flush) goes on.
  pipeline.feed(`W (30) long: ${'x'.repeat(60)}`);
  pipeline.feed('\r\nhalf a li');
  pipeline.flush();
  pipeline.feed('ne\r\n');
  await log.close();
  pipeline.feed('I (40) after: not logged\r\n');

  assert.equal(log.path, join(dir, 'logs', 'kitchen-initiator-20261126-150312345.log'));
  assert.equal(statSync(log.path).mode & 0o777, 0o600);
  assert.equal(statSync(join(dir, 'logs')).mode & 0o777, 0o700);
  const text = readFileSync(log.path, 'utf8');
  const stamp = '2026-11-26 15:03:12.345';
  assert.equal(text, [
    `# kitchen · initiator on rfc2217://127.0.0.1:4000 at 115200 baud, from ${stamp}`,
    `${stamp} I (10) wifi: joining with ${REDACTED}`,
    `${stamp} E (20) app: failed`,
    `${stamp} W (30) long: ${'x'.repeat(60)}`,
    `${stamp} half a line`,
    '',
  ].join('\n'));
  assert.ok(!text.includes(PASSWORD) && !text.includes('\x1b'));
});

test('a monitor log never writes into an existing file, and says why it cannot write', async (t) => {
  const dir = folder(t);
  const existing = join(dir, 'taken.log');
  writeFileSync(existing, 'someone else\n', { mode: 0o644 });
  const errors: ProvisionError[] = [];
  const pipeline = new MonitorPipeline();
  const log = MonitorLogFile.create(existing, pipeline, { board: 'b', port: 'p', baud: 115200 }, { onError: (e) => errors.push(e) });
  pipeline.feed('I (1) t: x\r\n');
  await log.close();
  assert.equal(readFileSync(existing, 'utf8'), 'someone else\n');
  assert.equal(errors.length, 1);
  assert.match(errors[0].describe(), /Cannot write the monitor log .*taken\.log/);
  assert.deepEqual(readdirSync(dir), ['taken.log']);
});

test('log file names are safe on every file system and sort by time', () => {
  assert.equal(logFileName('ESP32-C3 00:11:22', AT), 'ESP32-C3-00-11-22-20261126-150312345.log');
  assert.equal(logFileName('../../etc', AT), '..-..-etc-20261126-150312345.log', 'no separator survives: the file stays in its folder');
  assert.equal(logFileName('///', AT), 'board-20261126-150312345.log');
});
