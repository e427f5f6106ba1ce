// Identification (ROM bootloader: chip, revision, MAC, flash size; no stub) of 1 and 8 lab boards in parallel.
import { identifyBoards } from '../../extension/src/core/flash/identify';
import { startFlashLab } from '../../test/support/flash/flash-lab';
import { figure, median, type Figure } from '../lib/figure';

async function identify(n: number): Promise<number> {
  const lab = await startFlashLab(Array(n).fill('esp32s3'));
  try {
    const t = performance.now();
    const ids = await identifyBoards(lab.urls);
    const ms = performance.now() - t;
    if (ids.some((o) => o.error)) throw new Error(ids.map((o) => o.error?.describe()).join('\n'));
    return ms;
  } finally {
    lab.dispose();
  }
}

export async function measure(): Promise<Figure[]> {
  const one = median([await identify(1), await identify(1), await identify(1)]);
  const eight = median([await identify(8), await identify(8)]);
  return [
    figure('identify 1 board', one / 1000, 's', undefined, 'reset into the ROM, sync, read chip/MAC/flash, reset back; median of 3'),
    figure('identify 8 boards in parallel', eight / 1000, 's', undefined, 'median of 2'),
    figure('identify 8 boards ÷ 1 board', eight / one, 'ratio'),
  ];
}
