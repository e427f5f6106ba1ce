import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliIo } from '../../../extension/src/cli/cli-io';
import { main } from '../../../extension/src/cli/main';
import { runNvsImageCommand } from '../../../extension/src/cli/commands/nvs';
import { readNvsPartition, writeNvsPartition } from '../../../extension/src/core/nvs';
import { NVS_FIXTURES } from '../../support/nvs/reference-fixture';

function capture(): CliIo & { outLines: string[]; errLines: string[] } {
  const outLines: string[] = [];
  const errLines: string[] = [];
  return { outLines, errLines, out: (l) => outLines.push(l), err: (l) => errLines.push(l) };
}

const PASSWORD = 'correct horse 42';
const PAIR_KEY = Buffer.from('00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff', 'hex');

function boardImage(): Buffer {
  return writeNvsPartition(
    [
      { namespace: 'espnow_prov', key: 'role', type: 'u8', value: 0 },
      { namespace: 'espnow_prov', key: 'ssid', type: 'string', value: 'lab "net"' },
      { namespace: 'espnow_prov', key: 'password', type: 'string', value: PASSWORD },
      { namespace: 'espnow_prov', key: 'pair_key', type: 'blob', value: PAIR_KEY },
      { namespace: 'espnow_prov', key: 'window_s', type: 'u32', value: 30 },
    ],
    0x6000,
  );
}

function withFile<T>(bytes: Uint8Array, fn: (file: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'nvs-dump-'));
  const file = join(dir, 'nvs.bin');
  writeFileSync(file, bytes);
  return fn(file).finally(() => rmSync(dir, { recursive: true, force: true }));
}

test('nvs-dump prints namespaces, keys, types and values; the password and the pair key are masked', async () => {
  const io = capture();
  const code = await withFile(boardImage(), (f) => main(['nvs-dump', f], io));
  assert.equal(code, 0, io.errLines.join('\n'));
  assert.match(io.outLines[0], /: 24576 bytes, 6 pages: active #0 \(\d+ written, 0 erased\), empty, empty, empty, empty, empty$/);
  assert.deepEqual(io.outLines.slice(1), [
    'namespace espnow_prov',
    '  role      u8      0',
    '  ssid      string  "lab \\"net\\""',
    '  password  string  <16 bytes, hidden>',
    '  pair_key  blob    <32 bytes>',
    '  window_s  u32     30',
  ]);
  const all = io.outLines.join('\n');
  assert.ok(!all.includes(PASSWORD) && !all.includes('00112233') && !all.includes('0, 17, 34'), 'no secret in the output');
});

test('nvs-dump --json: the same values, masked the same way, and the entries ESP-IDF would skip', async () => {
  const image = boardImage();
  image[image.indexOf(Buffer.from('window_s')) - 8 + 24] = 31; // value changed without a new entry CRC
  const io = capture();
  assert.equal(await withFile(image, (f) => main(['nvs-dump', f, '--json'], io)), 0);
  const out = JSON.parse(io.outLines.join('\n')) as { values: { key: string; value: string }[]; skipped: { page: number; index: number; reason: string }[] };
  assert.deepEqual(
    out.values.map((v) => `${v.key}=${v.value}`),
    ['role=0', 'ssid="lab \\"net\\""', 'password=<16 bytes, hidden>', 'pair_key=<32 bytes>'],
  );
  assert.deepEqual(out.skipped, [{ page: 0, index: 9, reason: 'entry CRC mismatch' }]); // after namespace, role, ssid (2), password (2), pair_key (chunk 2 + index)
  assert.ok(!io.outLines.join('\n').includes(PASSWORD));
});

test("nvs-dump reads Espressif's reference partition; bad input is a usage or config error", async () => {
  const io = capture();
  assert.equal(await main(['nvs-dump', join(NVS_FIXTURES, 'reference.bin')], io), 0);
  assert.ok(io.outLines.includes('  big_blob    blob    <5000 bytes>'), io.outLines.join('\n'));
  assert.ok(io.outLines.includes('namespace espnow_prov'));
  assert.ok(io.outLines.includes('  password    string  <10 bytes, hidden>'));

  const usage = capture();
  assert.equal(await main(['nvs-dump'], usage), 2);
  assert.match(usage.errLines.join('\n'), /Name one NVS partition image file \(or --lab-board N\)\.[\s\S]*Usage: espnow-prov nvs-dump FILE/);
  const missing = capture();
  assert.equal(await main(['nvs-dump', '/nonexistent/nvs.bin'], missing), 2);
  assert.match(missing.errLines[0], /espnow-prov nvs-dump: Cannot read \/nonexistent\/nvs\.bin: ENOENT/);
  const odd = capture();
  assert.equal(await withFile(new Uint8Array(5000), (f) => main(['nvs-dump', f], odd)), 2);
  assert.match(odd.errLines[0], /Not an NVS partition: 5000 bytes is not a whole number of 4096-byte pages/);
});

test('nvs-image writes the partition Provision Pair would (secrets from the environment, file 0600); nvs-dump reads it back masked', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'nvs-image-'));
  try {
    const out = join(dir, 'responder.bin');
    const io = capture();
    const env = { ESPNOW_WIFI_PASSWORD: PASSWORD, ESPNOW_PAIR_KEY: PAIR_KEY.toString('hex') };
    assert.equal(await runNvsImageCommand(['--role', 'responder', '--ssid', 'lab net', '--channel', '6', '--out', out], io, env), 0);
    assert.equal(statSync(out).mode & 0o777, 0o600);
    assert.equal(statSync(out).size, 0x6000);
    const values = new Map(readNvsPartition(readFileSync(out)).values.map((v) => [v.key, v.value]));
    assert.equal(values.get('role'), 0);
    assert.equal(values.get('channel'), 6);
    assert.equal(values.get('ssid'), 'lab net');
    assert.equal(values.get('password'), PASSWORD);
    assert.deepEqual(Buffer.from(values.get('pair_key') as Uint8Array), PAIR_KEY);
    assert.ok(!io.outLines.join('\n').includes(PASSWORD));
    // An initiator gets no credentials; a compat-mode board no key.
    const initiator = join(dir, 'initiator.bin');
    assert.equal(await runNvsImageCommand(['--role', 'initiator', '--security', 'espressif-5.4', '--out', initiator], capture(), {}), 0);
    const iv = new Map(readNvsPartition(readFileSync(initiator)).values.map((v) => [v.key, v.value]));
    assert.deepEqual([...iv.keys()].sort(), ['channel', 'mode', 'role']);
    // Bad input is named before anything is written.
    await assert.rejects(runNvsImageCommand(['--role', 'responder', '--out', join(dir, 'x')], capture(), env), /--ssid is required for a responder/);
    await assert.rejects(runNvsImageCommand(['--role', 'initiator', '--out', join(dir, 'x')], capture(), {}), /ESPNOW_PAIR_KEY must hold 64 hex digits/);
    await assert.rejects(runNvsImageCommand(['--role', 'initiator', '--size', '0x1234', '--out', join(dir, 'x')], capture(), env), /--size "0x1234" must be a multiple of 0x1000/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
