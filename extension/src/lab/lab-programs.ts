import { bootFromFlash } from './boot/index';
import type { ProgramsFactory } from './lab-types';
import { createBootloader } from './rom/index';

/**
 * What runs on a virtual chip after a reset: the ROM's serial download mode when IO0 is low, otherwise
 * the boot from flash (which runs the WebAssembly firmware the app image carries).
 */
export const labPrograms: ProgramsFactory = (env) => ({
  bootloader: (ctx) => createBootloader(ctx),
  bootFromFlash: (ctx) => bootFromFlash(ctx, { air: env.air, accessPoints: env.accessPoints }),
});
