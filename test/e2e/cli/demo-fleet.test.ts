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
  // Boots the responder's monitor saw after the run reset it (a boot from the flasher's own reset may come
  // before, depending on when the monitor opened): exactly one, so it served the fleet in one boot.
  const responderLines = text.split('\n').map((l) => l.replace(/\x1b\[[0-9;]*m/g, '')).filter((l) => /^responder\s*│/.test(l));
  const lastReset = responderLines.map((l) => /\[monitor\] board reset/.test(l)).lastIndexOf(true);
  const responderBoots = responderLines.slice(lastReset + 1).filter((l) => /PROV_EVT: boot role=responder/.test(l));
  assert.ok(lastReset >= 0, 'the run reset the responder once its monitor listened');
  assert.equal(responderBoots.length, 1, 'the responder served the whole fleet without a reboot');
  const answered = text.split('\n').filter((l) => /PROV_EVT: credentials_sent/.test(l)).length;
  assert.ok(answered >= FLEET, `the responder sent credentials ${answered} times, more than its peer table holds`);
  assert.doesNotMatch(text, /esp_now add_peer [0-9a-f:]+: full/, 'the peer table never filled');
  await assertNothingLeft(baseline, 5000);
});
