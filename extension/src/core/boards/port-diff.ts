import type { DetectedPort } from './detected-port';

export interface PortDiff {
  readonly added: DetectedPort[];
  readonly removed: DetectedPort[];
  /** Same path, different details (e.g. a lab board changed chip, a USB description appeared). */
  readonly changed: DetectedPort[];
}

/** Compares two snapshots by path. */
export function diffPorts(before: readonly DetectedPort[], after: readonly DetectedPort[]): PortDiff {
  const old = new Map(before.map((p) => [p.path, p]));
  const now = new Map(after.map((p) => [p.path, p]));
  const added: DetectedPort[] = [];
  const changed: DetectedPort[] = [];
  for (const [path, p] of now) {
    const prev = old.get(path);
    if (!prev) added.push(p);
    else if (!samePort(prev, p)) changed.push(p);
  }
  const removed = [...old.values()].filter((p) => !now.has(p.path));
  return { added, removed, changed };
}

export function isEmptyDiff(d: PortDiff): boolean {
  return d.added.length === 0 && d.removed.length === 0 && d.changed.length === 0;
}

function samePort(a: DetectedPort, b: DetectedPort): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]) as Set<keyof DetectedPort>;
  for (const k of keys) if (a[k] !== b[k]) return false;
  return true;
}
