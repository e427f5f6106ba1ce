import { stripAnsi } from '../core/monitor/ansi';
import type { MonitorSession } from '../core/monitor/monitor-session';
import type { CliIo } from './cli-io';

/**
 * Prints a board's monitor output with its name in front, so several boards' logs can share one terminal:
 * on a color terminal responder tags in magenta, initiators in cyan, the log in the colorizer's colors;
 * elsewhere (a pipe, a file, NO_COLOR) plain text, the firmware's own colors removed too. The text is
 * already redacted.
 */
export function printTagged(session: MonitorSession, name: string, role: 'responder' | 'initiator', io: CliIo): void {
  const tag = io.color ? `\x1b[${role === 'responder' ? 35 : 36}m${name.padEnd(12)}\x1b[0m│ ` : `${name.padEnd(12)}│ `;
  printLines(session, io, tag);
}

/** One board's monitor output as it comes, `prefix` before each line (printTagged's name, or nothing). */
export function printLines(session: MonitorSession, io: CliIo, prefix = ''): void {
  const plain = (text: string) => (io.color ? text : stripAnsi(text));
  session.pipeline.onDidRender((text) => io.out(plain(text).replace(/\r\n$/, '').split('\r\n').map((l) => prefix + l).join('\n')));
}

export const secs = (ms: number | undefined): string => (ms === undefined ? '-' : `${(ms / 1000).toFixed(1)} s`);
