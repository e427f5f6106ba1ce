import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ChipKind } from '../../../extension/src/lab/chip/chip-program';
import { Lab } from '../../../extension/src/lab/lab';
import type { ProgramsFactory } from '../../../extension/src/lab/lab-types';
import { createBootloader } from '../../../extension/src/lab/rom';

/**
 * Boards with the real ROM loader and stub emulator; booting from flash idles, because these tests are
 * about what lands in flash, not about running it.
 */
const programs: ProgramsFactory = () => ({
  bootloader: (ctx) => createBootloader(ctx),
  bootFromFlash: () => ({ receive: () => undefined, dispose: () => undefined }),
});

/** A lab in a fresh temp dir; `dispose()` stops it and deletes the dir. */
export async function startFlashLab(chips: readonly ChipKind[]): Promise<{ lab: Lab; urls: string[]; dispose(): void }> {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'flash-lab-'));
  const lab = await Lab.start({ stateDir, boards: chips.map((chip) => ({ chip })), programs });
  const urls = (await lab.listBoards()).map((b) => b.url);
  return {
    lab,
    urls,
    dispose: () => {
      lab.dispose();
      fs.rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

/** Waits until no more resources are active than at `baseline` (sockets close a tick after dispose). */
export async function assertNothingLeft(baseline: readonly string[]): Promise<void> {
  const count = (list: readonly string[]) => {
    const c: Record<string, number> = {};
    for (const r of list) if (r !== 'TTYWrap') c[r] = (c[r] ?? 0) + 1;
    return c;
  };
  const was = count(baseline);
  let grown: Array<[string, number]> = [];
  for (let i = 0; i < 50; i++) {
    grown = Object.entries(count(process.getActiveResourcesInfo())).filter(([t, n]) => n > (was[t] ?? 0));
    if (grown.length === 0) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`resources left behind: ${JSON.stringify(grown)}`);
}
