import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CHIP_KEYS } from '../../../../extension/src/core/chips/chips';

const REPO = resolve(__dirname, '../../../..');
const contributes = JSON.parse(readFileSync(resolve(REPO, 'package.json'), 'utf8')).contributes;

interface Pattern { regexp: string; file: number; line: number; column: number; severity: number; message: number }
const matcher = contributes.problemMatchers.find((m: { name: string }) => m.name === 'espnow-idf') as { pattern: Pattern };

function match(line: string) {
  const m = new RegExp(matcher.pattern.regexp).exec(line);
  if (!m) return undefined;
  const p = matcher.pattern;
  return { file: m[p.file], line: Number(m[p.line]), column: Number(m[p.column]), severity: m[p.severity], message: m[p.message] };
}

test('the ESP-IDF problem matcher reads GCC and Clang messages and nothing else of a build log', () => {
  assert.deepEqual(match("/home/u/fw/main/espnow_prov_main.c:42:5: error: 'esp_now_bogus' undeclared (first use in this function)"), {
    file: '/home/u/fw/main/espnow_prov_main.c', line: 42, column: 5, severity: 'error', message: "'esp_now_bogus' undeclared (first use in this function)",
  });
  assert.deepEqual(match('/fw/core/epv_link.c:7:10: fatal error: esp_now.h: No such file or directory'), { file: '/fw/core/epv_link.c', line: 7, column: 10, severity: 'error', message: 'esp_now.h: No such file or directory' });
  assert.equal(match('/fw/core/epv_link.c:88:12: warning: unused variable \'n\' [-Wunused-variable]')?.severity, 'warning');
  assert.equal(match('C:/esp/fw/main/x.c:3:1: note: declared here')?.file, 'C:/esp/fw/main/x.c', 'a Windows path keeps its drive');
  for (const noise of [
    '[12/1024] Building C object esp-idf/main/CMakeFiles/__idf_main.dir/espnow_prov_main.c.obj',
    'ninja: build stopped: subcommand failed.',
    'I (312) espnow_prov: Scanning for a responder (channels 1-13)',
    'Project build complete. To flash, run:',
  ]) assert.equal(match(noise), undefined, noise);
});

test('the build task definition offers exactly the supported chips', () => {
  const def = contributes.taskDefinitions.find((d: { type: string }) => d.type === 'espnow');
  assert.deepEqual(def.properties.target.enum, [...CHIP_KEYS]);
});
