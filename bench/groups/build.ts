// A cache-hit build: the second request for the same (firmware, target, config) is a lookup, not a build.
import * as path from 'node:path';
import { VirtualFirmwareBuilder } from '../../extension/src/core/build/firmware-builder';
import type { FirmwareConfig } from '../../extension/src/core/build/sdkconfig';
import { WASM_FIRMWARE } from '../../test/support/lab/virtual-firmware';
import { figure, median, type Figure } from '../lib/figure';
import { benchDir } from '../lib/plans';


export async function measure(): Promise<Figure[]> {
  const builder = new VirtualFirmwareBuilder({ wasmPath: WASM_FIRMWARE, cacheRoot: path.join(benchDir('cache'), 'cache') });
  const config: FirmwareConfig = { role: 'responder', security: 'secure', ssid: 'home', password: 'pw-12345678', channel: 6, pairKey: 'ab'.repeat(32) };
  const t = performance.now();
  const miss = await builder.build('esp32c3', config);
  const missMs = performance.now() - t;
  if (miss.cached) throw new Error('the first build was a cache hit');
  const hits: number[] = [];
  for (let i = 0; i < 20; i++) {
    const s = performance.now();
    const r = await builder.build('esp32c3', config);
    hits.push(performance.now() - s);
    if (!r.cached) throw new Error('a repeated build missed the cache');
  }
  return [
    figure('build, cache miss (virtual builder: pack the image)', missMs, 'ms'),
    figure('build, cache hit (key the inputs, find the entry)', median(hits), 'ms', undefined, 'median of 20; the key hashes the firmware, target and sdkconfig as for ESP-IDF builds'),
  ];
}
