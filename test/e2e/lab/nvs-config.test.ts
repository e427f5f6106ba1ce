import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VirtualFirmwareBuilder } from '../../../extension/src/core/build/firmware-builder';
import { findNvsPartition, parsePartitionTable, PARTITION_TABLE_OFFSET } from '../../../extension/src/core/build/image/partition-table-reader';
import { readNvsPartition } from '../../../extension/src/core/nvs';
import { BOARD_CONFIG_NAMESPACE } from '../../../extension/src/core/provision/board-config';
import type { ProvisionRequest } from '../../../extension/src/core/provision/provision-workflow';
import { Lab } from '../../../extension/src/lab/lab';
import { labPrograms } from '../../../extension/src/lab/lab-programs';
import { runLabWorkflow } from '../../support/lab/lab-workflow';
import { assertNothingLeft } from '../../support/lab/resources';
import { WASM_FIRMWARE } from '../../support/lab/virtual-firmware';

const KEY = '5c'.repeat(32);

/** The board's NVS values in namespace espnow_prov, read from its flash file. */
async function nvsOf(lab: Lab, index: number): Promise<Map<string, unknown>> {
  const table = parsePartitionTable(await lab.readFlash(index, PARTITION_TABLE_OFFSET, 0xc00));
  const nvs = findNvsPartition(table)!;
  const values = readNvsPartition(await lab.readFlash(index, nvs.offset, nvs.size)).values;
  return new Map(values.filter((v) => v.namespace === BOARD_CONFIG_NAMESPACE).map((v) => [v.key, v.value]));
}

test('one image per chip, roles and credentials in NVS; Update Credentials needs no build; a provisioned initiator keeps the credentials and no pair key', { timeout: 120_000 }, async () => {
  const baseline = process.getActiveResourcesInfo();
  const dir = mkdtempSync(join(tmpdir(), 'nvs-config-'));
  const lab = await Lab.start({ stateDir: join(dir, 'lab'), boards: [{ chip: 'esp32c3' }, { chip: 'esp32c3' }, { chip: 'esp32c3' }], programs: labPrograms, accessPoint: { ssid: 'home', password: 'first-password', channel: 6, security: 'wpa2-psk' } });
  const builder = new VirtualFirmwareBuilder({ wasmPath: WASM_FIRMWARE, cacheRoot: join(dir, 'cache') });
  const builds: string[] = [];
  const counting = {
    kind: builder.kind,
    build: (t: string, c: Parameters<typeof builder.build>[1], o?: Parameters<typeof builder.build>[2]) => (builds.push(`${c.role}:${t}:${c.ssid}`), builder.build(t, c, o)),
    findBuild: (t: string, c: Parameters<typeof builder.build>[1]) => builder.findBuild(t, c),
  };
  try {
    const [r, i1, i2] = lab.boardList;
    const request: ProvisionRequest = {
      boards: [
        { path: r!.url, name: 'responder', role: 'responder', target: 'esp32c3' },
        { path: i1!.url, name: 'initiator 1', role: 'initiator', target: 'esp32c3' },
        { path: i2!.url, name: 'initiator 2', role: 'initiator', target: 'esp32c3' },
      ],
      ssid: 'home', password: 'first-password', channel: 6, security: 'secure', pairKey: KEY, followTimeoutMs: 60_000,
    };
    const first = await runLabWorkflow(request, counting);
    assert.equal(first.result.outcome, 'succeeded', `${first.result.reasons.join('\n')}\n${first.log}`);
    assert.deepEqual(builds, ['initiator:esp32c3:'], 'one image for three boards of one chip, with no credentials in it');

    // A provisioned initiator holds the network it joined and no pair key; the responder keeps its key.
    const initiatorNvs = await nvsOf(lab, i1!.index);
    assert.equal(initiatorNvs.get('ssid'), 'home');
    assert.equal(initiatorNvs.get('password'), 'first-password');
    assert.equal(initiatorNvs.has('pair_key'), false, 'the pair key left the initiator');
    assert.equal(initiatorNvs.get('provisioned'), 1, 'a reboot rejoins with what it kept');
    const flashText = Buffer.from(await lab.readFlash(i1!.index, 0, 0x10000)).toString('latin1');
    assert.ok(!flashText.includes(Buffer.from(KEY, 'hex').toString('latin1')), 'not even as stale bytes');
    assert.ok((await nvsOf(lab, r!.index)).has('pair_key'));

    // The network's password changes: Update Credentials writes only the NVS partitions.
    lab.setAccessPoint({ ssid: 'home', password: 'second-password', channel: 6, security: 'wpa2-psk' });
    const written = () => lab.boardList.map((b) => b.flash.stats.bytesWritten);
    const app = () => Promise.all(lab.boardList.map(async (b) => Buffer.from(await lab.readFlash(b.index, 0x10000, 0x20000)).toString('hex')));
    const before = written();
    const appsBefore = await app();
    const update = await runLabWorkflow({ ...request, password: 'second-password', updateOnly: true }, counting);
    assert.equal(update.result.outcome, 'succeeded', `${update.result.reasons.join('\n')}\n${update.log}`);
    assert.equal(update.result.timings.building, undefined, 'no build stage');
    assert.deepEqual(builds, ['initiator:esp32c3:'], 'the update found the image in the build cache and built nothing');
    assert.match(update.log, /initiator 1.*PROV_EVT: got_ip/);
    // Only the NVS partitions were written (the time follows: see the bench): the flasher wrote each board's
    // once, and each initiator's firmware rewrote its own once more when it kept the new credentials.
    const nvsSize = findNvsPartition(parsePartitionTable(await lab.readFlash(r!.index, PARTITION_TABLE_OFFSET, 0xc00)))!.size;
    written().forEach((n, i) => assert.ok(n - before[i]! <= (i === 0 ? 1 : 2) * nvsSize, `board ${i + 1} wrote ${n - before[i]!} bytes`));
    assert.deepEqual(await app(), appsBefore, 'the apps on the boards were not touched');
    assert.equal((await nvsOf(lab, i2!.index)).get('password'), 'second-password');
  } finally {
    lab.dispose();
    await assertNothingLeft(baseline, 5000);
    rmSync(dir, { recursive: true, force: true });
  }
});
