import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, openSync, closeSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writePrivateFileSync } from '../../../../extension/src/core/common/private-file';

test('writePrivateFileSync replaces a world-readable file with an owner-only one, and the old inode never holds the secret', () => {
  const dir = mkdtempSync(join(tmpdir(), 'private-file-'));
  try {
    const target = join(dir, 'key');
    writeFileSync(target, 'old\n');
    chmodSync(target, 0o644);
    // A reader that opened the old file before the write keeps its handle: it must not see the new secret.
    const early = openSync(target, 'r');
    try {
      writePrivateFileSync(target, 'secret\n');
      assert.equal(statSync(target).mode & 0o777, 0o600);
      assert.equal(readFileSync(target, 'utf8'), 'secret\n');
      assert.equal(readFileSync(early, 'utf8'), 'old\n');
    } finally {
      closeSync(early);
    }
    assert.deepEqual(readdirSync(dir), ['key'], 'no temporary file is left beside it');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('writePrivateFileSync leaves nothing behind when the write fails', () => {
  const dir = mkdtempSync(join(tmpdir(), 'private-file-'));
  try {
    assert.throws(() => writePrivateFileSync(join(dir, 'missing-dir', 'key'), 'secret'), /ENOENT/);
    assert.deepEqual(readdirSync(dir), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
