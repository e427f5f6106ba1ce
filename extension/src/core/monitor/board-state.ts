import type { ProvisionEvent, ProvisionRole } from './provision-event';
import { failureText } from '../provision/failure-reasons';
import { wifiReasonText } from './wifi-reason';

/** Where a board stands in a provisioning, as the tree shows it. */
export type BoardStatus =
  | 'unknown' // nothing recognised yet
  | 'booted'
  | 'beaconing' // responder: broadcasting beacons
  | 'beaconEnded' // responder: beacon window over
  | 'scanning' // initiator: looking for a responder
  | 'responderFound'
  | 'requestSent'
  | 'requestReceived'
  | 'credentialsSent' // responder: done its part
  | 'credentialsReceived'
  | 'connecting'
  | 'connected' // associated with the AP, no IP yet
  | 'disconnected'
  | 'provisioned' // got an IP: the goal
  | 'failed';

/** A board's state, derived from its events only: pure data, so the tree, CLI and tests agree. */
export interface BoardState {
  readonly status: BoardStatus;
  readonly role?: ProvisionRole;
  readonly mode?: string;
  readonly peer?: string;
  readonly ssid?: string;
  readonly rssi?: number;
  readonly ip?: string;
  /** `failed`: a reason of core/provision/failure-reasons.ts (`scan_timeout`, `wifi_reason_15`, `panic`, ...). */
  readonly reason?: string;
  readonly detail?: string;
  /** The latest Wi-Fi disconnect reason code, kept while the board retries. */
  readonly lastDisconnectReason?: number;
  /** The latest rejection a responder reported (it keeps beaconing after one). */
  readonly lastRejection?: { readonly from?: string; readonly reason: string };
}

export const INITIAL_BOARD_STATE: BoardState = { status: 'unknown' };

/** One step of the reducer: the state after `event`. */
export function reduceBoardState(state: BoardState, event: ProvisionEvent): BoardState {
  switch (event.type) {
    case 'boot':
      // A reboot starts over, but a ROM reset line does not know the role: keep what we knew.
      return update({ status: 'booted' }, {}, { role: event.role ?? state.role, mode: event.mode ?? state.mode });
    case 'beaconStart':
      return update(state, { status: 'beaconing', role: 'responder' });
    case 'beaconEnd':
      return state.status === 'beaconing' ? update(state, { status: 'beaconEnded' }) : state;
    case 'scanStart':
      return update(state, { status: 'scanning', role: 'initiator' });
    case 'responderFound':
      return update(state, { status: 'responderFound', role: 'initiator', peer: event.mac }, { rssi: event.rssi });
    case 'responderSkipped':
      // It left every request unanswered (another fleet's, another key): the initiator scans on for another.
      return update(state, { status: 'scanning', peer: undefined, rssi: undefined });
    case 'requestSent':
      return update(state, { status: 'requestSent' }, { peer: event.to ?? state.peer });
    case 'requestReceived':
      return update(state, { status: 'requestReceived', role: 'responder' }, { peer: event.from });
    case 'authRejected':
      return update(state, { lastRejection: event.from !== undefined ? { reason: event.reason, from: event.from } : { reason: event.reason } });
    case 'credentialsSent':
      return update(state, { status: 'credentialsSent' }, { peer: event.to ?? state.peer });
    case 'credentialsReceived':
      return update(state, { status: 'credentialsReceived', role: 'initiator' }, { ssid: event.ssid, peer: event.from ?? state.peer });
    case 'wifiConnecting':
      return isTerminal(state) ? state : update(state, { status: 'connecting' }, { ssid: event.ssid ?? state.ssid });
    case 'wifiConnected':
      return update(state, { status: 'connected' }, { ssid: event.ssid ?? state.ssid });
    case 'wifiDisconnected': {
      const next = update(state, {}, { lastDisconnectReason: event.reason ?? state.lastDisconnectReason });
      return state.status === 'failed' ? next : Object.assign(next, { status: 'disconnected', ip: undefined });
    }
    case 'gotIp':
      return update(state, { status: 'provisioned', ip: event.ip, reason: undefined, detail: undefined });
    case 'failed':
      return update(state, { status: 'failed', reason: event.reason }, { detail: event.detail });
    case 'panic':
      // The first panic line says what happened; later ones (backtrace, register dump) add nothing to the tree.
      return state.status === 'failed' && state.reason === 'panic' ? state : update(state, { status: 'failed', reason: 'panic', detail: event.detail });
  }
}

/** Folds events into the board's state, starting from `initial` (default: nothing known). */
export function boardStateFromEvents(events: Iterable<ProvisionEvent>, initial: BoardState = INITIAL_BOARD_STATE): BoardState {
  let s = initial;
  for (const e of events) s = reduceBoardState(s, e);
  return s;
}

/** One line for the tree item's description, e.g. "provisioned (192.168.1.100)". */
export function describeBoardState(state: BoardState): string {
  const lastDrop = state.lastDisconnectReason !== undefined ? ` (last: ${wifiReasonText(state.lastDisconnectReason)})` : '';
  switch (state.status) {
    case 'unknown':
      return 'waiting for the log';
    case 'booted':
      return state.role ? `booted as ${state.role}` : 'booted';
    case 'beaconing':
      return 'beaconing';
    case 'beaconEnded':
      return 'beacon window ended';
    case 'scanning':
      return 'scanning for a responder';
    case 'responderFound':
      return `responder found${state.peer ? ` (${state.peer}${state.rssi !== undefined ? `, ${state.rssi} dBm` : ''})` : ''}`;
    case 'requestSent':
      return 'credentials requested';
    case 'requestReceived':
      return `request received${state.peer ? ` from ${state.peer}` : ''}`;
    case 'credentialsSent':
      return `credentials sent${state.peer ? ` to ${state.peer}` : ''}`;
    case 'credentialsReceived':
      return `credentials received${state.ssid ? ` (${state.ssid})` : ''}`;
    case 'connecting':
      return `connecting to Wi-Fi${state.ssid ? ` ${state.ssid}` : ''}${lastDrop}`;
    case 'connected':
      return `connected${state.ssid ? ` to ${state.ssid}` : ''}, waiting for an IP`;
    case 'disconnected':
      return `disconnected: ${state.lastDisconnectReason !== undefined ? wifiReasonText(state.lastDisconnectReason) : 'reason not reported'}`;
    case 'provisioned':
      return `provisioned (${state.ip})`;
    case 'failed':
      return `failed: ${failureText(state.reason ?? 'internal', state.detail)}`;
  }
}

function isTerminal(state: BoardState): boolean {
  return state.status === 'provisioned' || state.status === 'failed';
}

/**
 * `{ ...state, ...changes, ...keep(kept) }`, where keep drops undefined values. Built with Object.assign
 * rather than spreads: in V8 (Node 20), adding keys to an object made by spreading takes hundreds of
 * nanoseconds, and the reducer runs at every event.
 */
function update(state: BoardState, changes: Partial<Mutable<BoardState>>, kept?: Partial<Mutable<BoardState>>): Mutable<BoardState> {
  const next: Mutable<BoardState> = Object.assign({}, state, changes);
  if (kept) {
    for (const k in kept) {
      const key = k as keyof BoardState;
      if (kept[key] !== undefined) (next as Record<string, unknown>)[key] = kept[key];
    }
  }
  return next;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
