import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeOutcome, exitCodeOfOutcomes } from '../../../../extension/src/core/provision/failure-reasons';
import { judgeProvisioning, type FollowedBoard, type ProvisioningVerdict } from '../../../../extension/src/core/provision/provisioning-outcome';

const responder = (state: FollowedBoard['state']): FollowedBoard => ({ name: 'responder', role: 'responder', state });
const initiator = (name: string, state: FollowedBoard['state']): FollowedBoard => ({ name, role: 'initiator', state });
const boards = (v: ProvisioningVerdict) => (v.kind === 'running' ? [] : v.boards);

test('succeeds only when every initiator has an IP, with an outcome per board', () => {
  const r = responder({ status: 'credentialsSent' });
  assert.deepEqual(judgeProvisioning([r, initiator('i1', { status: 'provisioned', ip: '192.168.4.100' }), initiator('i2', { status: 'connecting' })]), { kind: 'running' });
  const v = judgeProvisioning([r, initiator('i1', { status: 'provisioned', ip: '192.168.4.100' }), initiator('i2', { status: 'provisioned', ip: '192.168.4.101' })]);
  assert.deepEqual(v, {
    kind: 'succeeded',
    boards: [
      { board: 'responder', reason: 'served' },
      { board: 'i1', reason: 'provisioned', detail: '192.168.4.100' },
      { board: 'i2', reason: 'provisioned', detail: '192.168.4.101' },
    ],
  });
  assert.equal(exitCodeOfOutcomes(boards(v)), 0);
});

test('a failed initiator is explained with what the responder saw, and exits auth-rejected', () => {
  const v = judgeProvisioning([responder({ status: 'beaconing', lastRejection: { reason: 'bad_proof', from: '24:0a:c4:00:00:02' } }), initiator('initiator', { status: 'failed', reason: 'no_credentials', detail: 'no_valid_reply_check_pair_key' })]);
  assert.equal(v.kind, 'failed');
  const i = boards(v).find((o) => o.board === 'initiator')!;
  assert.deepEqual(i, { board: 'initiator', reason: 'no_credentials', detail: 'the responder rejected a device: bad proof from 24:0a:c4:00:00:02' });
  assert.match(describeOutcome(i), /^initiator: no credentials received \(the responder rejected a device: bad proof from 24:0a:c4:00:00:02\)\. Give every board/);
  assert.deepEqual(boards(v).find((o) => o.board === 'responder'), { board: 'responder', reason: 'unaffected', detail: 'beaconing' });
  assert.equal(exitCodeOfOutcomes(boards(v)), 12);
});

test('a wrong Wi-Fi password reads as such and exits ap-rejected', () => {
  const v = judgeProvisioning([responder({ status: 'credentialsSent' }), initiator('initiator', { status: 'failed', reason: 'wifi_reason_15', detail: 'after_3_attempts' })]);
  const i = boards(v).find((o) => o.board === 'initiator')!;
  assert.match(describeOutcome(i), /^initiator: 4-way handshake timeout \(wrong password\?\) \(after_3_attempts\)\. Check the Wi-Fi password/);
  assert.equal(exitCodeOfOutcomes(boards(v)), 13);
});

test('a failed responder ends the run at once, though the initiators still run', () => {
  const v = judgeProvisioning([responder({ status: 'failed', reason: 'window_expired', detail: 'no_initiator_served' }), initiator('initiator', { status: 'scanning' })]);
  assert.equal(v.kind, 'failed');
  assert.deepEqual(boards(v)[0], { board: 'responder', reason: 'window_expired', detail: 'no_initiator_served' });
  assert.equal(boards(v)[1].reason, 'unaffected');
  assert.equal(exitCodeOfOutcomes(boards(v)), 9);
});

test('a timeout says where each initiator got stuck', () => {
  const silent = judgeProvisioning([responder({ status: 'beaconing' }), initiator('initiator', { status: 'unknown' })], true);
  assert.match(describeOutcome(boards(silent)[1]), /^initiator: timed out while waiting for the log: no log from the firmware/);
  const ended = judgeProvisioning([responder({ status: 'beaconEnded' }), initiator('initiator', { status: 'scanning' })], true);
  assert.match(describeOutcome(boards(ended)[1]), /timed out while scanning for a responder: the responder is not beaconing \(its last state: beacon window ended\)/);
  const served = judgeProvisioning([responder({ status: 'credentialsSent', peer: '24:0a:c4:00:00:02' }), initiator('initiator', { status: 'scanning' })], true);
  assert.match(describeOutcome(boards(served)[1]), /the responder is not beaconing \(its last state: credentials sent to 24:0a:c4:00:00:02\)/);
  assert.equal(exitCodeOfOutcomes(boards(ended)), 9);
  assert.equal(judgeProvisioning([responder({ status: 'beaconing' }), initiator('i', { status: 'scanning' })]).kind, 'running');
});
