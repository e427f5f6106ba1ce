import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stripAnsi } from '../../../../extension/src/core/monitor/ansi';
import { mayHoldPanicText, parseBacktrace, parseLogLine } from '../../../../extension/src/core/monitor/log-line-parser';
import { seedLines } from './helpers';

test('parses an ESP-IDF log line', () => {
  const r = parseLogLine('I (339495) app_main: MAC: 7c:df:a1:86:d8:24, Channel: 1');
  assert.equal(r.kind, 'log');
  assert.equal(r.level, 'I');
  assert.equal(r.timestampMs, 339495);
  assert.equal(r.timestampFormat, 'boot');
  assert.equal(r.tag, 'app_main');
  assert.equal(r.message, 'MAC: 7c:df:a1:86:d8:24, Channel: 1');
  assert.equal(r.hasAnsi, false);
});

test('every level, and the firmware color wrapper', () => {
  for (const level of ['E', 'W', 'I', 'D', 'V'] as const) {
    const r = parseLogLine(`\x1b[0;32m${level} (123) tag: msg\x1b[0m`);
    assert.equal(r.level, level);
    assert.equal(r.tag, 'tag');
    assert.equal(r.message, 'msg');
    assert.equal(r.hasAnsi, true);
    assert.equal(r.plain, `${level} (123) tag: msg`);
    assert.equal(r.raw, `\x1b[0;32m${level} (123) tag: msg\x1b[0m`);
  }
});

test('system-time timestamps', () => {
  const r = parseLogLine('W (12:34:56.789) wifi station: retry');
  assert.equal(r.timestampFormat, 'system');
  assert.equal(r.timestampMs, ((12 * 60 + 34) * 60 + 56) * 1000 + 789);
  assert.equal(r.tag, 'wifi station');
  assert.equal(r.message, 'retry');
});

test('the Wi-Fi blob prints its tag without a space after the colon', () => {
  const r = parseLogLine('I (339525) wifi:state: init -> auth (b0)');
  assert.equal(r.tag, 'wifi');
  assert.equal(r.message, 'state: init -> auth (b0)');
});

test('every seed line parses as a log line', () => {
  for (const role of ['initiator', 'responder'] as const) {
    for (const line of seedLines(role)) {
      const r = parseLogLine(line);
      if (line === '') assert.equal(r.kind, 'text');
      else assert.equal(r.kind, 'log', line);
    }
  }
});

test('ROM and bootloader lines', () => {
  for (const line of [
    'ets Jun  8 2016 00:22:57',
    'rst:0x1 (POWERON_RESET),boot:0x13 (SPI_FAST_FLASH_BOOT)',
    'ESP-ROM:esp32s3-20210327',
    'configsip: 0, SPIWP:0xee',
    'mode:DIO, clock div:2',
    'load:0x3fff0030,len:7104',
    'entry 0x400805f0',
  ]) {
    const r = parseLogLine(line);
    assert.equal(r.kind, 'rom', line);
    assert.equal(r.level, undefined);
  }
});

test('panic markers', () => {
  const cases = [
    ["Guru Meditation Error: Core  0 panic'ed (LoadProhibited). Exception was unhandled.", 'guru-meditation'],
    ['Backtrace: 0x400d1234:0x3ffb5c50 0x400d5678:0x3ffb5c70 |<-CORRUPTED', 'backtrace'],
    ['abort() was called at PC 0x400d1234 on core 0', 'abort'],
    ['assert failed: app_main main.c:12 (x == 1)', 'assert'],
    ['***ERROR*** A stack overflow in task main has been detected.', 'stack-overflow'],
    ['Core  0 register dump:', 'register-dump'],
  ] as const;
  for (const [line, marker] of cases) {
    const r = parseLogLine(line);
    assert.equal(r.kind, 'panic', line);
    assert.equal(r.panic, marker);
    assert.equal(r.level, 'E');
  }
  assert.deepEqual(parseLogLine(cases[1][0]).backtrace, [
    { pc: 0x400d1234, sp: 0x3ffb5c50 },
    { pc: 0x400d5678, sp: 0x3ffb5c70 },
  ]);
  assert.deepEqual(parseBacktrace('nothing'), []);
});

test('plain text and odd input never throw', () => {
  for (const line of ['', 'hello', '\uFFFD\uFFFD', 'I (abc) tag: x', 'I (1) no colon', '\x1b[0;3']) {
    const r = parseLogLine(line);
    assert.equal(r.kind, 'text', JSON.stringify(line));
  }
});

test('the firmware color wrapper and any other escapes give the same plain text', () => {
  for (const raw of [
    '\x1b[0;32mI (1) t: msg\x1b[0m',
    '\x1b[1;31mE (2) t: a\x1b[0;33m b\x1b[0m',
    '\x1b[mI (3) t: x\x1b[0m',
    '\x1b[0;32m\x1b[0m',
    '\x1b[0;32mI (4) t: cut\x1b[0',
    '\x1b]0;title\x07I (5) t: osc',
  ]) {
    const r = parseLogLine(raw);
    assert.equal(r.plain, stripAnsi(raw), JSON.stringify(raw));
    assert.equal(r.hasAnsi, /\x1b\[[0-9;]*m/.test(raw), JSON.stringify(raw));
  }
  assert.equal(parseLogLine('\x1b[0;32mI (1) t: msg\x1b[0m').message, 'msg');
});

test('told that a chunk holds no panic text, a line is still a panic by its start, or when escapes hid it', () => {
  const midLine = "I (1) t: Guru Meditation Error: Core  0 panic'ed";
  assert.equal(mayHoldPanicText(`x\r\n${midLine}\r\n`), true);
  assert.equal(parseLogLine(midLine).kind, 'panic');
  assert.equal(mayHoldPanicText('I (1) t: all well\r\nBacktrace: 0x400d1234:0x3ffb5c50\r\n'), false);
  assert.equal(parseLogLine('Backtrace: 0x400d1234:0x3ffb5c50', false).panic, 'backtrace');
  assert.equal(parseLogLine('Core  0 register dump:', false).panic, 'register-dump');
  // Stripping the codes joins the marker's words: the hint (taken before stripping) cannot see it.
  const hidden = 'E (2) t: Guru \x1b[1mMeditation\x1b[0m Error';
  assert.equal(mayHoldPanicText(hidden.replace(/Meditation/, 'Medi\x1b[0mtation')), false);
  assert.equal(parseLogLine(hidden.replace(/Meditation/, 'Medi\x1b[0mtation'), false).panic, 'guru-meditation');
});

test('timestamps too long for exact sums parse as Number reads them', () => {
  assert.equal(parseLogLine('I (123456789012345) t: x').timestampMs, 123456789012345);
  assert.equal(parseLogLine('I (99999999999999999999) t: x').timestampMs, Number('99999999999999999999'));
});
