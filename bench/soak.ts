// npm run soak -- --runs N [--fleet K]: provisioning again and again on fresh labs, pairs and fleets in
// turn (a fleet is one responder and K initiators, default 4), through the workflow the editor and the CLI
// run, with the build cache warm as a user's would be. Prints a line per run, the memory every 20 runs and
// a summary, writes bench/soak.json (100 runs or more) and prints the Markdown rows docs/RELIABILITY.md
// shows. Fails if a run fails, anything is left open, or the heap grows more than 10 % after the warm-up.
//
// How memory is measured, and why (docs/RELIABILITY.md has the investigation):
// - Every figure is taken after a forced GC (node --expose-gc, three rounds): without it the heap reads
//   whatever garbage the last run left and the curve is noise.
// - The start mark is after WARMUP runs, not after the first run. The first runs fill one-time state: the
//   modules tsx loads, esptool-js's stub images, the wasm module cache, and above all V8's compiled code.
//   V8 optimises a function only once it is hot, so code keeps being added for a while, ever more slowly,
//   as the long tail of functions crosses the threshold. With the JIT off (node --no-opt --no-sparkplug)
//   the heap from run 10 to run 100 grows 0.05 MiB, which is the soak's own records (a heap-snapshot diff
//   finds nothing else); with it the same runs add code and its metadata (deopt data, feedback, dependent-
//   code lists on maps). So the JIT's part is reported on its own (codeMiB, V8's code_and_metadata_size)
//   next to the heap it is part of.
// - Nothing is hidden: the curve keeps the sample after run 2 (before the warm-up) and one every 20 runs to
//   the end, and the summary gives the heap's growth per run over the second half (a leak grows by the same
//   amount every run; a warm-up's growth shrinks). Samples are every 20 runs, so all of them follow a fleet:
//   the heap after a fleet is ~0.05 MiB above the heap after a pair (JIT state), which would otherwise
//   show as a saw-tooth.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import { VirtualFirmwareBuilder } from '../extension/src/core/build/firmware-builder';
import type { ProvisionRequest } from '../extension/src/core/provision/provision-workflow';
import { Lab } from '../extension/src/lab/lab';
import { labPrograms } from '../extension/src/lab/lab-programs';
import { runLabWorkflow } from '../test/support/lab/lab-workflow';
import { WASM_FIRMWARE } from '../test/support/lab/virtual-firmware';
import { percentile } from './lib/figure';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  const v = i > 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(v) || v < 1) throw new Error(`${name} wants a whole number ≥ 1`);
  return v;
}

interface Run {
  readonly n: number;
  readonly kind: 'pair' | 'fleet';
  readonly boards: number;
  readonly ok: boolean;
  readonly ms: number;
  readonly reasons?: readonly string[];
}

/** Runs before the start mark (see the top): a pair and fleets enough for the JIT's steep part. */
const WARMUP = 10;
/** A sample of the memory curve every this many runs (even: always after a fleet). */
const EVERY = 20;
/** The issue's bound: memory flat within 10 % from the warm start to the end. */
const HEAP_GROWTH_MAX = 0.1;

interface Memory {
  readonly run: number;
  readonly heapMiB: number;
  /** Part of heapMiB: V8's compiled code and its metadata (what the JIT adds while it warms up). */
  readonly codeMiB: number;
  readonly rssMiB: number;
  readonly externalMiB: number;
  /** Open file descriptors (Linux), a leak getActiveResourcesInfo() does not see (fs.openSync). */
  readonly fds?: number;
}

const mib = (b: number) => Number((b / 1024 / 1024).toFixed(2));

async function memory(run: number): Promise<Memory> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc (npm run soak does)');
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 50));
  }
  const m = process.memoryUsage();
  const fds = process.platform === 'linux' ? fs.readdirSync('/proc/self/fd').length : undefined;
  return { run, heapMiB: mib(m.heapUsed), codeMiB: mib(v8.getHeapCodeStatistics().code_and_metadata_size), rssMiB: mib(m.rss), externalMiB: mib(m.external + m.arrayBuffers), ...(fds === undefined ? {} : { fds }) };
}

/** Least-squares slope of y over run, in KiB per run (MiB in, KiB out). */
function slopeKiB(points: readonly Memory[], y: (m: Memory) => number): number | undefined {
  if (points.length < 3) return undefined;
  const mx = points.reduce((s, p) => s + p.run, 0) / points.length;
  const my = points.reduce((s, p) => s + y(p), 0) / points.length;
  const sxy = points.reduce((s, p) => s + (p.run - mx) * (y(p) - my), 0);
  const sxx = points.reduce((s, p) => s + (p.run - mx) ** 2, 0);
  return Number(((sxy / sxx) * 1024).toFixed(2));
}

async function once(n: number, fleet: number, root: string, builder: VirtualFirmwareBuilder): Promise<Run> {
  const kind = n % 2 === 1 ? 'pair' : 'fleet';
  const initiators = kind === 'pair' ? 1 : fleet;
  const stateDir = fs.mkdtempSync(path.join(root, 'lab-'));
  const t = performance.now();
  const lab = await Lab.start({ stateDir, programs: labPrograms, boards: [{ chip: 'esp32s3' }, ...Array.from({ length: initiators }, () => ({ chip: 'esp32c3' as const }))], accessPoint: { ssid: 'soak', password: 'soak-password', channel: 6, security: 'wpa2-psk' } });
  try {
    const [r, ...is] = lab.boardList;
    const request: ProvisionRequest = {
      boards: [{ path: r.url, name: 'responder', role: 'responder', target: 'esp32s3' }, ...is.map((b, i) => ({ path: b.url, name: `initiator ${i + 1}`, role: 'initiator' as const, target: 'esp32c3' }))],
      ssid: 'soak', password: 'soak-password', channel: 6, security: 'secure', pairKey: 'a5'.repeat(32), followTimeoutMs: 60_000,
    };
    const { result } = await runLabWorkflow(request, builder);
    const ok = result.outcome === 'succeeded' && result.ips.size === initiators;
    return { n, kind, boards: initiators + 1, ok, ms: performance.now() - t, ...(ok ? {} : { reasons: result.reasons }) };
  } catch (e) {
    return { n, kind, boards: initiators + 1, ok: false, ms: performance.now() - t, reasons: [e instanceof Error ? e.message : String(e)] };
  } finally {
    lab.dispose();
    fs.rmSync(stateDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const runs = arg('--runs', 20);
  const fleet = arg('--fleet', 4);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'soak-'));
  const builder = new VirtualFirmwareBuilder({ wasmPath: WASM_FIRMWARE, cacheRoot: path.join(root, 'cache') });
  const baseline = process.getActiveResourcesInfo();
  const started = Date.now();
  // The soak's own record: ~0.1 KiB a run, in the heap it measures (20 KiB at 200 runs, 0.1 %).
  const results: Run[] = [];
  // A run shorter than the warm-up has no start mark: it tells whether runs succeed, not whether memory is flat.
  const warm = runs > WARMUP ? WARMUP : undefined;
  const curve: Memory[] = [];
  try {
    for (let n = 1; n <= runs; n++) {
      const r = await once(n, fleet, root, builder);
      results.push(r);
      console.log(`run ${String(n).padStart(4)} ${r.kind.padEnd(5)} ${r.boards} boards  ${r.ok ? 'ok    ' : 'FAILED'} ${(r.ms / 1000).toFixed(2)} s${r.reasons ? `  ${r.reasons.join(' | ')}` : ''}`);
      if (n === 2 || n === warm || n % EVERY === 0 || n === runs) {
        const m = await memory(n);
        curve.push(m);
        console.log(`       memory after run ${n}: heap ${m.heapMiB} MiB (code ${m.codeMiB}), rss ${m.rssMiB} MiB, external ${m.externalMiB} MiB${m.fds === undefined ? '' : `, ${m.fds} fds`}${n === warm ? '  <- start (after the warm-up)' : ''}`);
      }
    }
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
  const start = curve.find((m) => m.run === warm);
  const end = curve.at(-1)!;
  await new Promise((r) => setTimeout(r, 500));
  const count = (l: string[]) => l.reduce<Record<string, number>>((m, k) => ((m[k] = (m[k] ?? 0) + 1), m), {});
  const was = count(baseline);
  const left = Object.entries(count(process.getActiveResourcesInfo())).filter(([k, v]) => k !== 'TTYWrap' && v > (was[k] ?? 0));
  const ms = (kind: Run['kind']) => results.filter((r) => r.kind === kind).map((r) => r.ms).sort((a, b) => a - b);
  const growth = (f: (m: Memory) => number) => (start && end !== start ? Number((f(end) / f(start) - 1).toFixed(3)) : undefined);
  const secondHalf = curve.filter((m) => warm !== undefined && m.run >= Math.max(warm, runs / 2));
  const summary = {
    date: new Date().toISOString(),
    machine: { cores: os.cpus().length, node: process.version, nodeFlags: process.execArgv, loadAverageAtEnd: Number(os.loadavg()[0].toFixed(2)) },
    runs,
    fleetInitiators: fleet,
    successes: results.filter((r) => r.ok).length,
    durationS: Math.round((Date.now() - started) / 1000),
    secondsPerRun: Object.fromEntries((['pair', 'fleet'] as const).map((k) => [k, { p50: Number((percentile(ms(k), 50) / 1000).toFixed(2)), p99: Number((percentile(ms(k), 99) / 1000).toFixed(2)), max: Number(((ms(k).at(-1) ?? NaN) / 1000).toFixed(2)) }])),
    warmupRuns: warm,
    memoryStart: start,
    memoryEnd: end,
    heapGrowth: growth((m) => m.heapMiB),
    rssGrowth: growth((m) => m.rssMiB),
    heapGrowthMax: HEAP_GROWTH_MAX,
    // Per run, over the second half of the soak: a leak shows here as a steady figure, a warm-up tends to 0.
    secondHalfKiBPerRun: { heap: slopeKiB(secondHalf, (m) => m.heapMiB), code: slopeKiB(secondHalf, (m) => m.codeMiB), rss: slopeKiB(secondHalf, (m) => m.rssMiB) },
    memoryCurve: curve,
    resourcesLeft: Object.fromEntries(left),
    failures: results.filter((r) => !r.ok),
  };
  console.log(JSON.stringify({ ...summary, memoryCurve: undefined, failures: summary.failures.length }, null, 2));
  console.log(`\n${markdown(summary)}`);
  // bench/soak.json is the record docs/RELIABILITY.md quotes: a full soak with npm run soak's flags. A short
  // run, or one with other V8 flags (the JIT-off control: node --expose-gc --no-opt --no-sparkplug), goes
  // to bench/results/ (not committed).
  const control = process.execArgv.some((f) => f.startsWith('--no-') || f === '--jitless');
  const out = runs >= 100 && !control ? path.join(__dirname, 'soak.json') : path.join(__dirname, 'results', control ? 'soak-control.json' : 'soak.json');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify(summary, null, 2) + '\n');
  console.log(`\nwrote ${path.relative(process.cwd(), out)}`);
  const heapTooHigh = summary.heapGrowth !== undefined && summary.heapGrowth > HEAP_GROWTH_MAX;
  if (heapTooHigh) console.error(`soak: the heap grew ${(summary.heapGrowth! * 100).toFixed(1)} % from run ${warm} to run ${end.run} (bound ${HEAP_GROWTH_MAX * 100} %)`);
  process.exitCode = summary.successes === runs && left.length === 0 && !heapTooHigh ? 0 : 1;
}

/** The rows docs/RELIABILITY.md shows, to paste there after a full soak. */
function markdown(s: {
  runs: number;
  successes: number;
  fleetInitiators: number;
  durationS: number;
  secondsPerRun: Record<string, { p50: number; p99: number; max: number }>;
  memoryStart?: Memory;
  memoryEnd: Memory;
  heapGrowth?: number;
  rssGrowth?: number;
  secondHalfKiBPerRun: { heap?: number; code?: number };
  memoryCurve: readonly Memory[];
  resourcesLeft: Record<string, number>;
}): string {
  const t = (k: string) => `${s.secondsPerRun[k].p50} / ${s.secondsPerRun[k].p99} / ${s.secondsPerRun[k].max}`;
  const pct = (g?: number) => (g === undefined ? '' : ` (${g >= 0 ? '+' : ''}${(g * 100).toFixed(1)} %)`);
  const a = s.memoryStart;
  const b = s.memoryEnd;
  const left = Object.entries(s.resourcesLeft).map(([k, v]) => `${v} ${k}`).join(', ') || 'nothing';
  const row = (cells: readonly (string | number)[]) => `| ${cells.join(' | ')} |`;
  const summary = [
    row(['runs', 'successes', 'pair s/run p50 / p99 / max', `fleet (1+${s.fleetInitiators}) s/run p50 / p99 / max`, `heap run ${a?.run ?? '–'} → ${b.run} (after GC)`, 'heap per run, 2nd half', `RSS run ${a?.run ?? '–'} → ${b.run}`, 'left open', 'total']),
    row(Array(9).fill('---')),
    row([s.runs, s.successes, t('pair'), t('fleet'), a ? `${a.heapMiB} → ${b.heapMiB} MiB${pct(s.heapGrowth)}` : '–', s.secondHalfKiBPerRun.heap === undefined ? '–' : `${s.secondHalfKiBPerRun.heap} KiB (code ${s.secondHalfKiBPerRun.code} KiB)`, a ? `${a.rssMiB} → ${b.rssMiB} MiB${pct(s.rssGrowth)}` : '–', left, `${s.durationS} s`]),
  ];
  const c = s.memoryCurve;
  const curve = [
    row(['after run', ...c.map((m) => m.run)]),
    row(Array(c.length + 1).fill('---')),
    row(['heap MiB', ...c.map((m) => m.heapMiB)]),
    row(['of which code MiB', ...c.map((m) => m.codeMiB)]),
    row(['RSS MiB', ...c.map((m) => m.rssMiB)]),
    ...(c.every((m) => m.fds !== undefined) ? [row(['open fds', ...c.map((m) => m.fds!)])] : []),
  ];
  return `${summary.join('\n')}\n\n${curve.join('\n')}`;
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
