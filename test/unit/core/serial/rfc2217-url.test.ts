import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { ProvisionError } from '../../../../extension/src/core/common/errors';
import { parseRfc2217Url } from '../../../../extension/src/core/serial/rfc2217-url';

test('parses host, port and pyserial options', () => {
  assert.deepEqual(parseRfc2217Url('rfc2217://127.0.0.1:4000'), { host: '127.0.0.1', port: 4000, url: 'rfc2217://127.0.0.1:4000', timeoutMs: 3000 });
  assert.deepEqual(parseRfc2217Url(' rfc2217://lab-pi.local:2217?ign_set_control&timeout=1.5 '), { host: 'lab-pi.local', port: 2217, url: 'rfc2217://lab-pi.local:2217', timeoutMs: 1500 });
  assert.equal(parseRfc2217Url('rfc2217://[::1]:4000').url, 'rfc2217://[::1]:4000');
});

for (const [bad, words] of [
  ['tcp://host:4000', /must start with rfc2217/],
  ['rfc2217://host', /port number is missing/],
  ['rfc2217://:4000', /host/],
  ['rfc2217://host:70000', /70000 is outside/],
  ['rfc2217://host:0', /outside/],
  ['rfc2217://host:4000?baud=9600', /unknown option "baud"/],
  ['rfc2217://host:4000?timeout=soon', /timeout "soon"/],
] as const) {
  test(`rejects ${bad} with a config error quoting it`, () => {
    assert.throws(
      () => parseRfc2217Url(bad),
      (e: unknown) => e instanceof ProvisionError && e.kind === 'config' && e.message.includes(`"${bad}"`) && words.test(e.message),
    );
  });
}
