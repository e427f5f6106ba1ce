import { BOARD_CONFIG_KEYS, BOARD_CONFIG_NAMESPACE } from '../../core/provision/board-config';
import { readNvsPartition, writeNvsPartition, type NvsEntry } from '../../core/nvs';
import type { FlashStore } from '../chip/chip-program';

/**
 * What nvs_set_str("ssid"/"password"), nvs_set_u8("provisioned", 1), nvs_erase_key("pair_key") and nvs_commit do to a virtual board's NVS
 * partition. The lab rewrites the partition whole (erase, then write) instead of appending entries as ESP-IDF
 * does: the values read back the same, and the key's bytes are gone from the flash file, not only marked
 * erased. Returns false when the partition cannot hold the result (nothing is changed then).
 */
export function storeCredentialsInNvs(flash: FlashStore, nvs: { offset: number; size: number }, ssid: Uint8Array, password: Uint8Array): boolean {
  const k = BOARD_CONFIG_KEYS;
  let image: Buffer;
  try {
    const current = readNvsPartition(flash.read(nvs.offset, nvs.size));
    const kept: NvsEntry[] = current.values
      .filter((v) => !(v.namespace === BOARD_CONFIG_NAMESPACE && [k.ssid, k.password, k.pairKey, k.provisioned].includes(v.key as never)))
      .map((v) => ({ namespace: v.namespace, key: v.key, type: v.type, value: v.value }));
    kept.push({ namespace: BOARD_CONFIG_NAMESPACE, key: k.ssid, type: 'string', value: Buffer.from(ssid).toString('utf8') });
    kept.push({ namespace: BOARD_CONFIG_NAMESPACE, key: k.password, type: 'string', value: Buffer.from(password).toString('utf8') });
    kept.push({ namespace: BOARD_CONFIG_NAMESPACE, key: k.provisioned, type: 'u8', value: 1 });
    image = writeNvsPartition(kept, nvs.size);
  } catch {
    return false;
  }
  flash.erase(nvs.offset, nvs.size);
  flash.write(nvs.offset, image);
  flash.flush();
  image.fill(0);
  return true;
}
