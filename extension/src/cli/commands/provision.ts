import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { IdfFirmwareBuilder, VirtualFirmwareBuilder, type FirmwareBuilder } from '../../core/build/firmware-builder';
import { exitCodeOf, ProvisionError } from '../../core/common/errors';
import type { ProductPaths } from '../../core/common/product-paths';
import { checkPassword } from '../../core/config/credentials';
import { SECURITY_MODES as MODES, type SecurityMode } from '../../core/config/settings';
import { flashBoards } from '../../core/flash/flash-boards';
import { chipKey } from '../../core/flash/flash-plan';
import { identifyBoards } from '../../core/flash/identify';
import { Redactor } from '../../core/monitor/redactor';
import { exitCodeOfOutcomes } from '../../core/provision/failure-reasons';
import { ProvisionWorkflow, type ProvisionBoard } from '../../core/provision/provision-workflow';
import { PortArbiter } from '../../core/serial/port-arbiter';
import { secs } from '../board-output';
import { CliUsageError, parseArgs, type CliIo } from '../cli-io';
import { cliMonitors, showFlashProgress } from '../workflow-output';

export const PROVISION_USAGE = `espnow-prov provision --responder PORT --initiator PORT [--initiator PORT]... --ssid SSID
    [--security secure|espressif-4.4|espressif-5.3|espressif-5.4] [--channel N] [--builder idf|virtual] [--idf-path DIR]
    [--firmware DIR] [--build-cache DIR] [--baud N] [--timeout S] [--quiet]
  Provision Pair / Fleet without the editor, for rigs: identifies the boards, builds the firmware per role
  and chip (--builder idf: your ESP-IDF; virtual: the WebAssembly firmware, for virtual lab boards), flashes all boards in
  parallel, monitors them and follows until every initiator has an IP. Secrets come from the environment,
  never from arguments (which other users can see): ESPNOW_WIFI_PASSWORD (empty = open network) and
  ESPNOW_PAIR_KEY (64 hex digits; required in secure mode, e.g. openssl rand -hex 32). --firmware builds another
  ESP-IDF project than the one shipped with this CLI.`;

export interface ProvisionCommandDeps {
  /** Where the installed product's files are (the virtual boards' firmware, the ESP-IDF project). */
  readonly paths: ProductPaths;
  readonly env?: NodeJS.ProcessEnv;
  readonly signal?: AbortSignal;
}

/** `espnow-prov provision`: the editor's Provision Pair / Fleet on the command line. Exit 0 only on success. */
export async function runProvisionCommand(args: readonly string[], io: CliIo, deps: ProvisionCommandDeps): Promise<number> {
  const env = deps.env ?? process.env;
  const { opts, flags, positional } = parseArgs(args, ['quiet'], ['responder', 'initiator', 'ssid', 'security', 'channel', 'builder', 'idf-path', 'firmware', 'build-cache', 'baud', 'timeout']);
  if (positional.length) throw new CliUsageError(`Unexpected argument "${positional[0]}".`);
  const one = (name: string) => opts.get(name)?.at(-1);
  const responder = one('responder');
  const initiators = opts.get('initiator') ?? [];
  if (!responder) throw new CliUsageError('--responder PORT is required.');
  if (initiators.length === 0) throw new CliUsageError('At least one --initiator PORT is required.');
  const ssid = one('ssid');
  if (!ssid) throw new CliUsageError('--ssid is required: the network the new devices join.');
  const security = (one('security') ?? 'secure') as SecurityMode;
  if (!MODES.includes(security)) throw new CliUsageError(`--security "${security}" is not one of ${MODES.join(', ')}.`);
  const channel = int(one('channel'), '--channel', 0, 0, 13);
  const baud = int(one('baud'), '--baud', 921600, 9600, 5_000_000);
  const timeoutS = int(one('timeout'), '--timeout', 90, 5, 3600);
  const builderKind = one('builder') ?? 'idf';
  if (builderKind !== 'idf' && builderKind !== 'virtual') throw new CliUsageError(`--builder "${builderKind}" must be idf or virtual.`);

  const password = checkPassword(env.ESPNOW_WIFI_PASSWORD ?? '', 'ESPNOW_WIFI_PASSWORD');
  const pairKey = env.ESPNOW_PAIR_KEY ?? '';
  if (security === 'secure' && !/^[0-9a-fA-F]{64}$/.test(pairKey)) {
    throw new ProvisionError('config', `ESPNOW_PAIR_KEY must hold 64 hex digits in secure mode (it ${pairKey ? `has ${pairKey.length} characters` : 'is not set'}).`, undefined, 'Make one with: export ESPNOW_PAIR_KEY=$(openssl rand -hex 32), and keep it for every board of this fleet.');
  }
  // The project shipped beside this CLI, never one found from the working folder; --firmware builds another.
  const firmwareDir = resolve(one('firmware') ?? deps.paths.firmwareProject);
  const cacheRoot = resolve(one('build-cache') ?? join(homedir(), '.cache', 'espnow-prov', 'builds'));
  const builder: FirmwareBuilder =
    builderKind === 'virtual' ? new VirtualFirmwareBuilder({ wasmPath: deps.paths.wasmFirmware, cacheRoot }) : new IdfFirmwareBuilder({ idfPath: one('idf-path') ?? env.IDF_PATH, firmwareDir, cacheRoot, env });

  const ports = [responder, ...initiators];
  const arbiter = new PortArbiter();
  const redactor = new Redactor([...(password ? [{ kind: 'password' as const, value: password }] : []), ...(pairKey ? [{ kind: 'pair-key' as const, value: pairKey }] : [])]);
  io.out(`Identifying ${ports.length} boards…`);
  const ids = await identifyBoards(ports, { arbiter });
  const failed = ids.filter((o) => o.error);
  if (failed.length) {
    for (const o of failed) io.err(`  ${o.error!.describe()}`);
    return exitCodeOf[failed[0].error!.kind]; // what `flash` exits with for the same fault
  }
  const boards: ProvisionBoard[] = ids.map((o, i) => ({
    path: o.path,
    name: i === 0 ? 'responder' : initiators.length === 1 ? 'initiator' : `initiator ${i}`,
    role: i === 0 ? 'responder' : 'initiator',
    target: chipKey(o.result!.chipInfo.chip),
  }));
  for (const [i, o] of ids.entries()) io.out(`  ${boards[i].name.padEnd(12)} ${o.result!.description}, MAC ${o.result!.chipInfo.mac} (${o.path})`);

  const workflow = new ProvisionWorkflow(
    // The compat modes send no key; the firmware's Kconfig still wants a value there.
    { boards, ssid, password, channel, security, pairKey: pairKey || '0'.repeat(64), followTimeoutMs: timeoutS * 1000 },
    {
      build: (b, config, signal) => builder.build(b.target, config, { signal }),
      flash: (targets, signal, onProgress) => flashBoards(targets, { arbiter, baud, signal, onProgress }),
      monitor: cliMonitors({ arbiter, redactor, io, quiet: flags.has('quiet') }),
    },
  );
  showFlashProgress(workflow, io);
  workflow.onDidChangeStage(({ stage, detail }) => {
    if (stage !== 'failed' && stage !== 'succeeded') io.out(detail);
  });
  const interrupt = new AbortController();
  const onSignal = () => interrupt.abort();
  process.once('SIGINT', onSignal);
  deps.signal?.addEventListener('abort', onSignal, { once: true });
  try {
    const r = await workflow.run(interrupt.signal);
    const t = r.timings;
    if (r.outcome === 'succeeded') {
      for (const [name, ip] of r.ips) io.out(`${name.padEnd(12)} IP ${ip}`);
      io.out(`Provisioned (build ${secs(t.building)}, flash ${secs(t.flashing)}, provisioning ${secs(t.following)}).`);
      return 0;
    }
    io.err(`Provisioning ${r.outcome} while ${r.stage}:`);
    for (const reason of r.reasons) io.err(`  ${reason}`);
    return exitCodeOfOutcomes(r.boards);
  } finally {
    process.off('SIGINT', onSignal);
    workflow.dispose();
  }
}

function int(text: string | undefined, name: string, fallback: number, min: number, max: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min || n > max) throw new CliUsageError(`${name} "${text}" must be a whole number from ${min} to ${max}.`);
  return n;
}
