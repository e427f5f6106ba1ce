import { test } from 'node:test';
import assert from 'node:assert/strict';
import { judgeProvisioning, type FollowedBoard } from '../../../../extension/src/core/provision/provisioning-outcome';

const responder = (state: FollowedBoard['state']): FollowedBoard => ({ name: 'responder', role: 'responder', state });
const initiator = (name: string, state: FollowedBoard['state']): FollowedBoard => ({ name, role: 'initiator', state });

test('succeeds only when every initiator has an IP', () => {
  const r = responder({ status: 'credentialsSent' });
  assert.deepEqual(judgeProvisioning([r, initiator('i1', { status: 'provisioned', ip: '192.168.4.100' }), initiator('i2', { status: 'connecting' })]), { kind: 'running' });
  const v = judgeProvisioning([r, initiator('i1', { status: 'provisioned', ip: '192.168.4.100' }), initiator('i2', { status: 'provisioned', ip: '192.168.4.101' })]);
  assert.equal(v.kind, 'succeeded');
  assert.equal(v.kind === 'succeeded' && v.ips.get('i2'), '192.168.4.101');
});

test('a failed initiator is explained, with what the responder saw', () => {
  const v = judgeProvisioning([responder({ status: 'beaconing', lastRejection: { reason: 'bad_proof', from: '24:0a:c4:00:00:02' } }), initiator('initiator', { status: 'failed', reason: 'no_credentials' })]);
  assert.equal(v.kind, 'failed');
  assert.match(v.kind === 'failed' ? v.reasons[0] : '', /initiator: failed: no credentials received \(the responder rejected a device: bad proof from 24:0a:c4:00:00:02\)/);
});

test('a wrong Wi-Fi password reads as such', () => {
  const v = judgeProvisioning([responder({ status: 'credentialsSent' }), initiator('initiator', { status: 'failed', reason: 'wifi_reason_15' })]);
  assert.match(v.kind === 'failed' ? v.reasons[0] : '', /4-way handshake/i);
});

test('a timeout says where each initiator got stuck', () => {
  const silent = judgeProvisioning([responder({ status: 'beaconing' }), initiator('initiator', { status: 'unknown' })], true);
  assert.match(silent.kind === 'failed' ? silent.reasons[0] : '', /no log from the firmware/);
  const ended = judgeProvisioning([responder({ status: 'beaconEnded' }), initiator('initiator', { status: 'scanning' })], true);
  assert.match(ended.kind === 'failed' ? ended.reasons[0] : '', /scanning for a responder: the responder is beacon window ended/);
  assert.equal(judgeProvisioning([responder({ status: 'beaconing' }), initiator('i', { status: 'scanning' })]).kind, 'running');
});
