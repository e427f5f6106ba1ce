// npm run soak -- --runs N [--fleet K]: provisioning again and again on fresh labs, pairs and fleets in
// turn (a fleet is one responder and K initiators, default 4), through the workflow the editor and the CLI
// run, with the build cache warm as a user's would be. Prints a line per run and a summary (successes,
// time per run, memory at start and end after a forced GC) and writes bench/soak.json.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
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

async function memory(): Promise<{ rssMiB: number; heapMiB: number; externalMiB: number }> {
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let i = 0; i < 3; i++) {
    gc?.();
    await new Promise((r) => setTimeout(r, 50));
  }
  const m = process.memoryUsage();
  const mib = (b: number) => Number((b / 1024 / 1024).toFixed(1));
  return { rssMiB: mib(m.rss), heapMiB: mib(m.heapUsed), externalMiB: mib(m.external + m.arrayBuffers) };
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
  const results: Run[] = [];
  let start: Awaited<ReturnType<typeof memory>> | undefined;
  const curve: Array<{ run: number; heapMiB: number; rssMiB: number }> = [];
  try {
    for (let n = 1; n <= runs; n++) {
      const r = await once(n, fleet, root, builder);
      results.push(r);
      console.log(`run ${String(n).padStart(4)} ${r.kind.padEnd(5)} ${r.boards} boards  ${r.ok ? 'ok    ' : 'FAILED'} ${(r.ms / 1000).toFixed(2)} s${r.reasons ? `  ${r.reasons.join(' | ')}` : ''}`);
      // Start: once a pair and a fleet have run (caches, JIT and module state are warm).
      if (n === Math.min(2, runs)) start = await memory();
      // The curve in between tells a leak (steady growth) from a warm-up (growth that levels off).
      if (n % 20 === 0) {
        const m = await memory();
        curve.push({ run: n, heapMiB: m.heapMiB, rssMiB: m.rssMiB });
        console.log(`       memory after run ${n}: heap ${m.heapMiB} MiB, rss ${m.rssMiB} MiB`);
      }
    }
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
  const end = await memory();
  await new Promise((r) => setTimeout(r, 500));
  const count = (l: string[]) => l.reduce<Record<string, number>>((m, k) => ((m[k] = (m[k] ?? 0) + 1), m), {});
  const was = count(baseline);
  const left = Object.entries(count(process.getActiveResourcesInfo())).filter(([k, v]) => k !== 'TTYWrap' && v > (was[k] ?? 0));
  const ms = (kind: Run['kind']) => results.filter((r) => r.kind === kind).map((r) => r.ms).sort((a, b) => a - b);
  const summary = {
    date: new Date().toISOString(),
    machine: { cores: os.cpus().length, node: process.version, loadAverageAtEnd: Number(os.loadavg()[0].toFixed(2)) },
    runs,
    fleetInitiators: fleet,
    successes: results.filter((r) => r.ok).length,
    durationS: Math.round((Date.now() - started) / 1000),
    secondsPerRun: Object.fromEntries((['pair', 'fleet'] as const).map((k) => [k, { p50: Number((percentile(ms(k), 50) / 1000).toFixed(2)), p99: Number((percentile(ms(k), 99) / 1000).toFixed(2)), max: Number(((ms(k).at(-1) ?? NaN) / 1000).toFixed(2)) }])),
    memoryStart: start,
    memoryEnd: end,
    heapGrowth: start ? Number((end.heapMiB / start.heapMiB - 1).toFixed(3)) : undefined,
    rssGrowth: start ? Number((end.rssMiB / start.rssMiB - 1).toFixed(3)) : undefined,
    memoryCurve: curve,
    resourcesLeft: Object.fromEntries(left),
    failures: results.filter((r) => !r.ok),
  };
  console.log(JSON.stringify({ ...summary, failures: summary.failures.length }, null, 2));
  fs.writeFileSync(path.join(__dirname, runs >= 100 ? 'soak.json' : 'results/soak.json'), JSON.stringify(summary, null, 2) + '\n');
  process.exitCode = summary.successes === runs && left.length === 0 ? 0 : 1;
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
