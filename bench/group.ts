// Runs one bench group (bench/groups/<name>.ts) and writes its figures as JSON to the given file.
import * as fs from 'node:fs';
import type { Figure } from './lib/figure';
import { removeBenchDirs } from './lib/plans';

let written = false;
// A group whose timers all ended before its figures did would otherwise exit 0 with nothing written.
process.on('beforeExit', () => {
  if (written) return;
  console.error('bench: the group ended without its figures');
  process.exit(1);
});

async function main(): Promise<void> {
  const [name, out] = process.argv.slice(2);
  const group = (await import(`./groups/${name}`)) as { measure(): Promise<Figure[]> };
  try {
    fs.writeFileSync(out, JSON.stringify(await group.measure()));
    written = true;
  } finally {
    removeBenchDirs();
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
