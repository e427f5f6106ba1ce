import { FIRMWARE_NOT_STARTED } from '../monitor/lab-boot-line';
import { exitCodeOf, isProvisionError, type ErrorKind } from '../common/errors';
import { suggestsWrongPassword, wifiReasonText } from '../monitor/wifi-reason';

/** Where in a run a reason arises. */
export type FailureStage = 'build' | 'flash' | 'boot' | 'exchange' | 'wifi' | 'run';

/** What every front end needs to say about a reason: the tree, notifications, CLI text and exit codes. */
export interface ReasonInfo {
  readonly stage: FailureStage;
  /** What happened, in words for messages and tooltips ("no responder found before the scan timed out"). */
  readonly text: string;
  /** The same in at most 22 characters, for a tree row beside a board's name at the default sidebar width. */
  readonly short: string;
  /** What to do about it, after the text in notifications and the CLI. */
  readonly hint?: string;
  /** The error kind, which picks the CLI exit code; absent for outcomes that are no fault. */
  readonly kind?: ErrorKind;
  /**
   * How a detail joins the text: `aside` "text (detail)" (default), `story` "text: detail" (the detail is the
   * whole story), `after` "text detail", `own` the detail alone (an error that already says it in its words).
   */
  readonly detail?: 'aside' | 'story' | 'after' | 'own';
}

/**
 * Every reason a board's run can end with, once. The firmware's names (firmware/core/epv_fail.h, carried by
 * `failed reason=<name>` lines), the ones the lab and the monitor find in a log, the ones a run's own stages
 * produce (one per error kind), and the outcomes that are no fault. A new firmware reason is one line in
 * epv_fail.h and one entry here.
 */
export const REASONS = {
  // The firmware (epv_fail.h).
  internal: { stage: 'run', text: 'internal error', short: 'internal error', hint: 'This is a bug: please report it with the log.', kind: 'internal' },
  scan_timeout: { stage: 'exchange', text: 'no responder found before the scan timed out', short: 'no responder heard', hint: 'Is the responder on, in range, in the same security mode and still beaconing?', kind: 'timeout' },
  no_credentials: { stage: 'exchange', text: 'no credentials received', short: 'no credentials', hint: 'Give every board of the fleet the same pair key and security mode.', kind: 'auth-rejected' },
  wifi_timeout: { stage: 'wifi', text: 'the access point did not answer the join in time', short: 'AP did not answer', hint: 'Is the network in range?', kind: 'timeout' },
  dhcp_timeout: { stage: 'wifi', text: 'joined the network but got no IP address', short: 'no IP from DHCP', hint: 'Check the network\'s DHCP server.', kind: 'timeout' },
  wifi_join_error: { stage: 'wifi', text: 'the Wi-Fi driver refused to join', short: 'Wi-Fi join refused', kind: 'firmware' },
  window_expired: { stage: 'exchange', text: 'the beacon window ended before any initiator was served', short: 'beacon window ended', hint: 'Start the initiators while the responder beacons, or give it a longer beacon window.', kind: 'timeout' },
  // Found in a board's log by the monitor (a lab line, our firmware's boot check, ESP-IDF's panic).
  firmware_not_started: { stage: 'boot', text: FIRMWARE_NOT_STARTED, short: 'firmware did not start', hint: 'Build and flash again.', kind: 'firmware', detail: 'story' },
  config_error: { stage: 'boot', text: 'the firmware stopped at boot', short: 'bad config at boot', hint: 'Fix the setting it names and build again.', kind: 'config', detail: 'story' },
  panic: { stage: 'boot', text: 'the firmware crashed', short: 'firmware crashed', kind: 'firmware' },
  // A run's own stages, one per error kind: the error already says what and where, in its own words.
  config: { stage: 'run', text: 'a setting is missing or invalid', short: 'bad setting', kind: 'config', detail: 'own' },
  port_busy: { stage: 'flash', text: 'the port is busy', short: 'port busy', kind: 'port-busy', detail: 'own' },
  port_missing: { stage: 'flash', text: 'the port is gone', short: 'port gone', kind: 'port-missing', detail: 'own' },
  port_io: { stage: 'flash', text: 'the connection dropped', short: 'connection dropped', kind: 'port-io', detail: 'own' },
  bootloader_silent: { stage: 'flash', text: 'the ROM bootloader did not answer', short: 'bootloader silent', kind: 'bootloader-silent', detail: 'own' },
  protocol: { stage: 'flash', text: 'the bootloader answered out of protocol', short: 'protocol error', kind: 'protocol', detail: 'own' },
  checksum: { stage: 'flash', text: 'the flash did not verify', short: 'flash not verified', kind: 'checksum', detail: 'own' },
  timeout: { stage: 'run', text: 'timed out', short: 'timed out', kind: 'timeout', detail: 'after' },
  cancelled: { stage: 'run', text: 'cancelled', short: 'cancelled', kind: 'cancelled', detail: 'after' },
  build: { stage: 'build', text: 'the firmware build failed', short: 'build failed', kind: 'build', detail: 'own' },
  auth_rejected: { stage: 'exchange', text: 'the responder rejected this device', short: 'rejected by responder', hint: 'Check the pair key and the security mode.', kind: 'auth-rejected' },
  ap_rejected: { stage: 'wifi', text: 'the access point refused the join', short: 'AP refused join', kind: 'ap-rejected' },
  not_implemented: { stage: 'run', text: 'not implemented yet', short: 'not implemented', kind: 'not-implemented', detail: 'own' },
  firmware: { stage: 'boot', text: 'the firmware stopped', short: 'firmware stopped', kind: 'firmware', detail: 'own' },
  // Outcomes that are no fault.
  provisioned: { stage: 'wifi', text: 'provisioned', short: 'provisioned' },
  served: { stage: 'exchange', text: 'served the initiators', short: 'served' },
  unaffected: { stage: 'run', text: 'no fault of its own', short: 'not at fault' },
} as const satisfies Record<string, ReasonInfo>;

/** A reason in {@link REASONS}, or `wifi_reason_<n>` (an ESP-IDF disconnect reason the AP kept giving). */
export type Reason = keyof typeof REASONS | `wifi_reason_${number}`;

/** How one board's run ended: a reason from the table and what the board or stage said about it. */
export interface BoardOutcome {
  /** The board's name in this run ("responder", "initiator 2"), or "all boards" for a run-wide cause. */
  readonly board: string;
  /** A key of the table; a newer firmware's unknown name passes through and reads as its words. */
  readonly reason: string;
  readonly detail?: string;
}

/** The table's entry for `reason`; `wifi_reason_<n>` is spelled out from ESP-IDF's table, unknown names read as words. */
export function reasonInfo(reason: string): ReasonInfo {
  const known = (REASONS as Record<string, ReasonInfo>)[reason];
  if (known) return known;
  const wifi = /^wifi_reason_(\d+)$/.exec(reason);
  if (wifi) {
    const code = Number(wifi[1]);
    const short = suggestsWrongPassword(code) ? 'password refused?' : code === WIFI_NO_AP_FOUND ? 'network not found' : `Wi-Fi reason ${code}`;
    return { stage: 'wifi', text: wifiReasonText(code), short, kind: 'ap-rejected', ...(suggestsWrongPassword(code) ? { hint: 'Check the Wi-Fi password the responder holds.' } : {}) };
  }
  const words = reason.replace(/_/g, ' ');
  return { stage: 'run', text: words, short: words.length > 22 ? `${words.slice(0, 21)}…` : words, kind: 'internal' };
}

/** The reason an error of a run's own stages stands for: its kind, in the table's spelling ('internal' for a non-ProvisionError). */
export function reasonOfError(e: unknown): Reason {
  return isProvisionError(e) ? (e.kind.replace(/-/g, '_') as Reason) : 'internal';
}

/** ESP-IDF's WIFI_REASON_NO_AP_FOUND. */
const WIFI_NO_AP_FOUND = 201;

/** "no responder heard": a reason in a tree row's few characters; the whole text goes in its tooltip. */
export function shortFailureText(reason: string): string {
  return reasonInfo(reason).short;
}

/** "no responder found before the scan timed out (no_beacon_heard)": the reason's text with its detail. */
export function failureText(reason: string, detail?: string): string {
  const info = reasonInfo(reason);
  if (!detail) return info.text;
  switch (info.detail ?? 'aside') {
    case 'story':
      return `${info.text}: ${detail}`;
    case 'after':
      return `${info.text} ${detail}`;
    case 'own':
      return detail;
    case 'aside':
      return `${info.text} (${detail})`;
  }
}

/** Whether an outcome is a fault (every failure reason has an error kind; the no-fault outcomes have none). */
export function isFault(o: BoardOutcome): boolean {
  return reasonInfo(o.reason).kind !== undefined;
}

/** One line for a notification or the CLI: "initiator 1: no credentials received (…). Give every board…". */
export function describeOutcome(o: BoardOutcome): string {
  const info = reasonInfo(o.reason);
  return `${o.board}: ${failureText(o.reason, o.detail)}${info.hint ? `. ${info.hint}` : ''}`;
}

/** The CLI exit code for a set of outcomes: the first fault's kind decides; 0 when there is none. */
export function exitCodeOfOutcomes(outcomes: readonly BoardOutcome[]): number {
  const kind = outcomes.map((o) => reasonInfo(o.reason).kind).find((k) => k !== undefined);
  return kind ? exitCodeOf[kind] : 0;
}
