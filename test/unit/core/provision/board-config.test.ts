import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readNvsPartition } from '../../../../extension/src/core/nvs';
import { BOARD_CONFIG_KEYS, BOARD_CONFIG_NAMESPACE, boardConfigEntries, boardConfigPartition } from '../../../../extension/src/core/provision/board-config';

const FIRMWARE = join(resolve(__dirname, '../../../..'), 'firmware/core');

test('the NVS keys and namespace the extension writes are the ones the firmware reads (epv_config_kv.h)', () => {
  const header = readFileSync(join(FIRMWARE, 'epv_config_kv.h'), 'utf8');
  const firmwareKeys = [...header.matchAll(/^#define EPV_KV_(\w+) "([^"]+)"/gm)].map((m) => m[2]!);
  const namespace = firmwareKeys.shift(); // EPV_KV_NAMESPACE comes first
  assert.equal(namespace, BOARD_CONFIG_NAMESPACE);
  assert.deepEqual([...firmwareKeys].sort(), Object.values(BOARD_CONFIG_KEYS).sort());
});

test('role and mode codes are the firmware enum values (epv_config.h)', () => {
  const header = readFileSync(join(FIRMWARE, 'epv_config.h'), 'utf8');
  const value = (name: string) => Number(new RegExp(`${name} = (\\d+)`).exec(header)?.[1]);
  const code = (role: 'responder' | 'initiator', security: 'secure' | 'espressif-4.4' | 'espressif-5.3' | 'espressif-5.4') => {
    const e = boardConfigEntries({ role, security, channel: 0, pairKey: 'aa'.repeat(32), ssid: 'x' });
    return [e.find((x) => x.key === 'role')!.value, e.find((x) => x.key === 'mode')!.value];
  };
  assert.deepEqual(code('responder', 'secure'), [value('EPV_ROLE_RESPONDER'), value('EPV_MODE_SECURE')]);
  assert.deepEqual(code('initiator', 'espressif-5.3'), [value('EPV_ROLE_INITIATOR'), value('EPV_MODE_ESPRESSIF_53')]);
  assert.deepEqual(code('initiator', 'espressif-5.4'), [value('EPV_ROLE_INITIATOR'), value('EPV_MODE_ESPRESSIF_54')]);
  assert.deepEqual(code('initiator', 'espressif-4.4'), [value('EPV_ROLE_INITIATOR'), value('EPV_MODE_ESPRESSIF_44')]);
});

test('a board gets only what its role needs: an initiator no credentials, a compat-mode board no key', () => {
  const keys = (c: Parameters<typeof boardConfigEntries>[0]) => boardConfigEntries(c).map((e) => e.key).sort();
  assert.deepEqual(keys({ role: 'initiator', security: 'secure', channel: 0, pairKey: 'ab'.repeat(32), ssid: 'home', password: 'secret pw' }), ['channel', 'mode', 'pair_key', 'role']);
  assert.deepEqual(keys({ role: 'responder', security: 'espressif-5.4', channel: 6, ssid: 'home', password: 'secret pw' }), ['channel', 'mode', 'password', 'role', 'ssid']);
  assert.throws(() => boardConfigEntries({ role: 'responder', security: 'secure', channel: 6, ssid: 'home', password: 'pw' }), /Secure mode needs a pair key/);
  const values = readNvsPartition(boardConfigPartition({ role: 'responder', security: 'secure', channel: 6, ssid: 'home', password: 'secret pw', pairKey: 'cd'.repeat(32), beaconWindowS: 45 }, 0x6000)).values;
  assert.equal(values.find((v) => v.key === 'window_s')?.value, 45);
});
