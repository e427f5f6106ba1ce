// npm run bench: runs every *.bench.ts in this folder one after another (they share the machine's two
// cores, so running them in parallel would measure each other). Each prints its table and writes JSON
// under bench/results/.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const benches = readdirSync(__dirname).filter((f) => f.endsWith('.bench.ts')).sort();
let failed = 0;
for (const b of benches) {
  console.log(`\n=== ${b} ===`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(__dirname, b), ...process.argv.slice(2)], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
