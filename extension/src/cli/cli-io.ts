/** Where a CLI command writes; injected so tests can capture it. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

export const processIo: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

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

/** Bad command-line input: printed with the usage, exit code 2. */
export class CliUsageError extends Error {
  override readonly name = 'CliUsageError';
}
