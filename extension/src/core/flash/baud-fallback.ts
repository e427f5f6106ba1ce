/** Rates tried after the configured one fails, fastest first; the ROM rate is always the last resort. */
export const FALLBACK_BAUDS: readonly number[] = [460800, 115200];

/** The default flash baud (setting `espnow.flashBaud`). */
export const DEFAULT_FLASH_BAUD = 921600;

/** The ROM bootloader's rate on a 40 MHz crystal. */
export const ROM_BAUD = 115200;

/**
 * The rates to try for a configured flash baud: the configured one, then every fallback below it, ending
 * at the ROM rate. 1500000 gives 1500000, 460800, 115200; 230400 gives 230400, 115200.
 */
export function baudLadder(configured: number, romBaud = ROM_BAUD): number[] {
  const below = FALLBACK_BAUDS.filter((b) => b < configured && b >= romBaud);
  const ladder = [configured, ...below];
  if (!ladder.includes(romBaud) && configured > romBaud) ladder.push(romBaud);
  return ladder;
}

/**
 * Walks the ladder until a switch succeeds. `trySwitch` returns false when the board did not answer at
 * that rate (it must leave the board reachable at the ROM rate again). Returns the rate in use; logs one
 * line per fallback so users see why a flash is slower than configured.
 */
export async function switchBaudWithFallback(configured: number, romBaud: number, trySwitch: (baud: number) => Promise<boolean>, log: (line: string) => void, board: string): Promise<number> {
  const ladder = baudLadder(configured, romBaud);
  for (let i = 0; i < ladder.length; i++) {
    const baud = ladder[i];
    if (baud === romBaud) return romBaud;
    if (await trySwitch(baud)) return baud;
    const next = ladder[i + 1] ?? romBaud;
    log(`${board}: did not answer at ${baud} baud; falling back to ${next} baud.`);
  }
  return romBaud;
}
