import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Emitter } from '../../../../extension/src/core/common/emitter';

test('a delivery goes to the listeners subscribed when it started, whatever they do meanwhile', () => {
  const e = new Emitter<number>();
  const got: string[] = [];
  const others: Array<{ dispose(): void }> = [];
  e.event((n) => {
    got.push(`a${n}`);
    for (const o of others) o.dispose(); // unsubscribing another listener mid-delivery: it still gets this one
    e.event((m) => got.push(`late${m}`)); // subscribed mid-delivery: from the next one on
  });
  others.push(e.event((n) => got.push(`b${n}`)));
  e.fire(1);
  assert.deepEqual(got, ['a1', 'b1']);
  got.length = 0;
  e.fire(2);
  assert.deepEqual(got, ['a2', 'late2']);
  assert.equal(e.listenerCount, 3);
});
