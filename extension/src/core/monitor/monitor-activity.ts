import type { BoardActivity } from '../boards/board';
import { describeBoardState, type BoardState } from './board-state';

/** What the tree shows for a monitored board: the goal and failures stand out, the rest is detail. */
export function activityFromMonitorState(state: BoardState): BoardActivity {
  if (state.status === 'provisioned' && state.ip) return { kind: 'provisioned', ip: state.ip };
  if (state.status === 'failed') return { kind: 'failed', reason: describeBoardState(state) };
  return { kind: 'monitoring', detail: state.status === 'unknown' ? undefined : describeBoardState(state) };
}
