import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { buildWithIdf, redactor } from '../../../../extension/src/core/build/idf-build';
import type { FirmwareConfig } from '../../../../extension/src/core/build/sdkconfig';
import { ProvisionError } from '../../../../extension/src/core/common/errors';
import { scriptedIdf } from '../../../support/scripted-idf';

const FIRMWARE = join(resolve(__dirname, '../../../..'), 'firmware');
// Every character that some tool on the build path escapes.
const PASSWORD = `pa$$"w\\or;d'x`;
const PAIR_KEY = 'c0ffee'.repeat(10) + 'c0de';
const CONFIG: FirmwareConfig = { role: 'responder', security: 'secure', ssid: 'home', password: PASSWORD, channel: 1, pairKey: PAIR_KEY };

/** The password as each tool prints it. */
const FORMS: Record<string, string> = {
  literal: PASSWORD,
  'Kconfig / C string': PASSWORD.replace(/\\/g, '\\\\').replace(/"/g, '\\"'),
  CMake: PASSWORD.replace(/[\\"$;]/g, '\\$&'),
  'shell printf %q': PASSWORD.replace(/[\\"$;']/g, '\\$&'),
  'C string inside CMake': PASSWORD.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/[\\"$;]/g, '\\$&'),
  'shell single quotes': `'${PASSWORD.replace(/'/g, `'\\''`)}'`,
  JSON: JSON.stringify(PASSWORD).slice(1, -1),
  'JSON \\u': [...PASSWORD].map((c) => (/[0-9a-z]/i.test(c) ? c : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)).join(''),
  percent: encodeURIComponent(PASSWORD),
  hex: Buffer.from(PASSWORD).toString('hex'),
  'hex, upper case, spaced': Buffer.from(PASSWORD).toString('hex').toUpperCase().replace(/(..)(?!$)/g, '$1 '),
};

function leaks(text: string): string[] {
  return Object.entries(FORMS)
    .filter(([, form]) => text.includes(form))
    .map(([name]) => name);
}

test('build-log redaction covers the escaped forms of the password', () => {
  const r = redactor(CONFIG);
  for (const [name, form] of Object.entries(FORMS)) {
    const line = `CMake Error at main/CMakeLists.txt:12 (set): value "${form}" is invalid`;
    const out = r(line);
    assert.deepEqual(leaks(out), [], `${name}: ${out}`);
    assert.match(out, /^CMake Error at main\/CMakeLists\.txt:12 \(set\): value ".*" is invalid$/, name);
  }
});

test('a failing build that quotes the password escaped reaches neither the log nor the error message', async (t) => {
  // Like CMake reporting a bad `set()` from sdkconfig.cmake: prints the fragment's value, CMake-escaped.
  const script = [
    'for a in "$@"; do case "$a" in SDKCONFIG_DEFAULTS=*) d="${a#SDKCONFIG_DEFAULTS=}";; esac; done',
    'frag="${d##*;}"',
    `v=$(sed -n 's/^CONFIG_ESPNOW_WIFI_PASSWORD="\\(.*\\)"$/\\1/p' "$frag")`,
    'cm=$(printf %s "$v" | sed -e \'s/[$;]/\\\\&/g\')',
    'echo "CMake Error at build/config/sdkconfig.cmake:40 (set): Syntax error in cmake code when parsing string \\"$cm\\"" >&2',
    'printf "%q\\n" "$(printf %s "$v" | sed -e \'s/\\\\\\\\/\\\\/g; s/\\\\"/"/g\')"',
    'exit 1',
  ].join('\n');
  const { idf, root } = scriptedIdf(t, script);
  const lines: string[] = [];
  const err = await buildWithIdf({ idfPath: idf, env: { PATH: process.env.PATH }, firmwareDir: FIRMWARE, target: 'esp32', config: CONFIG, buildDir: join(root, 'build'), onOutput: (l) => lines.push(l) }).then(
    () => assert.fail('the build should fail'),
    (e: unknown) => e as ProvisionError,
  );
  assert.ok(err instanceof ProvisionError && err.kind === 'build');
  assert.ok(lines.some((l) => l.includes('CMake Error')), lines.join('\n'));
  assert.ok(lines.length >= 3, lines.join('\n'));
  assert.deepEqual(leaks(lines.join('\n')), [], lines.join('\n'));
  assert.deepEqual(leaks(err.describe()), [], err.describe());
  assert.doesNotMatch(lines.join('\n'), /pa\\?\$\\?\$/, 'no part of the password');
});
