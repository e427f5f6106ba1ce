import type { Board } from '../boards/board';

export interface PairSelection {
  readonly responder?: Board;
  readonly initiators: Board[];
  /** Why Provision Pair/Fleet cannot run with these boards; empty when it can. */
  readonly problems: string[];
}

/**
 * Which boards Provision Pair (first initiator) or Fleet (every initiator) would use, from the roles of
 * the connected boards. Kept pure so the status bar, the command and the CLI agree.
 */
export function selectBoards(boards: readonly Board[]): PairSelection {
  const responders = boards.filter((b) => b.role === 'responder');
  const initiators = boards.filter((b) => b.role === 'initiator');
  const problems: string[] = [];
  if (boards.length === 0) problems.push('No boards are connected. Plug a board in, add espnow.remotePorts, or run ESP-NOW: Start Virtual Lab.');
  else {
    if (responders.length === 0) problems.push('No board has the responder role. Right-click a board: Set Role: Responder.');
    if (initiators.length === 0) problems.push('No board has the initiator role. Right-click a board: Set Role: Initiator.');
  }
  return { responder: responders[0], initiators, problems };
}

/** Short text for a status bar: "S3 ⇢ C3" or what is missing. */
export function describeSelection(sel: PairSelection, label: (b: Board) => string): string {
  if (!sel.responder && sel.initiators.length === 0) return 'no pair';
  const r = sel.responder ? label(sel.responder) : '?';
  const i = sel.initiators.length === 0 ? '?' : sel.initiators.length === 1 ? label(sel.initiators[0]) : `${sel.initiators.length} initiators`;
  return `${r} → ${i}`;
}
