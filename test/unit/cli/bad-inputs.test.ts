import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { reportError } from '../../../extension/src/cli/error-report';
import { COMMAND_NAMES, main } from '../../../extension/src/cli/main';

// Every port in the table is an RFC2217 URL of a server here that counts connections: a command that opened
// a port before refusing its input would show up in `opened`, not only in a wrong exit code.
const servers: Server[] = [];
let opened = 0;
let P = '';
let Q = '';
let R = '';
const dir = mkdtempSync(join(tmpdir(), 'cli-bad-inputs-'));
const aFile = join(dir, 'a-file');
writeFileSync(aFile, 'not a folder');

before(async () => {
  const urls: string[] = [];
  for (let i = 0; i < 3; i++) {
    const s = createServer((socket) => {
      opened++;
      socket.destroy();
    });
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    servers.push(s);
    urls.push(`rfc2217://127.0.0.1:${(s.address() as AddressInfo).port}`);
  }
  [P, Q, R] = urls;
});
after(() => {
  for (const s of servers) s.close();
  rmSync(dir, { recursive: true, force: true });
});

const KEY = '0f'.repeat(32);
type Case = { args: () => string[]; env?: Record<string, string>; first: RegExp };
const prov = (...more: string[]) => ['provision', '--responder', P, '--initiator', Q, '--ssid', 'lab', '--builder', 'virtual', ...more];

/** Bad input → exit 2 and a first line that names the argument. */
const CASES: Case[] = [
  { args: () => ['provision', '--responder', P, '--initiator', P, '--ssid', 'lab', '--builder', 'virtual'], first: /^espnow-prov provision: --initiator names rfc2217:\S+, which --responder names too\./ },
  { args: () => ['provision', '--responder', P, '--initiator', Q, '--initiator', Q, '--ssid', 'lab', '--builder', 'virtual'], first: /^espnow-prov provision: --initiator names rfc2217:\S+ twice\./ },
  { args: () => ['provision', '--responder', P, '--initiator', Q, '--initiator', `${P}/?timeout=2`, '--ssid', 'lab', '--builder', 'virtual'], first: /^espnow-prov provision: --initiator names rfc2217:\S+, which --responder names too\./ },
  { args: () => ['provision', '--responder', P, '--responder', R, '--initiator', Q, '--ssid', 'lab', '--builder', 'virtual'], first: /^espnow-prov provision: --responder is given 2 times: a run has one responder\./ },
  { args: () => ['provision', '--responder', P, '--initiator', 'rfc2217://127.0.0.1', '--ssid', 'lab'], first: /^espnow-prov provision: --initiator: "rfc2217:\/\/127\.0\.0\.1" is not a valid RFC2217 URL: the port number is missing\./ },
  { args: () => ['provision', '--responder', 'rfc2217://127.0.0.1:70000', '--initiator', Q, '--ssid', 'lab'], first: /^espnow-prov provision: --responder: .* port 70000 is outside 1\.\.65535\./ },
  { args: () => ['provision', '--responder', '', '--initiator', Q, '--ssid', 'lab'], first: /^espnow-prov provision: --responder PORT is required\./ },
  { args: () => ['provision', '--responder', P, '--initiator', ' ', '--ssid', 'lab'], first: /^espnow-prov provision: --initiator names an empty port\./ },
  { args: () => ['provision', '--responder', P, '--initiator', Q], first: /^espnow-prov provision: --ssid is required/ },
  { args: () => prov('--ssid', 'x'.repeat(33)), first: /^espnow-prov provision: --ssid is 33 bytes long \(33 characters\)\./ },
  { args: () => prov('--ssid', '无线网络无线网络无线网络'), first: /^espnow-prov provision: --ssid is 36 bytes long \(12 characters\)\./ },
  { args: () => prov('--ssid', 'lab\nnet'), first: /^espnow-prov provision: --ssid holds a control character/ },
  { args: () => prov('--ssid', ''), first: /^espnow-prov provision: --ssid is empty\./ },
  { args: () => prov(), env: { ESPNOW_WIFI_PASSWORD: 'é'.repeat(40) }, first: /^espnow-prov provision: ESPNOW_WIFI_PASSWORD is 80 bytes long\./ },
  { args: () => prov(), env: { ESPNOW_WIFI_PASSWORD: 'seven77' }, first: /^espnow-prov provision: ESPNOW_WIFI_PASSWORD is 7 bytes long\./ },
  { args: () => prov(), env: { ESPNOW_WIFI_PASSWORD: 'password\n' }, first: /^espnow-prov provision: ESPNOW_WIFI_PASSWORD holds a control character/ },
  { args: () => prov(), env: { ESPNOW_PAIR_KEY: 'abc' }, first: /^espnow-prov provision: ESPNOW_PAIR_KEY must hold 64 hex digits/ },
  { args: () => prov('--baud', '12345'), first: /^espnow-prov provision: --baud is "12345"\. Use one of 115200, 230400, 460800, 921600, 1500000, 2000000\./ },
  { args: () => prov('--channel', '14'), first: /^espnow-prov provision: --channel is "14"\. Use a whole number from 0 to 13\./ },
  { args: () => prov('--channel', 'six'), first: /^espnow-prov provision: --channel is "six"/ },
  { args: () => prov('--timeout', '1'), first: /^espnow-prov provision: --timeout is "1"\. Use a whole number from 5 to 3600\./ },
  { args: () => prov('--security', 'wpa'), first: /^espnow-prov provision: --security "wpa" is not one of secure/ },
  { args: () => prov('--builder', 'make'), first: /^espnow-prov provision: --builder "make" must be idf or virtual\./ },
  { args: () => prov('--credentials-in', 'eeprom'), first: /^espnow-prov provision: --credentials-in "eeprom" is not one of nvs, menuconfig\./ },
  { args: () => prov('extra'), first: /^espnow-prov provision: Unexpected argument "extra"\./ },
  { args: () => prov('--colour'), first: /^espnow-prov provision: Unknown option --colour\./ },
  { args: () => [...prov(), '--timeout'], first: /^espnow-prov provision: --timeout needs a value\./ },
  { args: () => ['provision', '--responder', P, '--initiator', Q, '--ssid', 'lab'], first: /^espnow-prov provision: ESP-IDF was not found: --idf-path is not given and IDF_PATH is not set\. Pass --idf-path/ },
  { args: () => ['provision', '--responder', P, '--initiator', Q, '--ssid', 'lab', '--idf-path', dir], first: /^espnow-prov provision: ESP-IDF was not found at .* \(from --idf-path\): it holds no tools\/idf\.py\. Point --idf-path/ },
  { args: () => ['update', '--responder', P, '--initiator', Q, '--ssid', 'lab', '--credentials-in', 'menuconfig'], first: /^espnow-prov update: update writes the boards' NVS partitions/ },
  { args: () => ['demo', 'extra'], first: /^espnow-prov demo: Unexpected argument "extra"\./ },
  { args: () => ['demo', '--initiators', '0'], first: /^espnow-prov demo: --initiators is "0"\. Use a whole number from 1 to 32\./ },
  { args: () => ['demo', '--timeout', '1'], first: /^espnow-prov demo: --timeout is "1"/ },
  { args: () => ['demo', '--mode', 'wpa3'], first: /^espnow-prov demo: --mode "wpa3" is not one of/ },
  { args: () => ['flash', '--build', dir, P, P], first: /^espnow-prov flash: The port list names rfc2217:\S+ twice\./ },
  { args: () => ['flash', '--build', dir, P, `${P}=${dir}`], first: /^espnow-prov flash: The port list names rfc2217:\S+ twice\./ },
  { args: () => ['flash', '--build', dir, '--baud', '12345', P], first: /^espnow-prov flash: --baud is "12345"/ },
  { args: () => ['flash', '--build', dir], first: /^espnow-prov flash: Name at least one port/ },
  { args: () => ['identify', P, Q, P], first: /^espnow-prov identify: The port list names rfc2217:\S+ twice\./ },
  { args: () => ['identify', 'rfc2217://:4000'], first: /^espnow-prov identify: The port list: "rfc2217:\/\/:4000" is not a valid RFC2217 URL/ },
  { args: () => ['identify'], first: /^espnow-prov identify: Name at least one port/ },
  { args: () => ['lab', '--state-dir', aFile], first: /^espnow-prov lab: --state-dir .*a-file is a file, not a folder\./ },
  { args: () => ['lab', '--boards', '0'], first: /^espnow-prov lab: --boards "0" must be a whole number from 1 to 32\./ },
  { args: () => ['lab', '--chip', 'esp8266'], first: /^espnow-prov lab: .*esp8266/ },
  { args: () => ['lab', 'extra'], first: /^espnow-prov lab: Unexpected argument "extra"\./ },
  { args: () => ['boards', 'extra'], first: /^espnow-prov boards: Unexpected argument "extra"\./ },
  { args: () => ['nvs-image', '--role', 'responder', '--ssid', 'é'.repeat(17), '--out', join(dir, 'nvs.bin')], env: { ESPNOW_PAIR_KEY: KEY }, first: /^espnow-prov nvs-image: --ssid is 34 bytes long \(17 characters\)\./ },
  { args: () => ['nvs-image', '--role', 'initiator', '--channel', '14', '--out', join(dir, 'nvs.bin')], env: { ESPNOW_PAIR_KEY: KEY }, first: /^espnow-prov nvs-image: --channel is "14"/ },
  { args: () => ['nvs-dump', '--lab-board', 'one'], first: /^espnow-prov nvs-dump: --lab-board "one" must be a board number/ },
  { args: () => ['monitor'], first: /^espnow-prov monitor: Name the port to monitor/ },
  { args: () => ['monitor', P, Q], first: /^espnow-prov monitor: monitor takes one port; got 2/ },
  { args: () => ['monitor', P, '--baud', '12'], first: /^espnow-prov monitor: --baud is "12"/ },
  { args: () => ['monitor', P, '--role', 'router'], first: /^espnow-prov monitor: --role "router" must be responder or initiator\./ },
  { args: () => ['monitor', P, '--log-dir', aFile], first: /^espnow-prov monitor: --log-dir \(.*a-file\) is a file, not a folder\./ },
  { args: () => ['monitor', 'rfc2217://127.0.0.1'], first: /^espnow-prov monitor: PORT: "rfc2217:\/\/127\.0\.0\.1" is not a valid RFC2217 URL/ },
  { args: () => prov('--log-dir', aFile), first: /^espnow-prov provision: --log-dir \(.*a-file\) is a file, not a folder\./ },
  { args: () => ['demo', '--log-dir', ''], first: /^espnow-prov demo: --log-dir is empty\./ },
  { args: () => ['frobnicate'], first: /^espnow-prov: unknown command "frobnicate"\./ },
];

async function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number; out: string[]; err: string[] }> {
  const names = ['ESPNOW_WIFI_PASSWORD', 'ESPNOW_PAIR_KEY', 'IDF_PATH'];
  const saved = names.map((n) => process.env[n]);
  for (const n of names) delete process.env[n];
  Object.assign(process.env, env);
  const out: string[] = [];
  const err: string[] = [];
  try {
    const code = await main(args, { out: (l) => out.push(...l.split('\n')), err: (l) => err.push(...l.split('\n')) });
    return { code, out, err };
  } finally {
    names.forEach((n, i) => (saved[i] === undefined ? delete process.env[n] : (process.env[n] = saved[i])));
  }
}

test(`${CASES.length} bad inputs exit 2 with a first line naming the argument, no stack trace, and no port opened`, async () => {
  assert.ok(CASES.length >= 30);
  for (const c of CASES) {
    const args = c.args();
    const r = await run(args, c.env);
    const shown = JSON.stringify(args);
    assert.equal(r.code, 2, `${shown}: exit ${r.code}\n${r.err.join('\n')}`);
    assert.match(r.err[0] ?? '', c.first, `${shown}: first line`);
    assert.ok(!r.err.some((l) => /^\s+at /.test(l)), `${shown}: a stack trace`);
    assert.equal(opened, 0, `${shown} opened a port`);
  }
});

test('the table would see a port being opened', async () => {
  const r = await run(['identify', P]);
  assert.notEqual(r.code, 0);
  assert.ok(opened > 0, 'identify on a good URL connects: the counter works');
  opened = 0;
});

test('--help prints each command\'s usage and exits 0, wherever it stands', async () => {
  assert.ok(COMMAND_NAMES.length >= 9);
  for (const name of COMMAND_NAMES) {
    for (const args of [[name, '--help'], [name, '-h'], [name, '--initiators', '3', '--help'], ['help', name]]) {
      const r = await run(args);
      assert.equal(r.code, 0, `${args.join(' ')}: ${r.err.join('\n')}`);
      assert.match(r.out[0] ?? '', new RegExp(`^Usage: espnow-prov ${name} `), args.join(' '));
    }
  }
  assert.equal((await run(['--help'])).code, 0);
  assert.equal((await run([])).code, 2, 'no command is a usage error');
});

test('a bug prints one line that says where its full report is; a bad path the user gave is a plain config error', () => {
  const err: string[] = [];
  const io = { out: () => undefined, err: (l: string) => err.push(l) };
  assert.equal(reportError('demo', 'usage', new TypeError('x is undefined'), io), 70);
  assert.equal(err.length, 1);
  const m = /^espnow-prov demo: internal error: x is undefined \(a bug: please report it with (\S+)\)\.$/.exec(err[0]);
  assert.ok(m, err[0]);
  assert.match(readFileSync(m[1], 'utf8'), /TypeError: x is undefined\n\s+at /);
  rmSync(dirname(m[1]), { recursive: true, force: true });
  const notDir = Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${aFile}/lab'`), { code: 'ENOTDIR', path: `${aFile}/lab` });
  assert.equal(reportError('lab', 'usage', notDir, io), 2);
  assert.equal(err[1], `espnow-prov lab: cannot use ${aFile}/lab: a file is in the way where a folder belongs (ENOTDIR).`);
});
