import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AnsiStreamStripper, hasSgr, incompleteEscapeStart, splitIncompleteEscape, stripAnsi } from '../../../../extension/src/core/monitor/ansi';

const COLORED = '\x1b[0;32mI (123) tag: msg\x1b[0m';

test('stripAnsi removes SGR, cursor and OSC sequences', () => {
  assert.equal(stripAnsi(COLORED), 'I (123) tag: msg');
  assert.equal(stripAnsi('a\x1b[2Kb\x1b[1;31mc\x1b]0;title\x07d'), 'abcd');
  assert.equal(stripAnsi('plain'), 'plain');
});

test('hasSgr detects color codes only', () => {
  assert.equal(hasSgr(COLORED), true);
  assert.equal(hasSgr('I (1) tag: msg'), false);
  assert.equal(hasSgr('\x1b[2K'), false);
});

test('incompleteEscapeStart finds an escape cut at the end', () => {
  assert.equal(incompleteEscapeStart('abc\x1b'), 3);
  assert.equal(incompleteEscapeStart('abc\x1b[0;3'), 3);
  assert.equal(incompleteEscapeStart('abc\x1b[0;32m'), -1);
  assert.equal(incompleteEscapeStart('abc'), -1);
});

test('an escape cut at every position never leaks half codes', () => {
  const text = `x${COLORED}y\x1b[1;31mz\x1b[0m`;
  for (let i = 0; i <= text.length; i++) {
    for (let j = i; j <= text.length; j++) {
      const s = new AnsiStreamStripper();
      const parts = [s.push(text.slice(0, i)), s.push(text.slice(i, j)), s.push(text.slice(j)), s.flush()];
      for (const p of parts) assert.ok(!p.includes('\x1b') && !/\[[0-9;]*m/.test(p), `leak at ${i},${j}: ${JSON.stringify(p)}`);
      assert.equal(parts.join(''), 'xI (123) tag: msgyz');
    }
  }
});

test('splitIncompleteEscape keeps complete codes and holds the half one', () => {
  assert.deepEqual(splitIncompleteEscape('ab\x1b[0;3'), { complete: 'ab', rest: '\x1b[0;3' });
  assert.deepEqual(splitIncompleteEscape('ab\x1b[0m'), { complete: 'ab\x1b[0m', rest: '' });
});
