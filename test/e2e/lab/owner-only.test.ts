import { strict as assert } from 'node:assert';
import { execFile, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { promisify } from 'node:util';
import { ControlServer } from '../../../extension/src/lab/control-server';
import { Lab } from '../../../extension/src/lab/lab';
import { LabClient } from '../../../extension/src/lab/lab-client';
import type { ProgramsFactory } from '../../../extension/src/lab/lab-types';

/**
 * The lab's endpoints serve only the lab's own user: another local user (here `nobody`, via runuser) is
 * refused at the control socket and at every RFC2217 port, while the owner's clients work. Needs root
 * (to become nobody) on Linux; skipped elsewhere.
 */
const canSwitchUser = process.platform === 'linux' && process.getuid?.() === 0 && spawnSync('runuser', ['--help']).status === 0;
const skip = canSwitchUser ? false : 'needs root and runuser on Linux';

// World-traversable, so the only lock in the way is the lab's own (its 0700 state folder, its peer check).
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'owner-only-'));
fs.chmodSync(root, 0o755);
after(() => fs.rmSync(root, { recursive: true, force: true }));

const execFileAsync = promisify(execFile);

const programs: ProgramsFactory = () => ({
  bootloader: () => ({ receive: () => undefined, dispose: () => undefined }),
  bootFromFlash: () => ({ receive: () => undefined, dispose: () => undefined }),
});

/** Runs a Node snippet as `nobody` (without blocking: the lab serves from this process) and returns what it printed as JSON. */
async function asNobody(script: string, ...args: string[]): Promise<{ connected?: boolean; code?: string; bytes?: number; closed?: boolean }> {
  const r = await execFileAsync('runuser', ['-u', 'nobody', '--', process.execPath, '-e', script, '--', ...args], { encoding: 'utf8', cwd: '/', timeout: 15_000 });
  return JSON.parse(r.stdout.trim()) as { connected?: boolean; code?: string; bytes?: number; closed?: boolean };
}

/** Connects, then reports whether it got in and how many bytes arrived before the peer closed or 700 ms passed. */
const PROBE = `
const net = require('node:net');
const [where] = process.argv.slice(1);
const s = /^\\d+$/.test(where) ? net.connect(Number(where), '127.0.0.1') : net.connect({ path: where });
let bytes = 0, connected = false;
const done = (extra) => { console.log(JSON.stringify({ connected, bytes, ...extra })); process.exit(0); };
s.on('connect', () => { connected = true; setTimeout(() => done({ closed: false }), 700); });
s.on('data', (d) => { bytes += d.length; });
s.on('close', () => done({ closed: true }));
s.on('error', (e) => done({ code: e.code }));
`;

test('another user cannot reach the control socket; the owner can', { skip }, async () => {
  const stateDir = path.join(root, 'control');
  const lab = await Lab.start({ stateDir, boards: [{ chip: 'esp32' }], programs });
  const server = await ControlServer.listen(lab, stateDir);
  try {
    assert.equal(fs.statSync(stateDir).mode & 0o777, 0o700);
    assert.equal(fs.statSync(path.join(stateDir, 'control.json')).mode & 0o777, 0o600);
    const other = await asNobody(PROBE, server.socketPath);
    assert.equal(other.connected, false, JSON.stringify(other));
    assert.equal(other.code, 'EACCES');

    const owner = await LabClient.connectToStateDir(stateDir);
    try {
      assert.equal((await owner.listBoards()).length, 1);
    } finally {
      owner.dispose();
    }
  } finally {
    server.dispose();
    lab.dispose();
  }
});

test('the control socket answers nothing to a client without the token of control.json', async () => {
  const stateDir = path.join(root, 'token');
  const lab = await Lab.start({ stateDir, boards: [{ chip: 'esp32' }], programs });
  const server = await ControlServer.listen(lab, stateDir);
  try {
    const answer = await new Promise<string>((resolve, reject) => {
      const s = net.connect({ path: server.socketPath }, () => s.write('{"token":"guess"}\n{"id":1,"op":"readFlash","args":[1,0,16]}\n'));
      let text = '';
      s.setEncoding('utf8');
      s.on('data', (d: string) => (text += d));
      s.on('close', () => resolve(text));
      s.on('error', reject);
      // A server that took the guess would answer and keep the connection open.
      setTimeout(() => s.destroy(), 1500).unref();
    });
    const lines = answer.trim().split('\n').map((l) => JSON.parse(l) as { id: number; ok: boolean; error?: { message: string } });
    assert.equal(lines.length, 1, answer);
    assert.equal(lines[0].ok, false);
    assert.match(lines[0].error!.message, /token/);
  } finally {
    server.dispose();
    lab.dispose();
  }
});

test('another user is refused at a board RFC2217 port with a log line naming the uid; the owner is served', { skip }, async () => {
  const stateDir = path.join(root, 'rfc2217');
  const logs: string[] = [];
  const lab = await Lab.start({ stateDir, boards: [{ chip: 'esp32' }], programs, log: (m) => logs.push(m) });
  try {
    const port = (await lab.listBoards())[0].port;
    const other = await asNobody(PROBE, String(port));
    assert.deepEqual({ bytes: other.bytes, closed: other.closed }, { bytes: 0, closed: true }, JSON.stringify(other));
    assert.ok(logs.some((l) => l.includes(`port ${port}: refused a connection from uid 65534`)), logs.join('\n'));

    // The owner gets the telnet/RFC2217 negotiation the session opens with.
    const bytes = await new Promise<number>((resolve, reject) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('data', (d) => {
        s.destroy();
        resolve(d.length);
      });
      s.on('error', reject);
    });
    assert.ok(bytes > 0);

    // pySerial (what esptool and idf.py monitor use) opens the port as the owner and fails as nobody.
    if (spawnSync('/usr/bin/python3', ['-c', 'import serial.rfc2217']).status === 0) {
      const open = `import serial, sys\ns = serial.serial_for_url(sys.argv[1], timeout=1)\nprint("open")\ns.close()`;
      const url = `rfc2217://127.0.0.1:${port}`;
      const mine = await execFileAsync('/usr/bin/python3', ['-c', open, url], { encoding: 'utf8', timeout: 15_000 });
      assert.equal(mine.stdout.trim(), 'open');
      await assert.rejects(execFileAsync('runuser', ['-u', 'nobody', '--', '/usr/bin/python3', '-c', open, url], { encoding: 'utf8', cwd: '/', timeout: 15_000 }));
    }
  } finally {
    lab.dispose();
  }
});

test('a state folder too deep for a socket path gets a private socket folder, removed with the lab; a dead socket is replaced, a live one refused', async () => {
  const deep = path.join(root, 'd'.repeat(60), 'e'.repeat(60));
  const lab = await Lab.start({ stateDir: deep, boards: [{ chip: 'esp32' }], programs });
  try {
    const server = await ControlServer.listen(lab, deep);
    const folder = path.dirname(server.socketPath);
    assert.ok(!server.socketPath.startsWith(deep) && Buffer.byteLength(server.socketPath) <= 100, server.socketPath);
    assert.equal(fs.statSync(folder).mode & 0o777, 0o700);
    const client = await LabClient.connectToStateDir(deep);
    assert.equal((await client.listBoards()).length, 1);
    client.dispose();
    server.dispose();
    assert.equal(fs.existsSync(folder), false);
  } finally {
    lab.dispose();
  }

  const stateDir = path.join(root, 'stale-socket');
  const again = await Lab.start({ stateDir, boards: [{ chip: 'esp32' }], programs });
  try {
    // What a lab killed with SIGKILL leaves: a socket file nobody listens on.
    const killed = spawn(process.execPath, ['-e', `require('node:net').createServer().listen(${JSON.stringify(path.join(stateDir, 'control.sock'))}, () => console.log('up'))`], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise((r) => killed.stdout.once('data', r));
    const gone = new Promise((r) => killed.once('exit', r));
    killed.kill('SIGKILL');
    await gone;
    assert.ok(fs.existsSync(path.join(stateDir, 'control.sock')));
    const server = await ControlServer.listen(again, stateDir);
    try {
      await assert.rejects(ControlServer.listen(again, stateDir), /Another lab is already running/);
    } finally {
      server.dispose();
    }
  } finally {
    again.dispose();
  }
});
