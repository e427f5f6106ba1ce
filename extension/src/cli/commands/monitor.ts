import { checkLogFolder, checkPorts, checkWholeNumber } from '../../core/config/input-checks';
import { MonitorLogFile } from '../../core/monitor/monitor-log-file';
import { MonitorSession } from '../../core/monitor/monitor-session';
import { Redactor, type Secret } from '../../core/monitor/redactor';
import { openSerialLink } from '../../core/serial/link-factory';
import { PortArbiter } from '../../core/serial/port-arbiter';
import type { SerialLinkFactory } from '../../core/serial/serial-link';
import { resolve } from 'node:path';
import { PAIR_KEY_PATTERN } from '../../core/config/pair-keys';
import { printLines } from '../board-output';
import { defaultSecretsDir, FileSecretStore } from '../file-secret-store';
import { CliUsageError, parseArgs, untilSignal, type CliIo } from '../cli-io';

export const MONITOR_USAGE = `espnow-prov monitor PORT [--baud N] [--role responder|initiator] [--reset] [--log-dir DIR] [--secrets-dir DIR]
  One board's serial output, as the editor's monitor shows it: ESP-IDF log colors (plain text when piped or
  with NO_COLOR), reconnecting after an unplug. Redacted: ESPNOW_WIFI_PASSWORD and ESPNOW_PAIR_KEY when set,
  and every fleet key provision keeps in --secrets-dir (default ~/.config/espnow-prov/secrets).
  --baud N (default 115200); --role names the board's part so PROV_EVT lines are read as its; --reset
  restarts the board into its firmware first; --log-dir DIR also writes DIR/<port>-<time>.log (redacted, no
  colors, host time). Runs until Ctrl+C.`;

export interface MonitorCommandDeps {
  /** Resolves when the command should stop; default: SIGINT or SIGTERM. */
  readonly untilStopped?: () => Promise<void>;
  readonly env?: NodeJS.ProcessEnv;
  readonly openLink?: SerialLinkFactory;
}

/** `espnow-prov monitor`: one board's monitor in the foreground, until interrupted. */
export async function runMonitorCommand(args: readonly string[], io: CliIo, deps: MonitorCommandDeps = {}): Promise<number> {
  const { opts, flags, positional } = parseArgs(args, ['reset'], ['baud', 'role', 'log-dir', 'secrets-dir']);
  if (positional.length !== 1) throw new CliUsageError(positional.length === 0 ? 'Name the port to monitor (e.g. /dev/ttyUSB0 or rfc2217://127.0.0.1:4000).' : `monitor takes one port; got ${positional.length}: ${positional.join(' ')}.`);
  const [path] = checkPorts([{ name: 'PORT', path: positional[0] }]);
  const baudRate = checkWholeNumber(opts.get('baud')?.at(-1) ?? 115200, '--baud', 300, 5_000_000);
  const role = opts.get('role')?.at(-1);
  if (role !== undefined && role !== 'responder' && role !== 'initiator') throw new CliUsageError(`--role "${role}" must be responder or initiator.`);
  const logDirText = opts.get('log-dir')?.at(-1);
  const logDir = logDirText === undefined ? undefined : checkLogFolder(logDirText, '--log-dir');

  const env = deps.env ?? process.env;
  const secrets: Secret[] = [];
  if (env.ESPNOW_WIFI_PASSWORD) secrets.push({ kind: 'password', value: env.ESPNOW_WIFI_PASSWORD });
  if (env.ESPNOW_PAIR_KEY) secrets.push({ kind: 'pair-key', value: env.ESPNOW_PAIR_KEY });
  const secretDir = resolve(opts.get('secrets-dir')?.at(-1) ?? defaultSecretsDir());
  for (const key of new FileSecretStore(secretDir).all()) if (PAIR_KEY_PATTERN.test(key)) secrets.push({ kind: 'pair-key', value: key });
  const session = new MonitorSession({ path, baudRate, arbiter: new PortArbiter(), openLink: deps.openLink ?? openSerialLink, pipeline: { redactor: new Redactor(secrets), ...(role ? { role } : {}) } });
  try {
    printLines(session, io);
    const log = logDir ? MonitorLogFile.inFolder(logDir, session.pipeline, { board: path, port: path, baud: baudRate }, { onError: (e) => io.err(e.describe()) }) : undefined;
    if (log) io.err(`monitor log ${log.path}`);
    try {
      await session.start();
      if (flags.has('reset')) await session.resetBoard();
      await (deps.untilStopped ?? untilSignal)();
      session.pipeline.flush();
    } finally {
      await log?.close();
    }
  } finally {
    session.dispose();
  }
  return 0;
}
