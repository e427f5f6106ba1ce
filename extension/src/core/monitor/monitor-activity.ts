import type { BoardActivity } from '../boards/board';
import { describeBoardState, type BoardState } from './board-state';

/** What the tree shows for a monitored board: the goal and failures stand out, the rest is detail. */
export function activityFromMonitorState(state: BoardState): BoardActivity {
  if (state.status === 'provisioned' && state.ip) return { kind: 'provisioned', ip: state.ip };
  // The reason itself, not its description: the tree words it once ("failed: …"), from the reasons table.
  if (state.status === 'failed') return { kind: 'failed', reason: state.reason ?? 'internal', ...(state.detail ? { detail: state.detail } : {}) };
  return { kind: 'monitoring', detail: state.status === 'unknown' ? undefined : describeBoardState(state) };
}
