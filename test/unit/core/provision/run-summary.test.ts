import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatStageTimes, runBoardName, splitRunBoardName, summarizeRun } from '../../../../extension/src/core/provision/run-summary';
import type { ProvisionResult } from '../../../../extension/src/core/provision/provision-workflow';

const at = new Date('2026-11-26T14:05:00Z');

test('a fleet run keeps every board: the two IPs as well as the one failure, with its hint', () => {
  const r: ProvisionResult = {
    outcome: 'failed',
    stage: 'following',
    ips: new Map([
      ['initiator 1', '192.168.4.2'],
      ['initiator 2', '192.168.4.3'],
    ]),
    boards: [
      { board: 'responder', reason: 'served' },
      { board: 'initiator 1', reason: 'provisioned', detail: '192.168.4.2' },
      { board: 'initiator 2', reason: 'provisioned', detail: '192.168.4.3' },
      { board: 'initiator 3', reason: 'no_credentials', detail: 'pair key mismatch' },
    ],
    reasons: ['initiator 3: no credentials received (pair key mismatch)'],
    timings: { building: 1200, flashing: 3400, monitoring: 250, following: 5600 },
  };
  const s = summarizeRun('Provision Fleet', r, at);
  assert.equal(s.times, 'build 1.2 s · flash 3.4 s · monitors 0.3 s · provisioning 5.6 s');
  assert.deepEqual(
    s.rows.map((row) => [row.board, row.text, row.ip, row.fault]),
    [
      ['responder', 'served the initiators', undefined, false],
      ['initiator 1', 'IP 192.168.4.2', '192.168.4.2', false],
      ['initiator 2', 'IP 192.168.4.3', '192.168.4.3', false],
      ['initiator 3', 'no credentials received (pair key mismatch)', undefined, true],
    ],
  );
  // A narrow row reads the bare IP, or the reason in a few words.
  assert.deepEqual(s.rows.map((row) => row.short), ['served', '192.168.4.2', '192.168.4.3', 'no credentials']);
  assert.match(s.rows[3].hint ?? '', /same pair key/);
  assert.equal(s.rows[1].hint, undefined, 'no hint on a success');
});

test('a cancelled run with no verdict still lists the boards that got an IP; stages that never ran have no time', () => {
  const r: ProvisionResult = { outcome: 'cancelled', stage: 'following', ips: new Map([['initiator', '10.0.0.9']]), boards: [], reasons: [], timings: { building: 10 } };
  const s = summarizeRun('Provision Pair', r, at);
  assert.deepEqual(s.rows, [{ board: 'initiator', fault: false, text: 'IP 10.0.0.9', short: '10.0.0.9', ip: '10.0.0.9' }]);
  assert.equal(formatStageTimes({}), '');
  assert.equal(s.times, 'build 0.0 s');
});

test('a run names a board by its part and its own name, and the Last Run view splits them again', () => {
  const n = runBoardName('initiator 2', 'kitchen (east)');
  assert.equal(n, 'initiator 2 (kitchen (east))');
  assert.deepEqual(splitRunBoardName(n), { part: 'initiator 2', name: 'kitchen (east)' });
  assert.deepEqual(splitRunBoardName('all boards'), { part: 'all boards' });
  assert.deepEqual(splitRunBoardName('initiator 1'), { part: 'initiator 1' }, 'the CLI\'s names have no board name');
});
