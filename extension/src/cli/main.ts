import { installRootOf, productPaths } from '../core/common/product-paths';
import { asksForHelp, processIo, type CliIo } from './cli-io';
import { reportError } from './error-report';
import { labPrograms } from '../lab/lab-programs';
import { BOARDS_USAGE, runBoardsCommand } from './commands/boards';
import { DEMO_USAGE, runDemoCommand } from './commands/demo';
import { LAB_USAGE, runLabCommand } from './commands/lab';
import { PROVISION_USAGE, runProvisionCommand, UPDATE_USAGE } from './commands/provision';
import { FLASH_USAGE, runFlashCommand } from './commands/flash';
import { IDENTIFY_USAGE, runIdentifyCommand } from './commands/identify';
import { MONITOR_USAGE, runMonitorCommand } from './commands/monitor';
import { NVS_DUMP_USAGE, NVS_IMAGE_USAGE, runNvsDumpCommand, runNvsImageCommand } from './commands/nvs';

/** The installed product's files, from this bundle's own folder (never the working folder). */
const paths = productPaths(installRootOf(__dirname));

type Command = { usage: string; run: (args: string[], io: CliIo) => Promise<number> };

const COMMANDS: Record<string, Command> = {
  boards: { usage: BOARDS_USAGE, run: (a, io) => runBoardsCommand(a, io) },
  identify: { usage: IDENTIFY_USAGE, run: (a, io) => runIdentifyCommand(a, io) },
  flash: { usage: FLASH_USAGE, run: (a, io) => runFlashCommand(a, io) },
  monitor: { usage: MONITOR_USAGE, run: (a, io) => runMonitorCommand(a, io) },
  demo: { usage: DEMO_USAGE, run: (a, io) => runDemoCommand(a, io, { paths }) },
  provision: { usage: PROVISION_USAGE, run: (a, io) => runProvisionCommand(a, io, { paths }) },
  update: { usage: UPDATE_USAGE, run: (a, io) => runProvisionCommand(a, io, { paths }, { updateOnly: true }) },
  lab: { usage: LAB_USAGE, run: (a, io) => runLabCommand(a, io, { programs: labPrograms }) },
  'nvs-image': { usage: NVS_IMAGE_USAGE, run: (a, io) => runNvsImageCommand(a, io) },
  'nvs-dump': { usage: NVS_DUMP_USAGE, run: (a, io) => runNvsDumpCommand(a, io) },
};

/** Every command `espnow-prov` takes, in the order its usage lists them. */
export const COMMAND_NAMES: readonly string[] = Object.keys(COMMANDS);

function usage(): string {
  return ['espnow-prov: ESP-NOW provisioning from the command line.', '', 'Commands:', ...Object.values(COMMANDS).map((c) => `  ${c.usage.split('\n').join('\n  ')}`)].join('\n');
}

/** Runs one CLI invocation; returns the exit code (kinds of errors map to stable codes). */
export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (!name) {
    io.err(usage());
    return 2;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    const topic = rest[0] === undefined ? undefined : COMMANDS[rest[0]];
    io.out(topic ? `Usage: ${topic.usage}` : usage());
    return 0;
  }
  const cmd = COMMANDS[name];
  if (!cmd) {
    io.err(`espnow-prov: unknown command "${name}".\n\n${usage()}`);
    return 2;
  }
  if (asksForHelp(rest)) {
    io.out(`Usage: ${cmd.usage}`);
    return 0;
  }
  try {
    return await cmd.run(rest, io);
  } catch (e) {
    return reportError(name, cmd.usage, e, io);
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      console.error(e);
      process.exitCode = 70;
    },
  );
}
