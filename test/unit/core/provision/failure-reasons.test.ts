import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { exitCodeOf, ProvisionError, type ErrorKind } from '../../../../extension/src/core/common/errors';
import { describeOutcome, failureText, reasonInfo, reasonOfError, REASONS, shortFailureText } from '../../../../extension/src/core/provision/failure-reasons';

const ROOT = join(__dirname, '../../../..');

/** The wire names firmware/core/epv_fail.h gives its reasons. */
function firmwareReasons(): string[] {
  const header = readFileSync(join(ROOT, 'firmware/core/epv_fail.h'), 'utf8');
  return [...header.matchAll(/X\(\w+, "([a-z_]+)"\)/g)].map((m) => m[1]);
}

test('every reason the firmware can send has an entry with words and an error kind', () => {
  const names = firmwareReasons();
  assert.ok(names.includes('window_expired') && names.length >= 8, `read ${names.join(', ')}`);
  for (const name of names) {
    const info = reasonInfo(name === 'wifi_reason' ? 'wifi_reason_15' : name);
    assert.ok(name === 'wifi_reason' || name in REASONS, `${name} is missing from REASONS`);
    assert.ok(info.kind, `${name} has no error kind, so no exit code`);
    assert.notEqual(info.text, name.replace(/_/g, ' '), `${name} reads as its own name`);
  }
});

test('every error kind is a reason of the same kind, so flash and provision exit alike', () => {
  for (const kind of Object.keys(exitCodeOf) as ErrorKind[]) {
    const reason = reasonOfError(new ProvisionError(kind, 'm'));
    assert.ok(reason in REASONS, `no reason for kind ${kind}`);
    assert.equal(reasonInfo(reason).kind, kind);
  }
});

test("the README's exit-code table is the one the CLI uses", () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const rows = new Map([...readme.matchAll(/^\| (\d+) \| ([a-z-]+) \|/gm)].map((m) => [m[2], Number(m[1])]));
  assert.deepEqual(Object.fromEntries(rows), { ...exitCodeOf });
});

test('a detail joins the text as the reason says', () => {
  assert.equal(failureText('scan_timeout'), 'no responder found before the scan timed out');
  assert.equal(failureText('scan_timeout', 'no_beacon_heard'), 'no responder found before the scan timed out (no_beacon_heard)');
  assert.equal(failureText('config_error', 'config error at line 2: CHANNEL: 0..13'), 'the firmware stopped at boot: config error at line 2: CHANNEL: 0..13');
  assert.equal(failureText('bootloader_silent', 'did not answer the ROM bootloader sync.'), 'did not answer the ROM bootloader sync.');
  assert.equal(failureText('timeout', 'while scanning'), 'timed out while scanning');
  assert.equal(failureText('wifi_reason_201'), 'no AP found (SSID wrong or out of range)');
  // A newer firmware's reason still reads, and still fails the run.
  assert.equal(failureText('something_else', 'x'), 'something else (x)');
  assert.equal(reasonInfo('something_else').kind, 'internal');
  assert.equal(describeOutcome({ board: 'responder', reason: 'window_expired', detail: 'no_initiator_served' }), 'responder: the beacon window ended before any initiator was served (no_initiator_served). Start the initiators while the responder beacons, or give it a longer beacon window.');
});

test('every reason has a short form that fits a tree row beside a board name (22 characters)', () => {
  const reasons = [...Object.keys(REASONS), 'wifi_reason_15', 'wifi_reason_201', 'wifi_reason_8', 'a_newer_firmwares_very_long_reason_name'];
  for (const r of reasons) {
    const short = shortFailureText(r);
    assert.ok(short.length > 0 && short.length <= 22, `${r}: "${short}" has ${short.length} characters`);
  }
  assert.equal(shortFailureText('scan_timeout'), 'no responder heard');
  assert.equal(shortFailureText('wifi_reason_15'), 'password refused?');
  assert.equal(shortFailureText('wifi_reason_201'), 'network not found');
});
