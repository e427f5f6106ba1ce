import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A throwaway ESP-IDF whose export.sh puts tools/ on PATH and whose tools/idf.py is `script` (bash), for
 * tests that need one behaviour of idf.py rather than the whole stand-in. Returns the ESP-IDF folder and a
 * private scratch folder beside it; both go when the test ends.
 */
export function scriptedIdf(t: { after: (fn: () => void) => void }, script: string): { idf: string; root: string } {
  const root = mkdtempSync(join(tmpdir(), 'scripted-idf-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const idf = join(root, 'idf');
  mkdirSync(join(idf, 'tools'), { recursive: true });
  writeFileSync(join(idf, 'export.sh'), 'export PATH="$IDF_PATH/tools:$PATH"\n');
  writeFileSync(join(idf, 'tools', 'idf.py'), `#!/usr/bin/env bash\n${script}\n`, { mode: 0o755 });
  return { idf, root };
}
