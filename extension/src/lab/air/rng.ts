/** A source of uniform numbers in [0, 1). Injected so tests can replay the same losses and duplicates. */
export type Random = () => number;

/**
 * A small seedable generator (mulberry32). Not for cryptography: it only decides which simulated frames
 * get lost or duplicated, and a test that fails must fail the same way on the next run.
 */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
