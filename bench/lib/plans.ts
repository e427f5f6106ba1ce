import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeVirtualBuild } from '../../extension/src/core/build/image/virtual-build-writer';
import { readFlashPlan, type FlashPlan } from '../../extension/src/core/flash/flash-plan';
import { makeBuildDir } from '../../test/support/flash/build-dir';
import { sdkconfig, WASM_FIRMWARE } from '../../test/support/lab/virtual-firmware';

const dirs: string[] = [];

/** A temp folder removed by `removeBenchDirs`. */
export function benchDir(prefix: string): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), `bench-${prefix}-`));
  dirs.push(d);
  return d;
}

export function removeBenchDirs(): void {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}

/** An idf.py-style build whose app is `size` random bytes: deflate cannot shrink it, so wire = image. */
export async function incompressiblePlan(size: number): Promise<FlashPlan> {
  const dir = makeBuildDir({ dir: benchDir('random'), appSize: 16 });
  const app = randomBytes(size);
  app[0] = 0xe9;
  fs.writeFileSync(path.join(dir, 'app.bin'), app);
  return readFlashPlan(dir);
}

/** The virtual build writer's output for one role: the image a lab board really runs. */
export async function virtualAppPlan(role: 'responder' | 'initiator' = 'initiator'): Promise<FlashPlan> {
  const dir = benchDir('app');
  writeVirtualBuild({ target: 'esp32s3', sdkconfigText: sdkconfig(role, 'SECURE'), wasm: fs.readFileSync(WASM_FIRMWARE), outDir: dir });
  return readFlashPlan(dir);
}

/** The same plan with only its app region (offset 0x10000), to time one region's write phase alone. */
export function appOnly(plan: FlashPlan): FlashPlan {
  const app = plan.regions.filter((r) => r.offset === 0x10000);
  return { ...plan, regions: app, totalBytes: app.reduce((n, r) => n + r.data.length, 0) };
}
