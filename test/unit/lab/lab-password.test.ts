import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { checkPassword } from '../../../extension/src/core/config/input-checks';
import { labWifiPassword } from '../../../extension/src/lab/lab-password';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-password-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));

test('a lab makes its own WPA2 password once, keeps it private, and each lab has another', () => {
  const a = path.join(root, 'a');
  const first = labWifiPassword(a);
  assert.equal(checkPassword(first, 'test'), first);
  assert.equal(labWifiPassword(a), first, 'kept across restarts');
  assert.equal(fs.statSync(path.join(a, 'wifi-password')).mode & 0o777, 0o600);
  assert.equal(fs.statSync(a).mode & 0o777, 0o700);
  assert.notEqual(labWifiPassword(path.join(root, 'b')), first);
});
