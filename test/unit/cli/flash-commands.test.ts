import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ProvisionError } from '../../../extension/src/core/common/errors';
import type { CliIo } from '../../../extension/src/cli/cli-io';
import { main } from '../../../extension/src/cli/main';
import { runFlashCommand } from '../../../extension/src/cli/commands/flash';
import { runIdentifyCommand } from '../../../extension/src/cli/commands/identify';
import { FlashProgressView } from '../../../extension/src/cli/flash-progress-view';
import { makeBuildDir, removeBuildDirs } from '../../support/flash/build-dir';
import { FakeBoard, fakeConnect } from '../../support/flash/fake-loader';
import { FakePort } from '../../support/fake-serial-link';

after(removeBuildDirs);

function capture(): CliIo & { outLines: string[]; errLines: string[] } {
  const outLines: string[] = [];
  const errLines: string[] = [];
  return { outLines, errLines, out: (l) => outLines.push(l), err: (l) => errLines.push(l) };
}

function deps(paths: string[]) {
  const boards = new Map(paths.map((p) => [p, new FakeBoard()]));
  const port = new FakePort();
  return { boards, deps: { connect: fakeConnect(boards), openLink: (p: string) => port.open(p) } };
}

test('flash: a line per phase and per 10% without a TTY, a summary per board, exit 0; the second run writes nothing', async () => {
  const dir = makeBuildDir({ appSize: 200 * 1024 });
  const { deps: d } = deps(['/dev/ttyUSB0', '/dev/ttyUSB1']);
  const io = capture();
  assert.equal(await runFlashCommand(['--build', dir, '/dev/ttyUSB0', '/dev/ttyUSB1'], io, d), 0);
  const zero = io.outLines.filter((l) => l.startsWith('/dev/ttyUSB0: writing'));
  assert.ok(zero.length >= 10 && zero.length <= 12, `about one line per 10%: ${zero.length}`);
  assert.ok(io.outLines.includes('/dev/ttyUSB0: connecting') && io.outLines.includes('/dev/ttyUSB0: resetting'));
  assert.match(io.outLines.find((l) => l.startsWith('ok      /dev/ttyUSB1'))!, /wrote .* at 921600 baud.*verified by MD5/);
  const again = capture();
  assert.equal(await runFlashCommand(['--build', dir, '/dev/ttyUSB0', '/dev/ttyUSB1'], again, d), 0);
  assert.ok(again.outLines.some((l) => /^ok {6}\/dev\/ttyUSB0: nothing to write/.test(l)));
  assert.ok(!again.outLines.some((l) => /writing/.test(l)));
});

test('flash: a failed board goes to stderr with its state, and the exit code is its kind', async () => {
  const dir = makeBuildDir({ appSize: 8 * 1024 });
  const { boards, deps: d } = deps(['a', 'b']);
  boards.get('b')!.connectError = new ProvisionError('bootloader-silent', 'did not answer the ROM bootloader sync.', 'b', 'Hold BOOT and press RESET, or check the cable.');
  const io = capture();
  assert.equal(await runFlashCommand(['--build', dir, 'a', 'b', '--json'], io, d), 6);
  const json = JSON.parse(io.outLines.join('\n')) as Array<{ board: string; outcome: string; error?: { kind: string } }>;
  assert.deepEqual(json.map((r) => [r.board, r.outcome, r.error?.kind]), [['a', 'flashed', undefined], ['b', 'failed', 'bootloader-silent']]);
});

test('flash: PORT=DIR gives a board its own build; bad arguments are usage errors (exit 2)', async () => {
  const one = makeBuildDir({ appSize: 4096, seed: 1 });
  const two = makeBuildDir({ appSize: 8192, seed: 2 });
  const { boards, deps: d } = deps(['a', 'b']);
  assert.equal(await runFlashCommand([`a=${one}`, `b=${two}`], capture(), d), 0);
  assert.equal(boards.get('a')!.flash[0x10000 + 5000], 0xff, 'a got the 4 KB app');
  assert.notEqual(boards.get('b')!.flash[0x10000 + 5000], 0xff, 'b got the 8 KB app');
  const badBaud = capture();
  assert.equal(await main(['flash', '--build', one, '--baud', 'fast', 'a'], badBaud), 2);
  assert.match(badBaud.errLines[0], /^espnow-prov flash: --baud is "fast"\. Use one of 115200/);
  for (const args of [['flash', 'a'], ['flash', '--build', one], ['identify']]) {
    const io = capture();
    assert.equal(await main(args, io), 2, args.join(' '));
    assert.match(io.errLines.join('\n'), /Usage: espnow-prov/);
  }
  const io = capture();
  assert.equal(await main(['flash', '--build', '/nonexistent', 'a'], io), 11);
  assert.match(io.errLines[0], /flasher_args\.json does not exist/);
});

test('flash: an entry of flasher_args.json outside the build folder fails the run naming it, and nothing is written', async () => {
  const dir = makeBuildDir({ appSize: 4096 });
  const args = JSON.parse(readFileSync(join(dir, 'flasher_args.json'), 'utf8')) as { flash_files: Record<string, string> };
  args.flash_files['0x10000'] = '../../../../../etc/passwd';
  writeFileSync(join(dir, 'flasher_args.json'), JSON.stringify(args));
  const { boards, deps: d } = deps(['a']);
  const io = capture();
  const code = await runFlashCommand(['--build', dir, 'a'], io, d).catch((e: unknown) => (e instanceof ProvisionError ? e : Promise.reject(e)));
  const text = code instanceof ProvisionError ? code.describe() : io.errLines.join('\n');
  assert.notEqual(code, 0);
  assert.match(text, /0x10000, "\.\.\/\.\.\/\.\.\/\.\.\/\.\.\/etc\/passwd", is outside the build folder/);
  assert.ok(boards.get('a')!.flash.every((b) => b === 0xff), 'the board was not written');
});

test('identify: one line per board, failures on stderr with the exit code of their kind', async () => {
  const { boards, deps: d } = deps(['a', 'b']);
  const io = capture();
  assert.equal(await runIdentifyCommand(['a', 'b'], io, d), 0);
  assert.match(io.outLines[0], /^a +ESP32-S3 \(QFN56\) \(revision v0\.2\) {2}MAC 24:0a:c4:00:00:01 {2}flash 4MB {2}40MHz {2}Wi-Fi$/);
  boards.get('b')!.connectError = new ProvisionError('port-busy', '/dev/x is held by another program.', 'b');
  const bad = capture();
  assert.equal(await runIdentifyCommand(['a', 'b'], bad, d), 3);
  assert.match(bad.errLines[0], /^failed {2}b: \/dev\/x is held by another program\./);
});

test('the TTY view redraws bars in place and ends with every board at its final state', () => {
  let t = 0;
  const raw: string[] = [];
  const view = new FlashProgressView(capture(), { isTTY: true, write: (s) => raw.push(s) }, () => t);
  const p = (board: string, bytesWritten: number, phase: 'writing' | 'done' = 'writing') => ({ board, phase, bytesWritten, bytesTotal: 1000, rateBytesPerSec: 100, skippedRegions: 0 });
  view.update({ boards: [], bytesWritten: 0, bytesTotal: 2000, rateBytesPerSec: 0 }, p('a', 0));
  t = 50;
  view.update({ boards: [], bytesWritten: 500, bytesTotal: 2000, rateBytesPerSec: 100 }, p('b', 500));
  assert.equal(raw.length, 1, 'throttled');
  t = 200;
  view.update({ boards: [], bytesWritten: 2000, bytesTotal: 2000, rateBytesPerSec: 0 }, p('a', 1000, 'done'));
  view.finish();
  assert.match(raw[1], /^\x1b\[1A/, 'moves up over the previous frame');
  assert.match(raw.at(-1)!, /a +done +\[#{24}\] 100%/);
  assert.match(raw.at(-1)!, /all boards .*100%/);
});
