import { describeBoardState, type BoardState } from '../monitor/board-state';
import type { BoardOutcome } from './failure-reasons';

/** A board whose log the follower watches, with a name for messages ("initiator 1", a port). */
export interface FollowedBoard {
  readonly name: string;
  readonly role: 'responder' | 'initiator';
  readonly state: BoardState;
}

/** `running`, or how each board ended, successes included (reasons from failure-reasons.ts). */
export type ProvisioningVerdict = { readonly kind: 'running' } | { readonly kind: 'succeeded' | 'failed'; readonly boards: readonly BoardOutcome[] };

/**
 * Decides from the boards' states alone whether a provisioning run is done, still running, or failed,
 * and for every board, why, as a reason of the failure table. Pure, so the CLI, the editor and tests agree.
 * `timedOut` turns "still running" into a diagnosis of where each board got stuck.
 */
export function judgeProvisioning(boards: readonly FollowedBoard[], timedOut = false): ProvisioningVerdict {
  const initiators = boards.filter((b) => b.role === 'initiator');
  const responder = boards.find((b) => b.role === 'responder');
  const outcome = (b: FollowedBoard): BoardOutcome | undefined => outcomeOf(b, responder, timedOut);
  if (initiators.length > 0 && initiators.every((i) => i.state.status === 'provisioned')) return { kind: 'succeeded', boards: boards.map((b) => outcome(b) ?? { board: b.name, reason: 'served' }) };

  // Without a responder no initiator can get credentials: waiting for them to time out only hides why.
  const responderFailed = responder?.state.status === 'failed';
  const decided = initiators.every((i) => i.state.status === 'provisioned' || i.state.status === 'failed');
  if (!responderFailed && !decided && !timedOut) return { kind: 'running' };
  const list = boards.map((b) => outcome(b) ?? { board: b.name, reason: 'unaffected', detail: describeBoardState(b.state) });
  // A board still running when the run ended is only a cause when nothing else is.
  const faulty = list.filter((o) => o.reason !== 'unaffected' && o.reason !== 'provisioned' && o.reason !== 'served');
  if (faulty.length === 0) return { kind: 'failed', boards: [{ board: 'all boards', reason: 'timeout', detail: 'before any initiator reported progress' }, ...list] };
  return { kind: 'failed', boards: list };
}

/** How a board ended, or undefined while it still runs (and the run has not timed out). */
function outcomeOf(b: FollowedBoard, responder: FollowedBoard | undefined, timedOut: boolean): BoardOutcome | undefined {
  const s = b.state;
  if (s.status === 'provisioned') return { board: b.name, reason: 'provisioned', ...(s.ip ? { detail: s.ip } : {}) };
  if (s.status === 'failed') {
    const rejected = b.role === 'initiator' ? rejection(responder) : undefined;
    const detail = rejected ?? s.detail;
    return { board: b.name, reason: s.reason ?? 'internal', ...(detail ? { detail } : {}) };
  }
  if (b.role === 'responder') return undefined; // a responder that has not failed is never the one stuck
  if (timedOut) return { board: b.name, reason: 'timeout', detail: `while ${describeBoardState(s)}${stuckHint(s, responder)}` };
  return undefined;
}

function rejection(responder: FollowedBoard | undefined): string | undefined {
  const r = responder?.state.lastRejection;
  return r ? `the responder rejected a device: ${r.reason.replace(/_/g, ' ')}${r.from ? ` from ${r.from}` : ''}` : undefined;
}

function stuckHint(s: BoardState, responder: FollowedBoard | undefined): string {
  if (s.status === 'unknown') return ': no log from the firmware (not flashed, wrong monitor baud, or held in reset?)';
  if (s.status === 'scanning' && responder && responder.state.status !== 'beaconing') return `: the responder is not beaconing (its last state: ${describeBoardState(responder.state)})`;
  if (s.status === 'requestSent' && responder?.state.lastRejection) return `: ${rejection(responder)}`;
  return '';
}
