import { ProvisionError } from '../common/errors';
import type { BoardLoader } from './board-loader';
import type { FlashRegion } from './flash-plan';

/** What comparing found for one region. */
export interface RegionDecision {
  readonly region: FlashRegion;
  /** The board's MD5 of the region's range; undefined when comparing was turned off. */
  readonly boardMd5?: string;
  /** True when the board already holds exactly these bytes: nothing to write. */
  readonly unchanged: boolean;
}

/**
 * Asks the board for the MD5 of every region's range and marks the regions whose bytes are already there.
 * The stub hashes flash at SPI speed, so comparing costs far less than writing even when nothing matches.
 * With `skip` false every region is written without asking (the --no-skip escape hatch, e.g. when a
 * region's MD5 matches but the user wants a fresh write anyway). Stops between regions on abort.
 */
export async function compareRegions(loader: BoardLoader, regions: readonly FlashRegion[], skip: boolean, signal?: AbortSignal, onRegion?: (region: FlashRegion) => void): Promise<RegionDecision[]> {
  if (!skip) return regions.map((region) => ({ region, unchanged: false }));
  const out: RegionDecision[] = [];
  for (const region of regions) {
    signal?.throwIfAborted();
    onRegion?.(region);
    const boardMd5 = await loader.flashMd5(region.offset, region.data.length);
    out.push({ region, boardMd5, unchanged: boardMd5 === region.md5 });
  }
  return out;
}

/**
 * Checks that the board now holds what was written. esptool-js can verify inside writeFlash too, but here
 * a mismatch becomes a 'checksum' error naming the region, and verification is its own phase in progress.
 */
export async function verifyRegions(loader: BoardLoader, regions: readonly FlashRegion[], board: string, signal?: AbortSignal, onRegion?: (region: FlashRegion) => void): Promise<void> {
  for (const region of regions) {
    signal?.throwIfAborted();
    onRegion?.(region);
    const got = await loader.flashMd5(region.offset, region.data.length);
    if (got !== region.md5) {
      throw new ProvisionError(
        'checksum',
        `${region.name} at 0x${region.offset.toString(16)} does not match after writing (MD5 ${got} on the board, ${region.md5} in the image).`,
        board,
        'Flash again; if it repeats, lower the flash baud (--baud 460800) or check the cable.',
      );
    }
  }
}
