import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ChipKind } from '../../../extension/src/lab/chip/chip-program';
import { sdkconfig, type Role } from './host-firmware';

const PACK = join(resolve(__dirname, '../../..'), 'firmware/host/pack-image.mjs');

/**
 * Writes an idf.py-style build folder of the firmware's host build for one role (what Flash Board and
 * `espnow-prov flash --build` take), with the firmware's own image packer.
 */
export async function packBuild(chip: ChipKind, role: Role, mode: string, outDir: string): Promise<string> {
  const { pack } = (await import(pathToFileURL(PACK).href)) as { pack(o: { target: string; sdkconfigText: string; outDir: string }): unknown };
  pack({ target: chip, sdkconfigText: sdkconfig(role, mode), outDir });
  return outDir;
}
