import type { Disposable } from '../common/disposable';
import type { Event } from '../common/emitter';
import type { BoardSourceKind, DetectedPort } from './detected-port';

/**
 * A place boards come from: USB ports, RFC2217 endpoints from settings, the virtual lab. Discovery asks
 * each source for a snapshot and diffs it; a source that learns of a change sooner than the next poll
 * (lab control events, settings changes) fires `onDidChange` to trigger a rescan at once.
 */
export interface DiscoverySource extends Disposable {
  readonly kind: BoardSourceKind;
  scan(): Promise<DetectedPort[]>;
  readonly onDidChange?: Event<void>;
}
