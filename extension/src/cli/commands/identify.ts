import { exitCodeOf } from '../../core/common/errors';
import { identifyBoards, type IdentifyOptions, type IdentifyOutcome } from '../../core/flash/identify';
import { checkPorts } from '../../core/config/input-checks';
import { CliUsageError, parseArgs, type CliIo } from '../cli-io';
import { formatDuration } from '../flash-progress-view';

export const IDENTIFY_USAGE = `espnow-prov identify PORT... [--json] [--verbose]
  Asks each board's ROM bootloader, in parallel, for its chip, revision, MAC, flash size, crystal and
  features, then resets it back into its firmware.`;

/** Seams for tests; the defaults are the real serial stack. */
export type IdentifyCommandDeps = Pick<IdentifyOptions, 'openLink' | 'connect' | 'arbiter' | 'romBaud'>;

/** `espnow-prov identify`: one line per board (or JSON), errors per board on stderr. */
export async function runIdentifyCommand(args: readonly string[], io: CliIo, deps: IdentifyCommandDeps = {}): Promise<number> {
  const { flags, positional } = parseArgs(args, ['json', 'verbose'], []);
  if (positional.length === 0) throw new CliUsageError('Name at least one port (e.g. /dev/ttyUSB0 or rfc2217://127.0.0.1:4000).');
  checkPorts(positional.map((path) => ({ name: 'The port list', path })));
  const started = performance.now();
  const outcomes = await identifyBoards(positional, { ...deps, log: flags.has('verbose') ? (l) => io.err(l) : undefined });
  const elapsed = (performance.now() - started) / 1000;
  if (flags.has('json')) {
    io.out(JSON.stringify(outcomes.map((o) => (o.error ? { path: o.path, error: { kind: o.error.kind, message: o.error.describe() } } : o.result)), null, 2));
  } else {
    for (const o of outcomes) (o.error ? io.err : io.out)(describeOutcome(o));
    io.out(`${outcomes.length} board(s) in ${formatDuration(elapsed)}.`);
  }
  const failed = outcomes.find((o) => o.error);
  return failed?.error ? exitCodeOf[failed.error.kind] : 0;
}

/** "rfc2217://…  ESP32-S3 (QFN56) (revision v0.2)  MAC 24:0a:…  flash 4MB  40MHz  Wi-Fi, BLE" */
export function describeOutcome(o: IdentifyOutcome): string {
  if (o.error) return `failed  ${o.error.describe()}`;
  const r = o.result!;
  const c = r.chipInfo;
  const parts = [r.description, `MAC ${c.mac}`, c.flashSize ? `flash ${c.flashSize}` : 'flash size unknown', c.crystal ?? '', (c.features ?? []).join(', ')];
  return `${r.path.padEnd(28)} ${parts.filter(Boolean).join('  ')}`;
}
