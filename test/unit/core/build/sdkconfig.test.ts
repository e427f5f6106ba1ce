import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { renderSdkconfig, quote } from '../../../../extension/src/core/build/sdkconfig';
import { SECURITY_MODES } from '../../../../extension/src/core/config/settings';

const FIRMWARE = join(resolve(__dirname, '../../../..'), 'firmware');

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

test('every espnow.security mode is a choice of the firmware Kconfig and of the core sdkconfig parser, and back', () => {
  const kconfig = readFileSync(join(FIRMWARE, 'main/Kconfig.projbuild'), 'utf8');
  const parser = readFileSync(join(FIRMWARE, 'core/epv_sdkconfig.c'), 'utf8');
  const choices = [...kconfig.matchAll(/^\s*config (ESPNOW_MODE_\w+)$/gm)].map((m) => m[1]);
  const rendered = SECURITY_MODES.map((security) => {
    const text = renderSdkconfig({ role: 'initiator', security, ssid: '', password: '', channel: 0, pairKey: KEY });
    return /^CONFIG_(ESPNOW_MODE_\w+)=y$/m.exec(text)?.[1];
  });
  assert.deepEqual([...rendered].sort(), [...choices].sort());
  for (const symbol of choices) assert.ok(parser.includes(`P "${symbol.replace('ESPNOW_', '')}"`), `${symbol} is read by epv_sdkconfig.c`);
  const pkg = JSON.parse(readFileSync(join(FIRMWARE, '../package.json'), 'utf8')) as { contributes: { configuration: { properties: Record<string, { enum?: string[] }> } } };
  assert.deepEqual(pkg.contributes.configuration.properties['espnow.security']?.enum, [...SECURITY_MODES]);
});
