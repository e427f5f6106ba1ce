import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ProvisionError } from '../../../../extension/src/core/common/errors';
import { checkPlanFitsBoard, md5Hex, readFlashPlan } from '../../../../extension/src/core/flash/flash-plan';
import { makeBuildDir, removeBuildDirs } from '../../../support/flash/build-dir';

after(removeBuildDirs);

function rewriteArgs(dir: string, edit: (args: Record<string, unknown>) => void): void {
  const file = path.join(dir, 'flasher_args.json');
  const args = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  edit(args);
  fs.writeFileSync(file, JSON.stringify(args));
}

async function rejectsWith(p: Promise<unknown>, kind: string, pattern: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof ProvisionError, `a ProvisionError, got ${String(e)}`);
    assert.equal(e.kind, kind);
    assert.match(e.describe(), pattern);
    assert.ok(e.hint, 'says what to do');
    return true;
  });
}

test('reads an idf.py build: regions in flash order, padded to 4 bytes with 0xFF, MD5 of the padded bytes', async () => {
  const dir = makeBuildDir({ chip: 'esp32s3', appSize: 10_001 });
  const plan = await readFlashPlan(dir);
  assert.equal(plan.chip, 'esp32s3');
  assert.deepEqual(plan.settings, { flashMode: 'dio', flashSize: '4MB', flashFreq: '80m' });
  assert.deepEqual(plan.regions.map((r) => [r.offset, r.name]), [[0, 'bootloader/bootloader.bin'], [0x8000, 'partition_table/partition-table.bin'], [0x10000, 'app.bin']]);
  const app = plan.regions[2];
  assert.equal(app.data.length, 10_004);
  assert.deepEqual([...app.data.subarray(10_001)], [0xff, 0xff, 0xff]);
  assert.equal(app.md5, md5Hex(app.data));
  assert.equal(app.file, path.join(dir, 'app.bin'));
  assert.equal(plan.totalBytes, plan.regions.reduce((n, r) => n + r.data.length, 0));
});

test('a missing build dir or flasher_args.json says to build first', async () => {
  await rejectsWith(readFlashPlan('/nonexistent/build'), 'build', /flasher_args\.json does not exist.*Build the firmware first/);
});

test('flasher_args.json that is not JSON, not an object, or lists no files is named', async () => {
  const dir = makeBuildDir();
  fs.writeFileSync(path.join(dir, 'flasher_args.json'), '{"flash_files": {');
  await rejectsWith(readFlashPlan(dir), 'build', /flasher_args\.json is not valid JSON/);
  fs.writeFileSync(path.join(dir, 'flasher_args.json'), '[1, 2]');
  await rejectsWith(readFlashPlan(dir), 'build', /is not a JSON object/);
  fs.writeFileSync(path.join(dir, 'flasher_args.json'), '{"flash_files": {}}');
  await rejectsWith(readFlashPlan(dir), 'build', /lists no flash_files/);
  fs.writeFileSync(path.join(dir, 'flasher_args.json'), '{"flash_files": {"0x0": 7}}');
  await rejectsWith(readFlashPlan(dir), 'build', /offset 0x0 is not a file name/);
});

test('a file the build names but does not have, or an empty one, is named with its offset', async () => {
  const dir = makeBuildDir();
  fs.rmSync(path.join(dir, 'app.bin'));
  await rejectsWith(readFlashPlan(dir), 'build', /app\.bin \(for 0x10000\) is missing.*run the build again/);
  fs.writeFileSync(path.join(dir, 'app.bin'), '');
  await rejectsWith(readFlashPlan(dir), 'build', /app\.bin \(for 0x10000\) is empty/);
});

test('offsets must be numbers on a 4 KB sector boundary', async () => {
  const dir = makeBuildDir();
  rewriteArgs(dir, (a) => ((a.flash_files as Record<string, string>)['0x10800'] = 'app.bin'));
  await rejectsWith(readFlashPlan(dir), 'build', /app\.bin is at 0x10800, which is not on a 4 KB flash sector boundary.*multiple of 0x1000/);
  rewriteArgs(dir, (a) => (a.flash_files = { 'app': 'app.bin' }));
  await rejectsWith(readFlashPlan(dir), 'build', /offset "app" of app\.bin is not a number/);
  rewriteArgs(dir, (a) => (a.flash_files = { '65536': 'app.bin' }));
  assert.equal((await readFlashPlan(dir)).regions[0].offset, 0x10000, 'decimal offsets are fine');
});

test('overlapping regions name both files', async () => {
  const dir = makeBuildDir({ appSize: 64 * 1024 });
  rewriteArgs(dir, (a) => (a.flash_files = { '0x0': 'bootloader/bootloader.bin', '0x4000': 'partition_table/partition-table.bin' }));
  await rejectsWith(readFlashPlan(dir), 'build', /bootloader\/bootloader\.bin \(0x0–0x5004\) overlaps partition_table\/partition-table\.bin at 0x4000/);
});

test('a build for another chip is refused before anything is written, naming the board and what to do', async () => {
  const plan = await readFlashPlan(makeBuildDir({ chip: 'esp32c3' }));
  assert.throws(
    () => checkPlanFitsBoard(plan, { board: 'board 2', chip: 'ESP32-S3', flashSize: '4MB' }),
    (e: unknown) => e instanceof ProvisionError && e.kind === 'config' && e.board === 'board 2' && /is for esp32c3, but this board is an ESP32-S3/.test(e.message) && /set-target esp32s3/.test(e.hint ?? ''),
  );
  checkPlanFitsBoard(plan, { board: 'board 1', chip: 'ESP32-C3', flashSize: '4MB' });
  const noChip = await readFlashPlan(makeBuildDir({ chip: null }));
  assert.equal(noChip.chip, undefined);
  checkPlanFitsBoard(noChip, { board: 'b', chip: 'ESP32' });
});

test('a build larger than the board flash, or made for more flash, is refused', async () => {
  const plan = await readFlashPlan(makeBuildDir({ appSize: 2 << 20 }));
  assert.throws(() => checkPlanFitsBoard(plan, { board: 'b', chip: 'ESP32-S3', flashSize: '2MB' }), (e: unknown) => e instanceof ProvisionError && e.kind === 'config' && /app\.bin ends at 0x210000, beyond this board's 2MB flash/.test(e.message));
  const small = await readFlashPlan(makeBuildDir({ appSize: 1024 }));
  assert.throws(() => checkPlanFitsBoard(small, { board: 'b', chip: 'ESP32-S3', flashSize: '2MB' }), (e: unknown) => e instanceof ProvisionError && /expects 4MB of flash, but this board has 2MB/.test(e.message));
  checkPlanFitsBoard(small, { board: 'b', chip: 'ESP32-S3', flashSize: '8MB' });
});

test('files outside the build folder are refused, naming the entry: traversal, absolute paths, symlinks out', async () => {
  const outside = makeBuildDir();
  const secret = path.join(outside, 'outside.bin');
  fs.writeFileSync(secret, 'not part of the build');
  for (const name of ['../../../../../etc/passwd', secret, `../${path.basename(outside)}/outside.bin`]) {
    const dir = makeBuildDir();
    rewriteArgs(dir, (a) => ((a.flash_files as Record<string, string>)['0x10000'] = name));
    await rejectsWith(readFlashPlan(dir), 'build', new RegExp(`0x10000, "${name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}", is outside the build folder`));
  }
  const linked = makeBuildDir();
  fs.rmSync(path.join(linked, 'app.bin'));
  fs.symlinkSync(secret, path.join(linked, 'app.bin'));
  await rejectsWith(readFlashPlan(linked), 'build', /"app\.bin", is outside the build folder/);
  const linkedDir = makeBuildDir();
  fs.rmSync(path.join(linkedDir, 'bootloader'), { recursive: true });
  fs.symlinkSync(path.join(outside, 'bootloader'), path.join(linkedDir, 'bootloader'));
  await rejectsWith(readFlashPlan(linkedDir), 'build', /"bootloader\/bootloader\.bin", is outside the build folder/);

  // A link that stays inside the build is fine.
  const inside = makeBuildDir();
  fs.renameSync(path.join(inside, 'app.bin'), path.join(inside, 'app-real.bin'));
  fs.symlinkSync('app-real.bin', path.join(inside, 'app.bin'));
  assert.equal((await readFlashPlan(inside)).regions.length, 3);
});
