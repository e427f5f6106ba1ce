import { describeBoardState, type BoardState } from '../monitor/board-state';

/** A board whose log the follower watches, with a name for messages ("initiator 1", a port). */
export interface FollowedBoard {
  readonly name: string;
  readonly role: 'responder' | 'initiator';
  readonly state: BoardState;
}

export type ProvisioningVerdict =
  | { readonly kind: 'running' }
  | { readonly kind: 'succeeded'; readonly ips: ReadonlyMap<string, string> }
  | { readonly kind: 'failed'; readonly reasons: readonly string[] };

/**
 * Decides from the boards' states alone whether a provisioning run is done, still running, or failed,
 * and if it failed, why, in words a user can act on. Pure, so the CLI, the editor and tests agree.
 * `timedOut` turns "still running" into a diagnosis of where each initiator got stuck.
 */
export function judgeProvisioning(boards: readonly FollowedBoard[], timedOut = false): ProvisioningVerdict {
  const initiators = boards.filter((b) => b.role === 'initiator');
  const responder = boards.find((b) => b.role === 'responder');
  const ips = new Map<string, string>();
  for (const i of initiators) if (i.state.status === 'provisioned' && i.state.ip) ips.set(i.name, i.state.ip);
  if (initiators.length > 0 && ips.size === initiators.length) return { kind: 'succeeded', ips };

  const reasons: string[] = [];
  for (const i of initiators) {
    if (i.state.status === 'provisioned') continue;
    if (i.state.status === 'failed') reasons.push(`${i.name}: ${describeBoardState(i.state)}${responderHint(responder, i)}`);
    else if (timedOut) reasons.push(`${i.name}: timed out while ${describeBoardState(i.state)}${stuckHint(i.state, responder)}`);
  }
  if (responder?.state.status === 'failed') {
    // Without a responder no initiator can get credentials: waiting for them to time out only hides why.
    reasons.push(`${responder.name}: ${describeBoardState(responder.state)}`);
    return { kind: 'failed', reasons };
  }
  const allDecided = initiators.every((i) => i.state.status === 'provisioned' || i.state.status === 'failed');
  if (reasons.length > 0 && (allDecided || timedOut)) return { kind: 'failed', reasons };
  if (timedOut) return { kind: 'failed', reasons: reasons.length ? reasons : ['timed out before any initiator reported progress'] };
  return { kind: 'running' };
}

function responderHint(responder: FollowedBoard | undefined, i: FollowedBoard): string {
  const r = responder?.state.lastRejection;
  return r ? ` (the responder rejected a device: ${r.reason.replace(/_/g, ' ')}${r.from ? ` from ${r.from}` : ''})` : i.state.reason === 'scan_timeout' && responder?.state.status === 'beaconEnded' ? ' (the responder had stopped beaconing)' : '';
}

function stuckHint(s: BoardState, responder: FollowedBoard | undefined): string {
  if (s.status === 'unknown') return ': no log from the firmware (not flashed, wrong monitor baud, or held in reset?)';
  if (s.status === 'scanning' && responder && responder.state.status !== 'beaconing') return `: the responder is ${describeBoardState(responder.state)}`;
  if (s.status === 'requestSent' && responder?.state.lastRejection) return `: the responder rejected it (${responder.state.lastRejection.reason.replace(/_/g, ' ')})`;
  return '';
}
