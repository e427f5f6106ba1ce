import { failureText, isFault, reasonInfo, shortFailureText } from './failure-reasons';
import type { ProvisionResult, ProvisionStage } from './provision-workflow';

/**
 * A board's name in a run from the editor: its part ("responder", "initiator 2") and the board's own name,
 * "initiator 2 (kitchen sensor)", so messages and the CLI-like reasons say both.
 */
export function runBoardName(part: string, name: string): string {
  return `${part} (${name})`;
}

/** The two halves of runBoardName's text; a name of another shape ("all boards", the CLI's) is all part. */
export function splitRunBoardName(board: string): { readonly part: string; readonly name?: string } {
  const m = /^(responder|initiator(?: \d+)?) \((.+)\)$/.exec(board);
  return m ? { part: m[1], name: m[2] } : { part: board };
}

/** One board's line of a finished run: its name, how it ended in the failure table's words, its IP if it got one. */
export interface RunSummaryRow {
  /** The run's name for it: runBoardName's "initiator (kitchen sensor)", or "all boards". */
  readonly board: string;
  readonly fault: boolean;
  /** "IP 192.168.4.2", "served the initiators", "no credentials received (…)". */
  readonly text: string;
  /** The same in a few words for a narrow row: the bare IP, or the reason's short form ("no responder heard"). */
  readonly short: string;
  readonly ip?: string;
  /** What to do about a fault, from the failure table. */
  readonly hint?: string;
}

/** A finished Provision Pair / Fleet run as the Last Run view and notifications show it, kept until the next run. */
export interface RunSummary {
  readonly title: string;
  readonly outcome: ProvisionResult['outcome'];
  readonly stage: ProvisionStage;
  readonly endedAt: Date;
  /** "build 1.2 s · flash 3.4 s · provisioning 5.6 s": the stages that ran. */
  readonly times: string;
  readonly rows: readonly RunSummaryRow[];
}

const STAGE_NAMES: Partial<Record<ProvisionStage, string>> = { building: 'build', flashing: 'flash', monitoring: 'monitors', following: 'provisioning' };

/** Seconds per stage that ran, in run order. */
export function formatStageTimes(timings: ProvisionResult['timings']): string {
  return Object.entries(STAGE_NAMES)
    .filter(([stage]) => timings[stage as ProvisionStage] !== undefined)
    .map(([stage, name]) => `${name} ${(timings[stage as ProvisionStage]! / 1000).toFixed(1)} s`)
    .join(' · ');
}

/** Every board of a run, successes included (a fleet's two IPs as well as its one failure). */
export function summarizeRun(title: string, r: ProvisionResult, endedAt: Date): RunSummary {
  const rows = r.boards.map((o): RunSummaryRow => {
    const ip = o.reason === 'provisioned' ? (r.ips.get(o.board) ?? o.detail) : undefined;
    const hint = reasonInfo(o.reason).hint;
    return { board: o.board, fault: isFault(o), text: ip ? `IP ${ip}` : failureText(o.reason, o.detail), short: ip ?? shortFailureText(o.reason), ...(ip ? { ip } : {}), ...(hint && isFault(o) ? { hint } : {}) };
  });
  // A run cut short before any board was judged still says which boards got an IP.
  for (const [board, ip] of r.ips) if (!rows.some((row) => row.board === board)) rows.push({ board, fault: false, text: `IP ${ip}`, short: ip, ip });
  return { title, outcome: r.outcome, stage: r.stage, endedAt, times: formatStageTimes(r.timings), rows };
}
