import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderSdkconfig, quote } from '../../../../extension/src/core/build/sdkconfig';

const KEY = 'AB'.repeat(32);

test('renders the role, mode and credentials as Kconfig reads them', () => {
  const text = renderSdkconfig({ role: 'responder', security: 'espressif-5.4', ssid: 'Lab "5G"', password: 'pa\\ss word', channel: 6, pairKey: KEY });
  assert.match(text, /^CONFIG_ESPNOW_ROLE_RESPONDER=y$/m);
  assert.match(text, /^CONFIG_ESPNOW_MODE_ESPRESSIF_5_4=y$/m);
  assert.match(text, /^CONFIG_ESPNOW_WIFI_SSID="Lab \\"5G\\""$/m);
  assert.match(text, /^CONFIG_ESPNOW_WIFI_PASSWORD="pa\\\\ss word"$/m);
  assert.match(text, /^CONFIG_ESPNOW_PAIR_KEY="(ab){32}"$/m);
  assert.match(text, /^CONFIG_ESPNOW_CHANNEL=6$/m);
});

test('values sdkconfig cannot hold are refused with the field named', () => {
  assert.throws(() => quote('a\nb', 'Wi-Fi SSID'), /Wi-Fi SSID contains a line break/);
  assert.throws(() => renderSdkconfig({ role: 'initiator', security: 'secure', ssid: '', password: '', channel: 0, pairKey: 'xyz' }), /64 hex digits/);
});
