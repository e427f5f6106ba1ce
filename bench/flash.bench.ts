// Flash and identify throughput against the virtual lab: 1, 2, 4 and 8 boards in parallel, at the
// default flash baud. Prints a table and writes bench/results/flash.json. Run:
//   node --import tsx bench/flash.bench.ts [--app-kb 1024]
import * as fs from 'node:fs';
import * as path from 'node:path';
import { flashBoards } from '../extension/src/core/flash/flash-boards';
import { readFlashPlan } from '../extension/src/core/flash/flash-plan';
import { identifyBoards } from '../extension/src/core/flash/identify';
import { makeBuildDir, removeBuildDirs } from '../test/support/flash/build-dir';
import { startFlashLab } from '../test/support/flash/flash-lab';

interface Row {
  boards: number;
  identifyMs: number;
  firstFlashMs: number;
  perBoardMBps: number;
  aggregateMBps: number;
  secondFlashMs: number;
  baud: number;
}

async function run(boards: number, appKb: number): Promise<Row> {
  const { urls, dispose } = await startFlashLab(Array(boards).fill('esp32s3'));
  try {
    const plan = await readFlashPlan(makeBuildDir({ chip: 'esp32s3', appSize: appKb * 1024, seed: boards }));
    let t = performance.now();
    const ids = await identifyBoards(urls);
    const identifyMs = performance.now() - t;
    if (ids.some((o) => o.error)) throw new Error(ids.map((o) => o.error?.describe()).join('\n'));
    t = performance.now();
    const first = await flashBoards(urls.map((p) => ({ path: p, plan })));
    const firstFlashMs = performance.now() - t;
    if (!first.ok) throw new Error(first.failed.map((r) => r.error?.describe()).join('\n'));
    t = performance.now();
    const second = await flashBoards(urls.map((p) => ({ path: p, plan })));
    const secondFlashMs = performance.now() - t;
    if (!second.results.every((r) => r.outcome === 'unchanged')) throw new Error('second flash wrote data');
    const mb = plan.totalBytes / (1024 * 1024);
    const perBoard = first.results.reduce((s, r) => s + mb / (r.durationMs / 1000), 0) / boards;
    return { boards, identifyMs, firstFlashMs, perBoardMBps: perBoard, aggregateMBps: (mb * boards) / (firstFlashMs / 1000), secondFlashMs, baud: first.results[0].baud };
  } finally {
    dispose();
  }
}

async function main(): Promise<void> {
  const i = process.argv.indexOf('--app-kb');
  const appKb = i > 0 ? Number(process.argv[i + 1]) : 1024;
  const rows: Row[] = [];
  for (const n of [1, 2, 4, 8]) rows.push(await run(n, appKb));
  removeBuildDirs();
  console.log(`Flash ${appKb} KB app + bootloader + partition table per board (lab, esp32s3); MB/s of image bytes incl. connect and verify`);
  console.log('boards  baud     identify  1st flash  per board  aggregate  2nd flash (MD5 only)');
  for (const r of rows) {
    console.log(`${String(r.boards).padStart(6)}  ${String(r.baud).padEnd(7)}  ${(r.identifyMs / 1000).toFixed(2).padStart(6)} s  ${(r.firstFlashMs / 1000).toFixed(1).padStart(7)} s  ${r.perBoardMBps.toFixed(3).padStart(5)} MB/s ${r.aggregateMBps.toFixed(3).padStart(5)} MB/s  ${(r.secondFlashMs / 1000).toFixed(1).padStart(6)} s`);
  }
  const out = path.join(__dirname, 'results', 'flash.json');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify({ appKb, rows }, null, 2));
  console.log(`wrote ${path.relative(process.cwd(), out)}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
