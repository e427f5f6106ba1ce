// Provisioning on lab boards running the real firmware (WebAssembly): the split per initiator from its own
// PROV_EVT timestamps (ms since its boot), with the channel known and with a scan, and Update Credentials
// (no build) ÷ a full Provision Pair with a cached build, both through the workflow the editor runs.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { VirtualFirmwareBuilder } from '../../extension/src/core/build/firmware-builder';
import type { ProvisionRequest } from '../../extension/src/core/provision/provision-workflow';
import { Rfc2217Client } from '../../extension/src/core/serial/rfc2217-client';
import { openFlashStore } from '../../extension/src/lab/flash/flash-store';
import { Lab, LAB_FLASH_SIZE } from '../../extension/src/lab/lab';
import { labPrograms } from '../../extension/src/lab/lab-programs';
import { flashFileOf } from '../../extension/src/lab/lab-state';
import { runLabWorkflow } from '../../test/support/lab/lab-workflow';
import { flashVirtualFirmware, LAB_PASSWORD, LAB_SSID, sdkconfig, WASM_FIRMWARE } from '../../test/support/lab/virtual-firmware';
import { atMost, figure, median, type Figure } from '../lib/figure';
import { benchDir } from '../lib/plans';

const RESPONDER = '24:0a:c4:00:00:21';
const INITIATOR = '24:0a:c4:00:00:22';
const STAGES = ['responder_found', 'credentials_received', 'wifi_connected', 'got_ip'] as const;
type Split = Record<'boot' | (typeof STAGES)[number], number>;

/** One pair booted together on a fresh lab; the initiator's PROV_EVT times (its own clock) per stage. */
async function splitOnce(channelKnown: boolean): Promise<Split> {
  const stateDir = benchDir('split');
  const initiatorConfig = sdkconfig('initiator', 'SECURE').replace('CONFIG_ESPNOW_CHANNEL=0', `CONFIG_ESPNOW_CHANNEL=${channelKnown ? 6 : 0}`);
  for (const [mac, role, text] of [[RESPONDER, 'responder', undefined], [INITIATOR, 'initiator', initiatorConfig]] as const) {
    const flash = openFlashStore(flashFileOf(stateDir, mac), LAB_FLASH_SIZE);
    flashVirtualFirmware(flash, 'esp32c3', role, 'SECURE', path.join(stateDir, `build-${role}`), text);
    flash.dispose();
  }
  const lab = await Lab.start({ stateDir, programs: labPrograms, boards: [{ chip: 'esp32c3', mac: RESPONDER }, { chip: 'esp32c3', mac: INITIATOR }], accessPoint: { ssid: LAB_SSID, password: LAB_PASSWORD, channel: 6, security: 'wpa2-psk' } });
  const link = new Rfc2217Client(lab.boardList[1].url);
  let uart = '';
  try {
    await link.open(115200);
    const sub = link.onData((d) => (uart += Buffer.from(d).toString('latin1')));
    uart = '';
    await Promise.all([lab.resetBoard(1), lab.resetBoard(2)]);
    const deadline = Date.now() + 30_000;
    while (!/PROV_EVT: got_ip /.test(uart) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    sub.dispose();
    const at = (event: string): number => {
      const m = new RegExp(`I \\((\\d+)\\) PROV_EVT: ${event}\\b`).exec(uart);
      if (!m) throw new Error(`no ${event} on the initiator's console:\n${uart}`);
      return Number(m[1]);
    };
    const boot = at('boot');
    return Object.fromEntries([['boot', boot], ...STAGES.map((s) => [s, at(s) - boot])]) as Split;
  } finally {
    await link.close();
    lab.dispose();
  }
}

async function splits(runs: number): Promise<Figure[]> {
  const out: Figure[] = [];
  for (const known of [true, false]) {
    const samples: Split[] = [];
    for (let i = 0; i < runs; i++) samples.push(await splitOnce(known));
    const m = (k: keyof Split) => median(samples.map((s) => s[k]));
    const how = known ? 'channel known' : 'scanning';
    const note = `median of ${runs}, initiator's clock, both boards reset together`;
    out.push(figure(`provision (${how}): boot → beacon heard`, m('responder_found'), 'ms', undefined, note));
    out.push(figure(`provision (${how}): boot → credentials received`, m('credentials_received'), 'ms', atMost(known ? 150 : 13 * 110), note));
    out.push(figure(`provision (${how}): credentials → associated`, m('wifi_connected') - m('credentials_received'), 'ms'));
    out.push(figure(`provision (${how}): associated → IP`, m('got_ip') - m('wifi_connected'), 'ms'));
    out.push(figure(`provision (${how}): boot → IP`, m('got_ip'), 'ms'));
  }
  return out;
}

/** A full Provision Pair with the build already cached, then Update Credentials on the same boards. */
async function updateVsPair(): Promise<Figure[]> {
  const dir = benchDir('update');
  const lab = await Lab.start({ stateDir: path.join(dir, 'lab'), boards: [{ chip: 'esp32c3' }, { chip: 'esp32c3' }], programs: labPrograms, accessPoint: { ssid: 'home', password: 'first-password', channel: 6, security: 'wpa2-psk' } });
  const builder = new VirtualFirmwareBuilder({ wasmPath: WASM_FIRMWARE, cacheRoot: path.join(dir, 'cache') });
  try {
    const [r, i] = lab.boardList;
    const request: ProvisionRequest = {
      boards: [{ path: r.url, name: 'responder', role: 'responder', target: 'esp32c3' }, { path: i.url, name: 'initiator', role: 'initiator', target: 'esp32c3' }],
      ssid: 'home', password: 'first-password', channel: 6, security: 'secure', pairKey: '5c'.repeat(32), followTimeoutMs: 60_000,
    };
    const timed = async (req: ProvisionRequest) => {
      const t = performance.now();
      const { result, log } = await runLabWorkflow(req, builder);
      if (result.outcome !== 'succeeded') throw new Error(`${result.reasons.join('\n')}\n${log}`);
      return { ms: performance.now() - t, timings: result.timings };
    };
    await timed(request); // warms the build cache
    const pair = await timed(request);
    lab.setAccessPoint({ ssid: 'home', password: 'second-password', channel: 6, security: 'wpa2-psk' });
    const update = await timed({ ...request, password: 'second-password', updateOnly: true });
    const stages = (t: typeof pair.timings) => Object.entries(t).map(([k, v]) => `${k} ${Math.round(v ?? 0)}`).join(', ');
    return [
      figure('Provision Pair, cached build (workflow)', pair.ms / 1000, 's', undefined, `ms per stage: ${stages(pair.timings)}`),
      figure('Update Credentials (no build, NVS only)', update.ms / 1000, 's', undefined, `ms per stage: ${stages(update.timings)}`),
      figure('Update Credentials ÷ Provision Pair (cached build)', update.ms / pair.ms, 'ratio'),
    ];
  } finally {
    lab.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export async function measure(): Promise<Figure[]> {
  return [...(await splits(3)), ...(await updateVsPair())];
}
