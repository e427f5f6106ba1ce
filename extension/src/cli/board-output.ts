import type { MonitorSession } from '../core/monitor/monitor-session';
import type { CliIo } from './cli-io';

/**
 * Prints a board's monitor output with its name in front, so several boards' logs can share one terminal:
 * responder lines in magenta, initiators in cyan. The text is already redacted and colorized.
 */
export function printTagged(session: MonitorSession, name: string, role: 'responder' | 'initiator', io: CliIo): void {
  const tag = `\x1b[${role === 'responder' ? 35 : 36}m${name.padEnd(12)}\x1b[0m│ `;
  session.pipeline.onDidRender((text) => io.out(text.replace(/\r\n$/, '').split('\r\n').map((l) => tag + l).join('\n')));
}

export const secs = (ms: number | undefined): string => (ms === undefined ? '-' : `${(ms / 1000).toFixed(1)} s`);
