import { statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ControlServer } from '../../lab/control-server';
import { parseChipKind } from '../../lab/board-identity';
import { Lab } from '../../lab/lab';
import type { LabBoardInfo, ProgramsFactory } from '../../lab/lab-types';
import { ProvisionError } from '../../core/common/errors';
import { CliUsageError, parseArgs, untilSignal, type CliIo } from '../cli-io';

export const LAB_USAGE = `espnow-prov lab [--boards N] [--chip esp32|esp32s3|esp32c3] [--state-dir DIR] [--verbose]
  Starts N virtual boards (default: the boards of the last run in DIR, else 2), each an RFC2217 port on
  127.0.0.1 that esptool, esptool-js and this extension can flash and monitor (on Linux, only for your
  user). Runs until Ctrl+C.
  DIR (default ~/.espnow-prov/lab) keeps each board's flash, so boards keep their firmware.`;

/** Upper bound for --boards: each board is a server, a 4 MB flash file and maybe a firmware process. */
const MAX_BOARDS = 32;

export interface LabCommandDeps {
  /**
   * The chip programs (ROM loader, boot from flash): the composition root passes the lab's real ones
   * (createBootloader + bootFromFlash), tests pass stand-ins.
   */
  readonly programs: ProgramsFactory;
  /** Resolves when the command should stop; default: SIGINT or SIGTERM. */
  readonly untilStopped?: () => Promise<void>;
}

/** `espnow-prov lab`: runs a virtual lab in the foreground, one line per board, until interrupted. */
export async function runLabCommand(args: string[], io: CliIo, deps: LabCommandDeps): Promise<number> {
  const { opts, flags, positional } = parseArgs(args, ['verbose'], ['boards', 'chip', 'state-dir']);
  if (positional.length > 0) throw new CliUsageError(`Unexpected argument "${positional[0]}".`);
  const boardsText = opts.get('boards')?.at(-1);
  let count: number | undefined;
  if (boardsText !== undefined) {
    count = Number(boardsText);
    if (!/^\d+$/.test(boardsText) || count < 1 || count > MAX_BOARDS) throw new CliUsageError(`--boards "${boardsText}" must be a whole number from 1 to ${MAX_BOARDS}.`);
  }
  const chipText = opts.get('chip')?.at(-1);
  let chip;
  try {
    chip = chipText === undefined ? undefined : parseChipKind(chipText, '--chip');
  } catch (e) {
    throw new CliUsageError(e instanceof Error ? e.message.replace(/\.$/, '') + ' (use esp32, esp32s3 or esp32c3).' : String(e));
  }
  const stateDir = path.resolve(opts.get('state-dir')?.at(-1) ?? path.join(os.homedir(), '.espnow-prov', 'lab'));
  if (statSync(stateDir, { throwIfNoEntry: false })?.isDirectory() === false) {
    throw new ProvisionError('config', `--state-dir ${stateDir} is a file, not a folder.`, undefined, 'Name a folder (it is made if missing): the lab keeps each board\'s flash there.');
  }
  const programs = deps.programs;
  const boards = count === undefined && chip === undefined ? undefined : Array.from({ length: count ?? 2 }, () => ({ chip: chip ?? 'esp32s3' as const }));
  const lab = await Lab.start({ stateDir, boards, programs, log: flags.has('verbose') ? (m) => io.err(m) : undefined });
  let control: ControlServer | undefined;
  try {
    if ((await lab.listBoards()).length === 0) {
      await lab.createBoard({ chip: 'esp32s3' });
      await lab.createBoard({ chip: 'esp32s3' });
    }
    control = await ControlServer.listen(lab, stateDir);
    io.out(`Virtual lab in ${stateDir} (control socket ${control.socketPath})`);
    for (const b of await lab.listBoards()) io.out(formatBoard(b));
    io.out('Press Ctrl+C to stop.');
    await (deps.untilStopped ?? untilSignal)();
    io.out('Stopping the lab…');
    return 0;
  } finally {
    control?.dispose();
    lab.dispose();
  }
}

/** `board 1  ESP32-S3  24:0a:c4:00:00:01  rfc2217://127.0.0.1:40123` */
export function formatBoard(b: LabBoardInfo): string {
  return `board ${b.index}  ${b.chipLabel.padEnd(8)}  ${b.mac}  ${b.url}`;
}
