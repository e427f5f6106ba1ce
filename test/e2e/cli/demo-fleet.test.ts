import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runDemoCommand } from '../../../extension/src/cli/commands/demo';
import { ESPNOW_MAX_PEERS } from '../../../extension/src/lab/air/espnow-peers';
import { assertNothingLeft } from '../../support/lab/resources';
import { TEST_PRODUCT_PATHS as paths } from '../../support/lab/virtual-firmware';

const FLEET = 32;

test(`one responder provisions ${FLEET} initiators in one boot, with ESP-NOW's ${ESPNOW_MAX_PEERS}-peer table enforced`, { timeout: 180_000 }, async () => {
  const baseline = process.getActiveResourcesInfo();
  const out: string[] = [];
  const code = await runDemoCommand(['--initiators', String(FLEET), '--timeout', '120'], { out: (l) => out.push(l), err: (l) => out.push(l) }, { paths });
  const text = out.join('\n');
  assert.equal(code, 0, text.split('\n').filter((l) => !/│/.test(l)).join('\n'));
  for (let i = 1; i <= FLEET; i++) assert.match(text, new RegExp(`initiator ${i} +IP 192\\.168\\.4\\.\\d+`), `initiator ${i} has an IP`);
  const responderBoots = text.split('\n').filter((l) => /^\S*responder\b.*PROV_EVT: boot role=responder/.test(l.replace(/\x1b\[[0-9;]*m/g, '')));
  assert.equal(responderBoots.length, 1, 'the responder served the whole fleet without a reboot');
  const answered = text.split('\n').filter((l) => /PROV_EVT: credentials_sent/.test(l)).length;
  assert.ok(answered >= FLEET, `the responder sent credentials ${answered} times, more than its peer table holds`);
  assert.doesNotMatch(text, /esp_now add_peer [0-9a-f:]+: full/, 'the peer table never filled');
  await assertNothingLeft(baseline, 5000);
});
