import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { CliUsageError } from '../../../extension/src/cli/cli-io';
import { runLabCommand } from '../../../extension/src/cli/commands/lab';
import type { ProgramsFactory } from '../../../extension/src/lab/lab-types';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-cli-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));

const idle = { receive: () => undefined, dispose: () => undefined };
const programs: ProgramsFactory = () => ({ bootloader: () => idle, bootFromFlash: () => idle });

function capture(): { io: { out: (l: string) => void; err: (l: string) => void }; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l) => out.push(l), err: (l) => err.push(l) }, out, err };
}

test('prints one line per board with chip, MAC and URL, then stops cleanly', async () => {
  const stateDir = path.join(root, 'run');
  const c = capture();
  let stop!: () => void;
  const stopped = new Promise<void>((r) => (stop = r));
  let ready!: () => void;
  const prompted = new Promise<void>((r) => (ready = r));
  const io = { ...c.io, out: (l: string) => (c.io.out(l), l.startsWith('Press Ctrl+C') && ready()) };
  const run = runLabCommand(['--boards', '2', '--chip', 'esp32c3', '--state-dir', stateDir], io, { programs, untilStopped: () => stopped });
  await prompted;
  assert.ok(fs.existsSync(path.join(stateDir, 'control.json')));
  stop();
  assert.equal(await run, 0);
  const boards = c.out.filter((l) => l.startsWith('board '));
  assert.equal(boards.length, 2);
  assert.match(boards[0], /^board 1 {2}ESP32-C3 {2}24:0a:c4:00:00:01 {2}rfc2217:\/\/127\.0\.0\.1:\d+$/);
  assert.match(boards[1], /^board 2 {2}ESP32-C3 {2}24:0a:c4:00:00:02 {2}rfc2217:\/\/127\.0\.0\.1:\d+$/);
  assert.equal(fs.existsSync(path.join(stateDir, 'control.json')), false);
  assert.ok(fs.existsSync(path.join(stateDir, 'lab.json')));
});

for (const [args, pattern] of [
  [['--boards', 'two'], /--boards "two"/],
  [['--boards', '0'], /--boards "0"/],
  [['--boards', '99'], /from 1 to 32/],
  [['--chip', 'esp8266'], /"esp8266" in --chip/],
  [['--color'], /--color/],
  [['extra'], /"extra"/],
] as const) {
  test(`rejects ${args.join(' ')} naming the argument`, async () => {
    await assert.rejects(runLabCommand([...args], capture().io, { programs, untilStopped: async () => undefined }), (e: unknown) => e instanceof CliUsageError && pattern.test(e.message));
  });
}
