import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { FirmwareBuilder } from '../../core/build/firmware-builder';
import { resolveIdfPath } from '../../core/build/idf-build';
import { exitCodeOf, ProvisionError } from '../../core/common/errors';
import type { ProductPaths } from '../../core/common/product-paths';
import { checkChannel, checkFlashBaud, checkLogFolder, checkPassword, checkPorts, checkSsid, checkWholeNumber } from '../../core/config/input-checks';
import { PAIR_KEY_PATTERN, PairKeys, pairKeySecretName } from '../../core/config/pair-keys';
import { CREDENTIALS_IN, SECURITY_MODES as MODES, type CredentialsIn, type SecurityMode } from '../../core/config/settings';
import { flashBoards } from '../../core/flash/flash-boards';
import { DEFAULT_FLASH_BAUD } from '../../core/flash/baud-fallback';
import { chipKey } from '../../core/flash/flash-plan';
import { identifyBoards } from '../../core/flash/identify';
import { Redactor } from '../../core/monitor/redactor';
import { exitCodeOfOutcomes } from '../../core/provision/failure-reasons';
import { runBuilders, runPartName, runRoles } from '../../core/provision/run-plan';
import { ProvisionWorkflow, type ProvisionBoard } from '../../core/provision/provision-workflow';
import { PortArbiter } from '../../core/serial/port-arbiter';
import { secs } from '../board-output';
import { CliUsageError, parseArgs, refusePositional, type CliIo } from '../cli-io';
import { defaultSecretsDir, FileSecretStore } from '../file-secret-store';
import { cliMonitors, showFlashProgress } from '../workflow-output';

export const PROVISION_USAGE = `espnow-prov provision --responder PORT --initiator PORT [--initiator PORT]... --ssid SSID
    [--security secure|espressif-4.4|espressif-5.3|espressif-5.4] [--channel N] [--builder idf|virtual] [--idf-path DIR]
    [--firmware DIR] [--build-cache DIR] [--credentials-in nvs|menuconfig] [--secrets-dir DIR] [--baud N]
    [--timeout S] [--log-dir DIR] [--quiet]
  Provision Pair / Fleet without the editor, for rigs: identifies the boards, builds the firmware (one image
  per chip; --credentials-in menuconfig: per role and chip) with --builder idf (your ESP-IDF) or virtual (the
  WebAssembly firmware, for lab boards), flashes all boards in parallel, each with its own NVS partition
  holding its role and credentials, monitors them and follows until every initiator has an IP. Secrets come
  from the environment, never from arguments (which other users can see): ESPNOW_WIFI_PASSWORD (empty = open
  network) and ESPNOW_PAIR_KEY (64 hex digits). Without ESPNOW_PAIR_KEY, secure mode uses the fleet key kept
  for this responder in --secrets-dir (default ~/.config/espnow-prov/secrets, 0600), made on its first run:
  the path is printed, never the key. --firmware builds another ESP-IDF project than the one shipped.
  --log-dir DIR writes each board's monitor to DIR/<board>-<time>.log (redacted, no colors, host time).`;

export const UPDATE_USAGE = `espnow-prov update --responder PORT --initiator PORT [--initiator PORT]... --ssid SSID [options of provision]
  Update Credentials: writes only each board's NVS partition (new Wi-Fi password, SSID, channel or pair key),
  with no build and no app flashed, resets the boards and follows the provisioning again.`;

export interface ProvisionCommandDeps {
  /** Where the installed product's files are (the virtual boards' firmware, the ESP-IDF project). */
  readonly paths: ProductPaths;
  readonly env?: NodeJS.ProcessEnv;
  readonly signal?: AbortSignal;
}

/** `espnow-prov provision`: the editor's Provision Pair / Fleet on the command line. Exit 0 only on success. */
export async function runProvisionCommand(args: readonly string[], io: CliIo, deps: ProvisionCommandDeps, options: { readonly updateOnly?: boolean } = {}): Promise<number> {
  const env = deps.env ?? process.env;
  const { opts, flags, positional } = parseArgs(args, ['quiet'], ['responder', 'initiator', 'ssid', 'security', 'channel', 'builder', 'idf-path', 'firmware', 'build-cache', 'baud', 'timeout', 'credentials-in', 'secrets-dir', 'log-dir']);
  refusePositional(positional);
  const one = (name: string) => opts.get(name)?.at(-1);
  const responder = one('responder');
  const initiators = opts.get('initiator') ?? [];
  if (!responder) throw new CliUsageError('--responder PORT is required.');
  const responders = opts.get('responder')!.length;
  if (responders > 1) throw new CliUsageError(`--responder is given ${responders} times: a run has one responder.`);
  if (initiators.length === 0) throw new CliUsageError('At least one --initiator PORT is required.');
  const ports = checkPorts([{ name: '--responder', path: responder }, ...initiators.map((path) => ({ name: '--initiator', path }))]);
  const ssidText = one('ssid');
  if (ssidText === undefined) throw new CliUsageError('--ssid is required: the network the new devices join.');
  const ssid = checkSsid(ssidText, '--ssid');
  const security = (one('security') ?? 'secure') as SecurityMode;
  if (!MODES.includes(security)) throw new CliUsageError(`--security "${security}" is not one of ${MODES.join(', ')}.`);
  const channel = checkChannel(one('channel') ?? 0, '--channel');
  const baud = checkFlashBaud(one('baud') ?? DEFAULT_FLASH_BAUD, '--baud');
  const timeoutS = checkWholeNumber(one('timeout') ?? 90, '--timeout', 5, 3600);
  const logDirText = one('log-dir');
  const logDir = logDirText === undefined ? undefined : checkLogFolder(logDirText, '--log-dir');
  const builderKind = one('builder') ?? 'idf';
  if (builderKind !== 'idf' && builderKind !== 'virtual') throw new CliUsageError(`--builder "${builderKind}" must be idf or virtual.`);

  const credentialsIn = (one('credentials-in') ?? 'nvs') as CredentialsIn;
  if (!CREDENTIALS_IN.includes(credentialsIn)) throw new CliUsageError(`--credentials-in "${credentialsIn}" is not one of ${CREDENTIALS_IN.join(', ')}.`);
  if (options.updateOnly && credentialsIn !== 'nvs') throw new CliUsageError('update writes the boards\' NVS partitions: it needs --credentials-in nvs.');
  const password = checkPassword(env.ESPNOW_WIFI_PASSWORD ?? '', 'ESPNOW_WIFI_PASSWORD');
  const keyFromEnv = env.ESPNOW_PAIR_KEY;
  if (security === 'secure' && keyFromEnv !== undefined && !PAIR_KEY_PATTERN.test(keyFromEnv)) {
    throw new ProvisionError('config', `ESPNOW_PAIR_KEY must hold 64 hex digits in secure mode (it has ${keyFromEnv.length} characters).`, undefined, 'Unset it to use (or make) the fleet key of this responder, or set one with: export ESPNOW_PAIR_KEY=$(openssl rand -hex 32).');
  }
  const secretDir = resolve(one('secrets-dir') ?? defaultSecretsDir());
  // The project shipped beside this CLI, never one found from the working folder; --firmware builds another.
  const firmwareDir = resolve(one('firmware') ?? deps.paths.firmwareProject);
  const cacheRoot = resolve(one('build-cache') ?? join(homedir(), '.cache', 'espnow-prov', 'builds'));
  // ESP-IDF is looked for now, not when the first build starts: a missing one must not cost an identify.
  const idfPath = builderKind === 'idf' ? resolveIdfPath(one('idf-path'), env, '--idf-path') : undefined;
  const builder: FirmwareBuilder =
    runBuilders({ paths: deps.paths, cacheRoot, idfPath, firmwareDir, env })[builderKind]();

  const arbiter = new PortArbiter();
  const redactor = new Redactor(password ? [{ kind: 'password' as const, value: password }] : []);
  io.out(`Identifying ${ports.length} boards…`);
  const ids = await identifyBoards(ports, { arbiter });
  const failed = ids.filter((o) => o.error);
  if (failed.length) {
    for (const o of failed) io.err(`  ${o.error!.describe()}`);
    return exitCodeOf[failed[0].error!.kind]; // what `flash` exits with for the same fault
  }
  const roles = runRoles(initiators.length);
  const boards: ProvisionBoard[] = ids.map((o, i) => ({
    path: o.path,
    name: runPartName(roles[i]!, i, initiators.length),
    role: roles[i]!,
    target: chipKey(o.result!.chipInfo.chip),
  }));
  for (const [i, o] of ids.entries()) io.out(`  ${boards[i].name.padEnd(12)} ${o.result!.description}, MAC ${o.result!.chipInfo.mac} (${o.path})`);
  // One key per fleet: ESPNOW_PAIR_KEY, else the one kept for this responder (made on its first run).
  let pairKey = '';
  if (security === 'secure') {
    const store = new FileSecretStore(secretDir);
    const mac = ids[0]!.result!.chipInfo.mac;
    pairKey = keyFromEnv ?? (await new PairKeys(store).forResponder(mac));
    if (keyFromEnv === undefined) io.out(`  pair key of this fleet (responder ${mac}): ${store.pathOf(pairKeySecretName(mac))}`);
    redactor.setSecrets([...(password ? [{ kind: 'password' as const, value: password }] : []), { kind: 'pair-key', value: pairKey }]);
  }

  const workflow = new ProvisionWorkflow(
    // The compat modes send no key; the firmware's Kconfig still wants a value there.
    { boards, ssid, password, channel, security, pairKey, credentialsIn, followTimeoutMs: timeoutS * 1000, ...(options.updateOnly ? { updateOnly: true } : {}) },
    {
      findBuild: (b, config) => builder.findBuild(b.target, config),
      build: (b, config, signal) => builder.build(b.target, config, { signal }),
      flash: (targets, signal, onProgress) => flashBoards(targets, { arbiter, baud, signal, onProgress, afterFlash: 'bootloader' }),
      monitor: cliMonitors({ arbiter, redactor, io, quiet: flags.has('quiet'), logDir }),
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
