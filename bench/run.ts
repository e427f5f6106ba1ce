// npm run bench: every figure of docs/PERFORMANCE.md against its target, in one run. Each group runs in
// its own Node process, one after another (they share the machine's cores; in parallel they would measure
// each other), and hands back its figures as JSON. Prints one table; writes bench/results.json with the
// machine and the commit. Options: --only <group>[,<group>], --package (build the VSIX first).
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { table, type Figure } from './lib/figure';

export const GROUPS = ['flash', 'identify', 'provision', 'monitor', 'build', 'memory', 'product', 'hotplug'] as const;

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
}

function commit(): string {
  try {
    const sha = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: __dirname, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: __dirname, encoding: 'utf8' }).trim() !== '';
    return dirty ? `${sha} (with uncommitted changes)` : sha;
  } catch {
    return 'unknown';
  }
}

function main(): void {
  const only = arg('--only')?.split(',');
  const groups = GROUPS.filter((g) => !only || only.includes(g));
  const started = Date.now();
  const load = os.loadavg()[0];
  const figures: Figure[] = [];
  const failures: string[] = [];
  for (const g of groups) {
    const out = path.join(os.tmpdir(), `bench-${process.pid}-${g}.json`);
    const t = Date.now();
    process.stderr.write(`bench: ${g} ...`);
    const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', path.join(__dirname, 'group.ts'), g, out, ...process.argv.slice(2)], { stdio: ['ignore', 'inherit', 'inherit'] });
    process.stderr.write(` ${((Date.now() - t) / 1000).toFixed(0)} s\n`);
    if (r.status === 0 && fs.existsSync(out)) figures.push(...(JSON.parse(fs.readFileSync(out, 'utf8')) as Figure[]));
    else failures.push(g);
    fs.rmSync(out, { force: true });
  }
  // JSON has no NaN: a figure that could not be measured carries value null and its note.
  const results = {
    date: new Date().toISOString(),
    commit: commit(),
    machine: { cores: os.cpus().length, cpu: os.cpus()[0]?.model, node: process.version, platform: `${os.platform()} ${os.arch()}`, loadAverageAtStart: Number(load.toFixed(2)) },
    durationS: Math.round((Date.now() - started) / 1000),
    figures: figures.map((f) => ({ ...f, value: Number.isFinite(f.value) ? f.value : null })),
    failedGroups: failures,
  };
  console.log(table(figures));
  const missed = figures.filter((f) => f.pass === false);
  console.log(`\n${figures.length} figures, ${figures.filter((f) => f.pass).length} pass, ${missed.length} miss; ${results.durationS} s on ${results.machine.cores} cores, Node ${process.version}, load ${results.machine.loadAverageAtStart} at start`);
  for (const f of figures) if (f.note) console.log(`- ${f.name}: ${f.note}`);
  if (failures.length) console.error(`bench: groups that failed: ${failures.join(', ')}`);
  if (!only) fs.writeFileSync(path.join(__dirname, 'results.json'), JSON.stringify(results, null, 2) + '\n');
  else {
    // Partial runs go beside the committed results, in a folder git ignores (made on first use).
    fs.mkdirSync(path.join(__dirname, 'results'), { recursive: true });
    fs.writeFileSync(path.join(__dirname, 'results', `${only.join('-')}.json`), JSON.stringify(results, null, 2) + '\n');
  }
  // A missed target is a finding, not a crash: only a group that could not run fails the command.
  process.exitCode = failures.length ? 1 : 0;
}

main();
