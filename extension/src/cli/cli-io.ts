/** Where a CLI command writes; injected so tests can capture it. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  /** Whether `out` may carry ANSI colors: a terminal, and NO_COLOR unset. Absent means no. */
  readonly color?: boolean;
}

/**
 * Colors only on a terminal, and never when NO_COLOR is set to anything but '' (no-color.org), so pipes,
 * log files and CI see plain text.
 */
export function wantsColor(isTTY: boolean | undefined, env: NodeJS.ProcessEnv): boolean {
  return Boolean(isTTY) && !env.NO_COLOR;
}

export const processIo: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  color: wantsColor(process.stdout.isTTY, process.env),
};

/** Bold on a color terminal, plain elsewhere. */
export function bold(io: CliIo, text: string): string {
  return io.color ? `\x1b[1m${text}\x1b[0m` : text;
}

/** `--help` or `-h` anywhere in a command's arguments asks for its usage. */
export function asksForHelp(args: readonly string[]): boolean {
  return args.some((a) => a === '--help' || a === '-h');
}

/** Parses `--name value`, `--name=value` and `--flag`; positional arguments are returned in order. */
export function parseArgs(args: readonly string[], flags: readonly string[], options: readonly string[]): { opts: Map<string, string[]>; flags: Set<string>; positional: string[] } {
  const opts = new Map<string, string[]>();
  const set = new Set<string>();
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (!a.startsWith('--')) {
      positional.push(a);
      continue;
    }
    const [name, inline] = a.slice(2).split(/=(.*)/s, 2);
    if (flags.includes(name)) set.add(name);
    else if (options.includes(name)) {
      const value = inline ?? args[++i];
      if (value === undefined) throw new CliUsageError(`--${name} needs a value.`);
      opts.set(name, [...(opts.get(name) ?? []), value]);
    } else throw new CliUsageError(`Unknown option --${name}.`);
  }
  return { opts, flags: set, positional };
}

/** Refuses arguments a command does not take, rather than ignoring them. */
export function refusePositional(positional: readonly string[]): void {
  if (positional.length > 0) throw new CliUsageError(`Unexpected argument "${positional[0]}".`);
}

/** Bad command-line input: printed with the usage, exit code 2. */
export class CliUsageError extends Error {
  override readonly name = 'CliUsageError';
}

/** Resolves at the first SIGINT or SIGTERM: how a foreground command (lab, monitor) is told to stop. */
export function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
