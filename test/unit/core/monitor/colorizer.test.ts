import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatWallClock, LogFilter, renderRecord } from '../../../../extension/src/core/monitor/colorizer';
import { parseLogLine } from '../../../../extension/src/core/monitor/log-line-parser';
import { isProvisionError } from '../../../../extension/src/core/common/errors';

test('colors by level', () => {
  assert.equal(renderRecord(parseLogLine('E (1) t: x')), '\x1b[31mE (1) t: x\x1b[0m');
  assert.equal(renderRecord(parseLogLine('W (1) t: x')), '\x1b[33mW (1) t: x\x1b[0m');
  assert.equal(renderRecord(parseLogLine('I (1) t: x')), '\x1b[32mI (1) t: x\x1b[0m');
  assert.equal(renderRecord(parseLogLine('D (1) t: x')), '\x1b[2mD (1) t: x\x1b[0m');
  assert.equal(renderRecord(parseLogLine('V (1) t: x')), '\x1b[2mV (1) t: x\x1b[0m');
  assert.equal(renderRecord(parseLogLine('hello')), 'hello');
  assert.match(renderRecord(parseLogLine('Guru Meditation Error: x')), /^\x1b\[1;31m/);
});

test("keeps the firmware's own colors without adding ours", () => {
  const raw = '\x1b[0;33mW (5) t: x\x1b[0m';
  assert.equal(renderRecord(parseLogLine(raw)), raw);
});

test('wall-clock prefix', () => {
  const d = new Date(2025, 0, 2, 3, 4, 5, 6);
  assert.equal(formatWallClock(d), '03:04:05.006');
  assert.equal(renderRecord(parseLogLine('x'), { wallClock: d, monochrome: true }), '[03:04:05.006] x');
});

test('filter by level and tag', () => {
  const f = new LogFilter({ minLevel: 'W', tags: { PROV_EVT: 'I', noisy: 'N' } });
  assert.equal(f.shouldShow(parseLogLine('E (1) a: x')), true);
  assert.equal(f.shouldShow(parseLogLine('W (1) a: x')), true);
  assert.equal(f.shouldShow(parseLogLine('I (1) a: x')), false);
  assert.equal(f.shouldShow(parseLogLine('I (1) PROV_EVT: boot')), true);
  assert.equal(f.shouldShow(parseLogLine('E (1) noisy: x')), false);
  assert.equal(f.shouldShow(parseLogLine('plain text')), true);
  assert.equal(f.shouldShow(parseLogLine('Backtrace: 0x400d1234:0x3ffb5c50')), true);
  assert.equal(new LogFilter({ hideUnleveled: true }).shouldShow(parseLogLine('plain')), false);
});

test('filter spec like idf.py monitor --print_filter', () => {
  const f = LogFilter.fromSpec('wifi:W PROV_EVT');
  assert.equal(f.shouldShow(parseLogLine('W (1) wifi: x')), true);
  assert.equal(f.shouldShow(parseLogLine('I (1) wifi: x')), false);
  assert.equal(f.shouldShow(parseLogLine('V (1) PROV_EVT: x')), true);
  assert.equal(f.shouldShow(parseLogLine('E (1) other: x')), false);
  assert.equal(LogFilter.fromSpec('*:E').shouldShow(parseLogLine('W (1) x: y')), false);
  assert.equal(LogFilter.fromSpec('').shouldShow(parseLogLine('V (1) x: y')), true);
  assert.throws(() => LogFilter.fromSpec('wifi:Q'), (e) => isProvisionError(e) && e.kind === 'config');
  assert.equal(f.describe(), 'wifi:W PROV_EVT:V *:N');
});
