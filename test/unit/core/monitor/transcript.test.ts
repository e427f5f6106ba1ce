import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Transcript } from '../../../../extension/src/core/monitor/transcript';

test('keeps the newest max lines, across batches of any size', () => {
  const t = new Transcript(5);
  let n = 0;
  for (const size of [1, 3, 7, 2, 1, 4]) {
    for (let i = 0; i < size; i++) t.push(`line ${n++}`);
    t.seal();
    const kept = Array.from({ length: Math.min(n, 5) }, (_, i) => `line ${n - Math.min(n, 5) + i}`);
    assert.deepEqual(t.text(), { text: kept.join('\n'), lines: kept.length }, `after ${n} lines`);
  }
});

test('empty lines count as lines; lines pushed but not yet sealed are kept too; clear empties it', () => {
  const t = new Transcript(3);
  assert.deepEqual(t.text(), { text: '', lines: 0 });
  t.push('');
  assert.deepEqual(t.text(), { text: '', lines: 1 });
  t.push('a');
  t.push('');
  t.push('');
  assert.deepEqual(t.text(), { text: 'a\n\n', lines: 3 });
  t.clear();
  assert.deepEqual(t.text(), { text: '', lines: 0 });
});
