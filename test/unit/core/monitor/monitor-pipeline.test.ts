import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LogFilter } from '../../../../extension/src/core/monitor/colorizer';
import { MonitorPipeline, type MonitorPipelineOptions } from '../../../../extension/src/core/monitor/monitor-pipeline';
import type { LogRecord } from '../../../../extension/src/core/monitor/log-line-parser';
import type { ProvisionEvent } from '../../../../extension/src/core/monitor/provision-event';
import { REDACTED, Redactor } from '../../../../extension/src/core/monitor/redactor';
import { chunked, seedLog, utf8 } from './helpers';

function harness(options: MonitorPipelineOptions = {}) {
  const p = new MonitorPipeline(options);
  const rendered: string[] = [];
  const records: LogRecord[] = [];
  const events: ProvisionEvent[] = [];
  p.onDidRender((t) => rendered.push(t));
  p.onDidParse((r) => records.push(r));
  p.onDidRecognize((e) => events.push(e));
  return { p, rendered, records, events, screen: () => rendered.join('') };
}

test('a terminal gets CRLF line ends whatever the board sends (a pseudoterminal does not turn LF into CRLF)', () => {
  const h = harness({ monochrome: true });
  h.p.feed('I (1) t: lf\nI (2) t: crlf\r\nplain\n');
  // One render per feed, with every line it completed.
  assert.deepEqual(h.rendered, ['I (1) t: lf\r\nI (2) t: crlf\r\nplain\r\n']);
});

test('the seed initiator log, one byte at a time: colors, CRLF, events and state', () => {
  const h = harness();
  for (const c of chunked(utf8(seedLog('initiator')), 1)) h.p.feed(c);
  const screen = h.screen();
  assert.ok(screen.includes('\x1b[32mI (339495) app_main: MAC: 7c:df:a1:86:d8:24'));
  assert.ok(screen.includes('\x1b[33mW (339565) wifi:<ba-add>'));
  assert.ok(!/[^\r]\n/.test(screen), 'every line ends in CRLF');
  assert.equal(screen.split('\r\n').length - 1, 15);
  assert.deepEqual(h.events.map((e) => e.type), ['responderFound', 'credentialsReceived', 'wifiConnecting', 'wifiConnected', 'gotIp']);
  assert.equal(h.p.state.status, 'provisioned');
  assert.equal(h.p.state.ip, '192.168.1.100');
  assert.equal(h.p.saveText(), seedLog('initiator').replace(/\r\n/g, '\n'));
});

test('a password in the UART stream is redacted everywhere, at every split point', () => {
  const password = 'correct horse';
  const line = `\x1b[0;32mI (339515) app_main: MAC: 7c:df:a1:86:d8:24, Channel: 1, RSSI: -36, wifi_mode: 0, ssid: myssid, password: ${password}, token: \x1b[0m\r\n`;
  const bytes = utf8(line + 'I (1) next: line\r\n');
  const redactor = new Redactor([{ kind: 'password', value: password }]);
  for (let i = 0; i <= bytes.length; i++) {
    const h = harness({ redactor, maxLineLength: 64 });
    h.p.feed(bytes.subarray(0, i));
    h.p.feed(bytes.subarray(i));
    h.p.end();
    const everything = [h.screen(), JSON.stringify(h.records), JSON.stringify(h.events), h.p.saveText()].join('\n');
    for (const part of ['correct horse', 'correct%20horse', 'horse']) assert.ok(!everything.includes(part), `split ${i}: ${part}`);
    assert.ok(h.p.saveText().includes(REDACTED), `split ${i}`);
  }
});

test('firmware colors cut in half across chunks reach the terminal whole, and the transcript has none', () => {
  const line = '\x1b[0;31mE (5) app: boom\x1b[0m\r\n';
  for (let i = 0; i <= line.length; i++) {
    const h = harness();
    h.p.feed(line.slice(0, i));
    h.p.flush();
    h.p.feed(line.slice(i));
    const screen = h.screen();
    assert.ok(screen.replace(/\x1b\[2K/g, '').includes('\x1b[0;31m') || screen.includes('\x1b[31m'), `split ${i}: ${JSON.stringify(screen)}`);
    for (const chunk of h.rendered) assert.ok(!/\x1b(?:\[[0-9;]*)?$/.test(chunk), `half code at split ${i}: ${JSON.stringify(chunk)}`);
    assert.ok(!h.p.saveText().includes('\x1b'), `split ${i}`);
    assert.equal(h.p.saveText(), 'E (5) app: boom\n');
  }
});

test('pause buffers (bounded), resume shows it; events go on while paused', () => {
  const h = harness({ maxPausedChars: 100 });
  h.p.pause();
  h.p.feed('I (1) PROV_EVT: beacon_start channel=1 window_ms=30000 interval_ms=100\r\n');
  assert.deepEqual(h.rendered, []);
  assert.equal(h.p.state.status, 'beaconing');
  for (let i = 0; i < 10; i++) h.p.feed(`I (${i}) tag: line ${i}\r\n`);
  h.p.resume();
  const screen = h.screen();
  assert.match(screen, /\[monitor\] \d+ output chunks were dropped while paused/);
  assert.ok(screen.includes('line 9'));
  assert.ok(!screen.includes('line 0'));
  assert.ok(h.p.saveText().includes('line 0'), 'the transcript keeps everything');
});

test('clear empties screen and transcript', () => {
  const h = harness();
  h.p.feed('a\r\nb\r\n');
  h.p.clear();
  assert.equal(h.rendered.at(-1), '\x1b[2J\x1b[3J\x1b[H');
  assert.equal(h.p.saveText(), '');
  h.p.feed('c\r\n');
  assert.equal(h.p.saveText(), 'c\n');
});

test('filter hides lines from the screen only; wall clock comes from the injected clock', () => {
  const h = harness({ filter: LogFilter.fromSpec('*:W'), wallClock: true, monochrome: true, now: () => new Date(2025, 0, 1, 12, 0, 0, 5) });
  h.p.feed('I (1) tag: hidden\r\nE (2) tag: shown\r\n');
  assert.equal(h.screen(), '[12:00:00.005] E (2) tag: shown\r\n');
  assert.equal(h.p.saveText(), 'I (1) tag: hidden\nE (2) tag: shown\n');
  assert.equal(h.records.length, 2);
});

test('progress lines with lone CR overwrite each other', () => {
  const h = harness({ monochrome: true });
  h.p.feed('10%\r20%\rdone\r\n');
  assert.equal(h.screen(), '10%\r\x1b[2K20%\r\x1b[2Kdone\r\n');
});

test('an overlong line is shown in pieces with its color; a flushed prompt appears at once', () => {
  const h = harness({ maxLineLength: 8 });
  h.p.feed('E (1) t: 0123456789abcdef\r\n');
  assert.equal(h.records[0].level, 'E');
  assert.ok(h.records.slice(1).every((r) => r.continued && r.level === 'E'));
  assert.equal(h.p.saveText(), 'E (1) t: 0123456789abcdef\n');
  const prompt = harness({ monochrome: true });
  prompt.p.feed('Enter command: ');
  assert.equal(prompt.screen(), '');
  prompt.p.flush();
  assert.equal(prompt.screen(), 'Enter command: ');
  prompt.p.feed('ok\r\n');
  assert.equal(prompt.screen(), 'Enter command: ok\r\n');
});

test('a panic in the stream fails the board', () => {
  const h = harness();
  h.p.feed("Guru Meditation Error: Core  0 panic'ed (LoadProhibited). Exception was unhandled.\r\nBacktrace: 0x400d1234:0x3ffb5c50\r\n");
  assert.equal(h.p.state.status, 'failed');
  assert.equal(h.p.state.reason, 'panic');
  assert.deepEqual(h.events.map((e) => e.type), ['panic', 'panic']);
});

test('notices are redacted and state changes are announced', () => {
  const h = harness({ redactor: new Redactor([{ kind: 'password', value: 'p4ssword' }]), monochrome: true });
  const states: string[] = [];
  h.p.onDidChangeState((s) => states.push(s.status));
  h.p.notice('reconnecting with p4ssword');
  assert.equal(h.screen(), `[monitor] reconnecting with ${REDACTED}\r\n`);
  h.p.feed(seedLog('responder'));
  assert.deepEqual(states, ['beaconing', 'requestReceived']);
  h.p.dispose();
});

test('secrets split between two feeds at every point are redacted everywhere (whole lines, one search per chunk)', () => {
  const key = '00112233445566778899aabbccddeeff0123456789abcdef0011223344556677';
  const redactor = new Redactor([{ kind: 'password', value: 'correct horse' }, { kind: 'pair-key', value: key }]);
  const log =
    'I (1) app_main: ssid: myssid, password: correct horse, token:\r\n' +
    `\x1b[0;32mI (2) cfg: key=${key.toUpperCase()}\x1b[0m\r\n` +
    'I (3) dump: 0x3ffb4280   00 11 22 33 44 55 66 77  88 99 aa bb cc dd ee ff  |................|\r\n' +
    'I (4) PROV_EVT: oops pw=correct%20horse escaped=correct\\\\ horse\r\n';
  const leaked = (s: string) => ['correct horse', 'correct%20horse', 'correct\\\\ horse', '44 55 66 77', 'aabbccddeeff'].filter((p) => s.toLowerCase().includes(p));
  const bytes = utf8(log);
  for (let i = 0; i <= bytes.length; i++) {
    const h = harness({ redactor });
    h.p.feed(bytes.subarray(0, i));
    h.p.feed(bytes.subarray(i));
    const everything = [h.screen(), JSON.stringify(h.records), JSON.stringify(h.events), h.p.saveText()].join('\n');
    assert.deepEqual(leaked(everything), [], `split ${i}`);
    assert.equal(h.p.saveText().split(REDACTED).length - 1, 5, `split ${i}`);
    assert.equal(h.records.length, 4);
  }
});

test('one render per feed, in order with what listeners add during it', () => {
  const h = harness({ monochrome: true });
  // An event comes before its line is shown, so a notice about it goes just before that line.
  h.p.onDidRecognize((e) => h.p.notice(`saw ${e.type}`));
  h.p.feed('I (1) t: before\r\nI (2) PROV_EVT: scan_start\r\nI (3) t: after\r\n');
  assert.deepEqual(h.rendered, ['I (1) t: before\r\n[monitor] saw scanStart\r\nI (2) PROV_EVT: scan_start\r\nI (3) t: after\r\n']);
});

test('text fed by a listener during a feed is handled after the chunk being handled', () => {
  const h = harness({ monochrome: true });
  let echoed = false;
  h.p.onDidParse((r) => {
    if (r.message === 'ping' && !echoed) {
      echoed = true;
      h.p.feed('I (9) echo: pong\r\n');
    }
  });
  h.p.feed('I (1) t: ping\r\nI (2) t: next\r\n');
  assert.deepEqual(h.records.map((r) => r.message), ['ping', 'next', 'pong']);
  assert.equal(h.screen(), 'I (1) t: ping\r\nI (2) t: next\r\nI (9) echo: pong\r\n');
});

test('save to file keeps the newest maxTranscriptLines lines, across feeds and a cut line', () => {
  const h = harness({ maxTranscriptLines: 3, maxLineLength: 8 });
  for (let i = 0; i < 10; i++) h.p.feed(`line ${i}\r\n`);
  h.p.feed('a long line cut in pieces\r\nlast');
  h.p.flush();
  assert.equal(h.p.saveText(), 'line 8\nline 9\na long line cut in pieces\nlast\n');
});
