import type { BacktraceFrame, PanicMarker } from './log-line-parser';

/** Role a board plays in a provisioning. */
export type ProvisionRole = 'responder' | 'initiator';

/** Where an event was recognised: our firmware's PROV_EVT line, the seed example's prose, or ESP-IDF's own lines. */
export type EventSource = 'prov-evt' | 'seed' | 'idf' | 'rom';

/** Fields every event carries. */
export interface EventMeta {
  readonly source: EventSource;
  /** The line's timestamp (ms since boot or since midnight), when it had one. */
  readonly timestampMs?: number;
}

/**
 * A provisioning milestone seen in a board's log. One union for both roles, so the tree, the summary, the
 * CLI and the workflow's state machine read the same thing.
 */
export type ProvisionEvent = EventMeta &
  (
    | { readonly type: 'boot'; readonly role?: ProvisionRole; readonly mode?: string; readonly mac?: string; readonly version?: string; readonly resetReason?: string }
    | { readonly type: 'beaconStart'; readonly channel?: number; readonly windowMs?: number; readonly intervalMs?: number }
    | { readonly type: 'beaconEnd'; readonly sent?: number }
    | { readonly type: 'scanStart'; readonly channels?: string; readonly timeoutMs?: number }
    | { readonly type: 'responderFound'; readonly mac: string; readonly channel?: number; readonly rssi?: number }
    | { readonly type: 'responderSkipped'; readonly mac: string; readonly reason?: string }
    | { readonly type: 'requestSent'; readonly to?: string }
    | { readonly type: 'requestReceived'; readonly from?: string }
    | { readonly type: 'authRejected'; readonly from?: string; readonly reason: string }
    | { readonly type: 'credentialsSent'; readonly to?: string }
    | { readonly type: 'credentialsReceived'; readonly ssid?: string; readonly from?: string }
    | { readonly type: 'wifiConnecting'; readonly ssid?: string }
    | { readonly type: 'wifiConnected'; readonly ssid?: string; readonly bssid?: string; readonly channel?: number }
    | { readonly type: 'wifiDisconnected'; readonly reason?: number }
    | { readonly type: 'gotIp'; readonly ip: string; readonly mask?: string; readonly gw?: string }
    | { readonly type: 'failed'; readonly reason: string; readonly detail?: string }
    | { readonly type: 'panic'; readonly marker: PanicMarker; readonly detail: string; readonly backtrace?: readonly BacktraceFrame[] }
  );

/** The `type` names of {@link ProvisionEvent}. */
export type ProvisionEventType = ProvisionEvent['type'];

/** Narrows the union to one member: `EventOf<'gotIp'>`. */
export type EventOf<T extends ProvisionEventType> = Extract<ProvisionEvent, { type: T }>;
