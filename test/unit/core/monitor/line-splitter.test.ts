import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LineSplitter, type SplitLine } from '../../../../extension/src/core/monitor/line-splitter';
import { chunked, seedLines, seedLog, splitsInTwo, utf8 } from './helpers';

function run(chunks: Array<Uint8Array | string>, opts?: { maxLineLength?: number }): SplitLine[] {
  const s = new LineSplitter(opts);
  const out: SplitLine[] = [];
  for (const c of chunks) out.push(...s.push(c));
  out.push(...s.end());
  return out;
}

test('a line split at every byte position gives the same lines', () => {
  const sample = utf8('I (339495) app_main: MAC: 7c:df:a1:86:d8:24, Channel: 1\r\nW (1) wifi:ü €😀\r\n');
  const expected = run([sample]);
  assert.deepEqual(
    expected.map((l) => [l.text, l.terminator]),
    [
      ['I (339495) app_main: MAC: 7c:df:a1:86:d8:24, Channel: 1', 'crlf'],
      ['W (1) wifi:ü €😀', 'crlf'],
    ],
  );
  for (const parts of splitsInTwo(sample)) assert.deepEqual(run(parts), expected);
});

test('a line arriving one byte at a time', () => {
  const log = seedLog('initiator');
  const lines = run(chunked(utf8(log), 1));
  assert.deepEqual(
    lines.map((l) => l.text),
    seedLines('initiator'),
  );
  assert.ok(lines.every((l) => l.terminator === 'crlf' && !l.continued));
});

test('CR, LF, CRLF and lone CR mixed, with CR at a chunk end', () => {
  const text = 'a\nb\r\nc\rd\r\r\ne\n\rf';
  const expected = [
    ['a', 'lf'],
    ['b', 'crlf'],
    ['c', 'cr'],
    ['d', 'cr'],
    ['', 'crlf'],
    ['e', 'lf'],
    ['', 'cr'],
    ['f', 'none'],
  ];
  for (let i = 0; i <= text.length; i++) {
    const lines = run([text.slice(0, i), text.slice(i)]);
    assert.deepEqual(lines.map((l) => [l.text, l.terminator]), expected, `split at ${i}`);
  }
});

test('progress output with lone CR gives one line per update', () => {
  const lines = run(['10%\r20%\r', '30%\r\n']);
  assert.deepEqual(lines.map((l) => [l.text, l.terminator]), [
    ['10%', 'cr'],
    ['20%', 'cr'],
    ['30%', 'crlf'],
  ]);
});

test('invalid UTF-8 becomes U+FFFD and never throws', () => {
  const bad = new Uint8Array([0x41, 0xff, 0xfe, 0x42, 0xc3, 0x0a, 0xe2, 0x82, 0x0a]);
  const lines = run([bad]);
  assert.deepEqual(lines.map((l) => l.text), ['A\uFFFD\uFFFDB\uFFFD', '\uFFFD']);
});

test('a multi-byte character split across chunks decodes whole, at every split', () => {
  const bytes = utf8('€😀ü\n');
  for (let i = 0; i <= bytes.length; i++) {
    for (let j = i; j <= bytes.length; j++) {
      const lines = run([bytes.subarray(0, i), bytes.subarray(i, j), bytes.subarray(j)]);
      assert.deepEqual(lines.map((l) => l.text), ['€😀ü'], `splits ${i},${j}`);
    }
  }
});

test('overlong lines are emitted in pieces, the rest marked continued', () => {
  const lines = run(['x'.repeat(25) + '\n'], { maxLineLength: 10 });
  assert.deepEqual(lines.map((l) => [l.text.length, l.terminator, l.continued]), [
    [10, 'none', false],
    [10, 'none', true],
    [5, 'lf', true],
  ]);
});

test('a cut never splits a surrogate pair', () => {
  const lines = run(['abcdefghi😀xyz\n'], { maxLineLength: 10 });
  assert.equal(lines[0].text, 'abcdefghi');
  assert.equal(lines[1].text, '😀xyz');
});

test('flush emits a pending partial line; its rest continues it', () => {
  const s = new LineSplitter();
  assert.deepEqual(s.push('Password: '), []);
  assert.deepEqual(s.flush(), [{ text: 'Password: ', terminator: 'none', continued: false }]);
  assert.deepEqual(s.flush(), []);
  assert.deepEqual(s.push('ok\r\n'), [{ text: 'ok', terminator: 'crlf', continued: true }]);
  assert.deepEqual(s.push('next\n'), [{ text: 'next', terminator: 'lf', continued: false }]);
});

test('flush keeps an incomplete UTF-8 sequence for the next chunk', () => {
  const s = new LineSplitter();
  const euro = utf8('€');
  s.push(euro.subarray(0, 1));
  assert.deepEqual(s.flush(), []);
  assert.deepEqual(s.push(new Uint8Array([...euro.subarray(1), 0x0a])), [{ text: '€', terminator: 'lf', continued: false }]);
});

test('a flush between CR and LF shows the text and keeps one line end', () => {
  const s = new LineSplitter();
  assert.deepEqual(s.push('50%\r'), []);
  assert.deepEqual(s.flush(), [{ text: '50%', terminator: 'none', continued: false }]);
  assert.deepEqual(s.flush(), []);
  assert.deepEqual(s.push('\nok\n'), [
    { text: '', terminator: 'crlf', continued: true },
    { text: 'ok', terminator: 'lf', continued: false },
  ]);
  const lone = new LineSplitter();
  lone.push('60%\r');
  assert.deepEqual(lone.end(), [{ text: '60%', terminator: 'cr', continued: false }]);
});

test('pushBlock gives the pieces push gives, as ranges of one string, at every split and length limit', () => {
  const text = 'I (1) a: one\r\nsecond line\nprogress\r' + 'x'.repeat(23) + '\r\n€😀\n';
  for (const maxLineLength of [4096, 7]) {
    for (let i = 0; i <= text.length; i++) {
      const byPush = run([text.slice(0, i), text.slice(i)], { maxLineLength });
      const s = new LineSplitter({ maxLineLength });
      const byBlock: SplitLine[] = [];
      for (const part of [text.slice(0, i), text.slice(i)]) {
        const b = s.pushBlock(part);
        for (let k = 0; k < b.count; k++) {
          byBlock.push({ text: b.text.slice(b.start[k], b.end[k]), terminator: (['none', 'lf', 'crlf', 'cr'] as const)[b.terminator[k]], continued: b.continued[k] === 1 });
        }
      }
      byBlock.push(...s.end());
      assert.deepEqual(byBlock, byPush, `max ${maxLineLength}, split at ${i}`);
    }
  }
});

test('an ASCII chunk after a chunk that ended inside a character: the cut character is U+FFFD, the text is kept', () => {
  const euro = utf8('€');
  const s = new LineSplitter();
  assert.deepEqual(s.push(new Uint8Array([0x41, ...euro.subarray(0, 2)])), []);
  assert.deepEqual(s.push(utf8('B\n')), [{ text: 'A\uFFFDB', terminator: 'lf', continued: false }]);
  // And the chunk after that is read as usual again.
  assert.deepEqual(s.push(utf8('C\n')), [{ text: 'C', terminator: 'lf', continued: false }]);
});
