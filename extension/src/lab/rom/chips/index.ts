import type { ChipKind } from '../../chip/chip-program';
import type { ChipSpec } from './chip-spec';
import { esp32 } from './esp32';
import { esp32c3 } from './esp32c3';
import { esp32s3 } from './esp32s3';

export type { ChipSpec, RomCrystalCalibration, SpiRegisters } from './chip-spec';
export { CHIP_DETECT_MAGIC_REG, macWords, romCalculatedCrystalHz, romProgrammedBaud } from './chip-spec';

/** The chips table: one spec per chip kind the lab emulates. */
export const CHIPS: Readonly<Record<ChipKind, ChipSpec>> = { esp32, esp32s3, esp32c3 };

/** The spec of `kind`. */
export function chipSpecOf(kind: ChipKind): ChipSpec {
  return CHIPS[kind];
}
