import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DisposableStore, toDisposable } from '../../../../extension/src/core/common/disposable';
import { Emitter } from '../../../../extension/src/core/common/emitter';

test('DisposableStore disposes in reverse order, once', () => {
  const log: string[] = [];
  const store = new DisposableStore();
  store.add(toDisposable(() => log.push('a')));
  store.add(toDisposable(() => log.push('b')));
  store.dispose();
  store.dispose();
  assert.deepEqual(log, ['b', 'a']);
});

test('DisposableStore disposes at once what is added after disposal', () => {
  const store = new DisposableStore();
  store.dispose();
  let disposed = false;
  store.add(toDisposable(() => (disposed = true)));
  assert.equal(disposed, true);
});

test('Emitter delivers to a snapshot and unsubscribes', () => {
  const e = new Emitter<number>();
  const got: number[] = [];
  const sub = e.event((n) => {
    got.push(n);
    sub.dispose();
  });
  e.fire(1);
  e.fire(2);
  assert.deepEqual(got, [1]);
  assert.equal(e.listenerCount, 0);
});
