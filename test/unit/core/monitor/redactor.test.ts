import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { REDACTED, Redactor, type Secret } from '../../../../extension/src/core/monitor/redactor';

const PASSWORD = 'hunter2 secret%=';
const KEY_HEX = '00112233445566778899aabbccddeeff0123456789abcdef0011223344556677';
const SECRETS: Secret[] = [
  { kind: 'password', value: PASSWORD },
  { kind: 'pair-key', value: KEY_HEX },
];
const keyBytes = (from: number, to: number, sep = ' ') =>
  KEY_HEX.slice(2 * from, 2 * to).match(/../g)!.join(sep);

/** Every form of the secrets that must never come out. */
function leaks(text: string): string[] {
  const found: string[] = [];
  const lower = text.toLowerCase();
  if (text.includes(PASSWORD)) found.push('password');
  if (text.includes('hunter2%20secret%25%3D')) found.push('password, percent-encoded');
  if (lower.includes(KEY_HEX)) found.push('key hex');
  if (lower.replace(/[^0-9a-f]/g, '').includes(KEY_HEX.slice(0, 16))) found.push('key bytes');
  return found;
}

test('redacts the password and the pair key in every form', () => {
  const r = new Redactor(SECRETS);
  const lines = [
    `I (1) app_main: ssid: myssid, password: ${PASSWORD}, token: `,
    `I (1) PROV_EVT: oops pw=hunter2%20secret%25%3D`,
    `key ${KEY_HEX.toUpperCase()} and ${KEY_HEX}`,
    `I (2) dump: ${keyBytes(0, 32)}`,
    `I (2) dump: ${keyBytes(0, 32, ':').toUpperCase()}`,
    `I (2) dump: ${keyBytes(0, 8, ', 0x').replace(/^/, '0x')}`,
    `I (3) pw hex: ${[...new TextEncoder().encode(PASSWORD)].map((b) => b.toString(16).padStart(2, '0')).join(' ')}`,
  ];
  for (const line of lines) {
    const out = r.redact(line);
    assert.deepEqual(leaks(out), [], out);
    assert.ok(out.includes(REDACTED), out);
  }
  assert.equal(r.redact('I (1) app_main: ssid: myssid'), 'I (1) app_main: ssid: myssid');
});

test('a pair key split over two lines of ESP_LOG_BUFFER_HEXDUMP is redacted on both', () => {
  const r = new Redactor(SECRETS);
  const line1 = `I (5) dump: 0x3ffb4280   41 42 ${keyBytes(0, 6)}  ${keyBytes(6, 14)}  |AB..............|`;
  const line2 = `I (5) dump: 0x3ffb4290   ${keyBytes(14, 22)}  ${keyBytes(22, 30)}  |................|`;
  const line3 = `I (5) dump: 0x3ffb42a0   ${keyBytes(30, 32)} 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|`;
  const out = [line1, line2].map((l) => r.redact(l));
  for (const o of out) assert.ok(!o.includes(keyBytes(8, 12)) && !o.includes(keyBytes(16, 20)), o);
  assert.ok(out[0].includes('41 42'), 'bytes that are not the key stay');
  // Two bytes of the key alone are too few to tell from ordinary data: they are left alone.
  assert.equal(r.redact(line3), line3);
});

test('ordinary text with hex-looking words is untouched', () => {
  const r = new Redactor(SECRETS);
  const text = 'I (339545) wifi:connected with myssid, aid = 2, channel 1, 40U, bssid = 3c:46:d8:0e:4c:ac added deadbeef';
  assert.equal(r.redact(text), text);
});

test('a secret split across two chunks at every position is never emitted', () => {
  const r = new Redactor(SECRETS);
  const samples = [
    `I (1) app_main: password: ${PASSWORD}, token: x\r\n`,
    `key=${KEY_HEX.toUpperCase()}\r\n`,
    `I (2) dump: ${keyBytes(0, 16)}\r\n`,
  ];
  for (const sample of samples) {
    for (let i = 0; i <= sample.length; i++) {
      for (const j of [i, Math.min(sample.length, i + 1), Math.min(sample.length, i + 7)]) {
        const s = r.createStream();
        const parts = [s.push(sample.slice(0, i)), s.push(sample.slice(i, j)), s.push(sample.slice(j)), s.flush()];
        const joined = parts.join('');
        for (const p of parts) assert.deepEqual(leaks(p), [], `split ${i},${j}`);
        assert.deepEqual(leaks(joined), [], `split ${i},${j}: ${joined}`);
        assert.equal(joined, r.redact(sample), `split ${i},${j}`);
      }
    }
  }
});

test('the stream holds back no more than it must', () => {
  const r = new Redactor([{ kind: 'password', value: 'abcdef' }]);
  const s = r.createStream();
  const filler = 'x'.repeat(100);
  assert.equal(s.push(filler), filler.slice(0, 100 - r.maxHold));
  assert.equal(s.heldLength, r.maxHold);
  assert.equal(s.push('abc'), 'xxx');
  assert.equal(s.push('def!') + s.flush(), `${'x'.repeat(r.maxHold - 3)}${REDACTED}!`);
  const none = new Redactor().createStream();
  assert.equal(none.push('abc'), 'abc');
});

test('short secrets are redacted, with a warning that does not name them', () => {
  const warnings: string[] = [];
  const r = new Redactor([{ kind: 'password', value: 'xyz' }], { onWarning: (m) => warnings.push(m) });
  assert.equal(r.redact('a xyz b'), `a ${REDACTED} b`);
  assert.equal(warnings.length, 1);
  assert.ok(!warnings[0].includes('xyz'));
  assert.match(warnings[0], /3 characters/);
});

test('the redactor never shows its secrets', () => {
  const r = new Redactor(SECRETS);
  for (const shown of [String(r), JSON.stringify(r), JSON.stringify({ r }), inspect(r), inspect(r, { showHidden: true, depth: 5 }), Object.keys(r).join()]) {
    assert.deepEqual(leaks(shown), [], shown);
    assert.ok(!shown.includes('hunter2'), shown);
  }
  assert.equal(String(r), 'Redactor(2 secrets)');
});

test('setSecrets replaces the secrets', () => {
  const r = new Redactor([{ kind: 'password', value: 'first-pass' }]);
  r.setSecrets([{ kind: 'password', value: 'second-pass' }, { kind: 'password', value: '' }]);
  assert.equal(r.redact('first-pass second-pass'), `first-pass ${REDACTED}`);
  assert.equal(r.secretCount, 1);
});

test('redactLines: one search over many lines redacts each line as redact() does on its own', () => {
  const r = new Redactor(SECRETS);
  const lines = [
    `I (1) app_main: password: ${PASSWORD}, token: x`,
    'I (2) wifi:connected with myssid, aid = 2, channel 1, bssid = 3c:46:d8:0e:4c:ac',
    `key=${KEY_HEX.toUpperCase()}`,
    'nothing here deadbeef 0x3ffb4280',
    `I (5) dump: 0x3ffb4280   ${keyBytes(0, 8)}  ${keyBytes(8, 16)}  |................|`,
    // The bytes glued to a letter are no hex run (the look-behind), on a line of their own or not.
    `x${keyBytes(0, 8, '')} and hunter2%20secret%25%3D`,
    // The shortest run that can be redacted: 4 bytes, 8 characters, with no separator around it.
    `I (6) k=${keyBytes(4, 8, '')};`,
    '',
  ];
  // Every alignment of the lines against the 8-character steps the hex search takes.
  for (let pad = 0; pad < 9; pad++) {
    const shifted = ['.'.repeat(pad), ...lines];
    const block = shifted.join('\r\n');
    const redacted = r.redactLines(block);
    let at = 0;
    const out = shifted.map((line) => {
      const o = redacted.line(at, at + line.length);
      at += line.length + 2;
      return o;
    });
    assert.deepEqual(out, shifted.map((line) => r.redact(line)), `pad ${pad}`);
    for (const o of [...out.slice(0, 6), ...out.slice(7)]) assert.deepEqual(leaks(o), [], o);
    assert.equal(out[5], `I (5) dump: 0x3ffb4280   ${REDACTED}  |................|`);
    assert.equal(out[6], `x${keyBytes(0, 8, '')} and ${REDACTED}`);
    assert.equal(out[7], `I (6) k=${REDACTED};`);
  }
});

test('redactLines with a secret that holds a line end still gives what redact() gives per line', () => {
  const r = new Redactor([{ kind: 'password', value: 'two\nlines' }, { kind: 'pair-key', value: KEY_HEX }]);
  const block = `a two\nlines b\n${keyBytes(0, 8)}`;
  const redacted = r.redactLines(block);
  assert.equal(redacted.line(0, 5), 'a two');
  assert.equal(redacted.line(6, 13), 'lines b');
  assert.equal(redacted.line(14, block.length), REDACTED);
});

test('a long hex dump of the key is redacted wherever its runs start, also among wide characters', () => {
  const r = new Redactor(SECRETS);
  for (let pad = 0; pad < 17; pad++) {
    for (const before of ['', 'ą€ ', '😀 ']) {
      const line = `${before}${'-'.repeat(pad)} ${keyBytes(3, 20)} |Łx|`;
      const out = r.redactLines(line).line(0, line.length);
      assert.equal(out, r.redact(line));
      assert.deepEqual(leaks(out), [], out);
      assert.ok(!out.includes(keyBytes(5, 9)), out);
    }
  }
});
