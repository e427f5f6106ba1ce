import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { exitCodeOf, ProvisionError } from '../../core/common/errors';
import type { ProductPaths } from '../../core/common/product-paths';
import { SECURITY_MODES, type SecurityMode } from '../../core/config/settings';
import { flashBoards } from '../../core/flash/flash-boards';
import { identifyBoards } from '../../core/flash/identify';
import { Redactor } from '../../core/monitor/redactor';
import { exitCodeOfOutcomes } from '../../core/provision/failure-reasons';
import { runBuilders, runPartName, runRoles } from '../../core/provision/run-plan';
import { ProvisionWorkflow, type ProvisionStage } from '../../core/provision/provision-workflow';
import { PortArbiter } from '../../core/serial/port-arbiter';
import { Lab } from '../../lab/lab';
import { labPrograms } from '../../lab/lab-programs';
import { checkLogFolder, checkWholeNumber } from '../../core/config/input-checks';
import { bold, CliUsageError, parseArgs, refusePositional, type CliIo } from '../cli-io';
import { makeDemoWorkDir } from '../demo-work-dir';
import { cliMonitors, showFlashProgress } from '../workflow-output';
import { secs } from '../board-output';
import { labChipMix } from '../../lab/board-identity';

export const DEMO_USAGE = `espnow-prov demo [--initiators N] [--mode secure|espressif-4.4|espressif-5.3|espressif-5.4] [--timeout S] [--capture FILE] [--log-dir DIR] [--quiet]
  The whole job on virtual boards: starts a lab (one responder, N initiators, an access point), builds the
  firmware per role (the WebAssembly build virtual boards run), identifies and flashes every board in parallel, monitors them all
  and follows the provisioning until every initiator has an IP address, or says exactly why not.
  --capture FILE writes every ESP-NOW frame of the run to FILE: a pcap for Wireshark / tshark when it ends
  in .pcap, else JSON lines (owner-only; in an espressif-* mode it holds the password in clear).
  --log-dir DIR writes each board's monitor to DIR/<board>-<time>.log (redacted, no colors, host time).`;


/** Where SIGINT and SIGTERM come from: the process, or an emitter in tests (a real signal would stop the runner). */
export interface SignalSource {
  on(signal: 'SIGINT' | 'SIGTERM', listener: () => void): unknown;
  off(signal: 'SIGINT' | 'SIGTERM', listener: () => void): unknown;
}

/** What a test may fix or watch; the CLI passes none of it. */
export interface DemoDeps {
  /** Where the installed product's files are (the virtual boards' firmware). */
  readonly paths: ProductPaths;
  /** This run's Wi-Fi password and pair key, random by default; a test fixes them to check they never show. */
  readonly secrets?: { readonly password: string; readonly pairKey: string };
  /** Told the run's temporary folder as soon as it exists: it holds sdkconfig files with the secrets. */
  readonly onWorkDir?: (dir: string) => void;
  readonly signals?: SignalSource;
  /** Called once the lab runs, before anything talks to it: a test sets board faults here. */
  readonly onLab?: (lab: Lab) => Promise<void>;
}

/** The shell's code for a run stopped by Ctrl+C. */
export const INTERRUPTED_EXIT = exitCodeOf.cancelled;

/** `espnow-prov demo`: a virtual pair (or fleet) provisioned end to end. Exit 0 only if every initiator got an IP. */
export async function runDemoCommand(args: readonly string[], io: CliIo, deps: DemoDeps): Promise<number> {
  const { opts, flags, positional } = parseArgs(args, ['quiet'], ['initiators', 'mode', 'timeout', 'capture', 'log-dir']);
  refusePositional(positional);
  const capture = opts.get('capture')?.at(-1);
  const capturePath = capture === undefined ? undefined : resolve(capture);
  const initiators = checkWholeNumber(opts.get('initiators')?.at(-1) ?? 1, '--initiators', 1, 32);
  const timeoutS = checkWholeNumber(opts.get('timeout')?.at(-1) ?? 60, '--timeout', 5, 600);
  const mode = opts.get('mode')?.at(-1) ?? 'secure';
  if (!(SECURITY_MODES as readonly string[]).includes(mode)) throw new CliUsageError(`--mode "${mode}" is not one of ${SECURITY_MODES.join(', ')}.`);
  const security = mode as SecurityMode;
  const logDirText = opts.get('log-dir')?.at(-1);
  const logDir = logDirText === undefined ? undefined : checkLogFolder(logDirText, '--log-dir');

  // Secrets of this run only: random, never printed, and kept outside any workspace.
  const ssid = 'demo-lab';
  const { password, pairKey } = deps.secrets ?? { password: randomBytes(9).toString('base64url'), pairKey: randomBytes(32).toString('hex') };
  const started = performance.now();
  const t = () => `${((performance.now() - started) / 1000).toFixed(1)}s`.padStart(6);
  const step = (s: string) => io.out(bold(io, `[${t()}] ${s}`));
  const redactor = new Redactor([
    { kind: 'password', value: password },
    { kind: 'pair-key', value: pairKey },
  ]);
  const arbiter = new PortArbiter();
  let lab: Lab | undefined;
  // Without handlers a Ctrl+C ends the process on the spot, skipping `finally` and leaving the secrets
  // on disk. With them the run stops at its next step boundary and cleans up. A step under way (a build,
  // a flash) finishes first: stopping it halfway could leave it writing into a folder already removed.
  const interrupted = new AbortController();
  const signals = deps.signals ?? process;
  const onSignal = () => interrupted.abort();
  signals.on('SIGINT', onSignal);
  signals.on('SIGTERM', onSignal);
  const stopIfInterrupted = () => interrupted.signal.throwIfAborted();
  // Also removes the folders (with their secrets) of earlier demos that were killed.
  const work = makeDemoWorkDir().dir;
  deps.onWorkDir?.(work);
  try {
    const chips = labChipMix(initiators + 1);
    step(`Starting a virtual lab: ${chips.length} boards and an access point "${ssid}" (${security} mode)`);
    lab = await Lab.start({ stateDir: join(work, 'lab'), boards: chips.map((chip) => ({ chip })), programs: labPrograms, accessPoint: { ssid, password, channel: 6, security: 'wpa2-psk' }, ...(capturePath ? { air: { capturePath } } : {}) });
    await deps.onLab?.(lab);
    stopIfInterrupted();
    const roles = runRoles(initiators);
    const boards = lab.boardList.map((b, i) => ({ url: b.url, chip: chips[i], role: roles[i]!, name: runPartName(roles[i]!, i, initiators) }));

    step('Identifying every board through its ROM bootloader');
    for (const o of await identifyBoards(boards.map((b) => b.url), { arbiter })) {
      if (o.error) throw o.error;
      io.out(`         ${boards.find((b) => b.url === o.path)!.name.padEnd(12)} ${o.result!.description}, MAC ${o.result!.chipInfo.mac} (${o.path})`);
    }
    stopIfInterrupted();

    const builder = runBuilders({ paths: deps.paths, cacheRoot: join(work, 'build') }).virtual();
    const workflow = new ProvisionWorkflow(
      {
        boards: boards.map((b) => ({ path: b.url, name: b.name, role: b.role, target: b.chip })),
        ssid,
        password,
        channel: 6,
        security,
        pairKey,
        followTimeoutMs: timeoutS * 1000,
        beaconWindowS: timeoutS,
        scanTimeoutS: timeoutS,
      },
      {
        findBuild: (b, config) => builder.findBuild(b.target, config),
        build: async (b, config, signal) => {
          const { buildDir, cached } = await builder.build(b.target, config, { signal });
          signal.throwIfAborted();
          io.out(`         ${b.target}: ${buildDir}${cached ? ' (cached)' : ''}`);
          return { buildDir, cached };
        },
        flash: (targets, signal, onProgress) => flashBoards(targets, { arbiter, baud: 921600, signal, onProgress, afterFlash: 'bootloader' }),
        monitor: cliMonitors({ arbiter, redactor, io, quiet: flags.has('quiet'), logDir }),
      },
    );
    showFlashProgress(workflow, io);
    workflow.onDidChangeStage(({ stage, detail }) => {
      const title = STAGE_TITLES[stage];
      if (title) step(stage === 'building' ? `${title}: ${detail.replace(/^building the firmware for /, '')}` : title);
    });
    const result = await workflow.run(interrupted.signal);
    workflow.dispose();
    if (result.outcome === 'cancelled') throw new ProvisionError('cancelled', 'Interrupted.');
    if (result.outcome === 'failed') {
      for (const r of result.reasons) io.err(`  ${r}`);
      return exitCodeOfOutcomes(result.boards);
    }
    for (const [name, ip] of result.ips) io.out(`         ${name.padEnd(12)} IP ${ip}`);
    const t = result.timings;
    io.out(`         build ${secs(t.building)}, flash ${secs(t.flashing)}, monitors ${secs(t.monitoring)}, provisioning ${secs(t.following)}`);
    return 0;
  } catch (e) {
    // Whatever failed after a Ctrl+C (a build whose compiler got the signal too) is the interrupt's doing.
    if (!interrupted.signal.aborted) throw e;
    io.err('Interrupted: stopping the lab and removing this run\'s files.');
    return INTERRUPTED_EXIT;
  } finally {
    // Disposing powers the boards off at once (their firmware runs in this process) and writes their flash
    // files synchronously: nothing is left to wait for before the folder with the secrets goes.
    lab?.dispose();
    rmSync(work, { recursive: true, force: true });
    signals.off('SIGINT', onSignal);
    signals.off('SIGTERM', onSignal);
  }
}

const STAGE_TITLES: Partial<Record<ProvisionStage, string>> = {
  building: 'Building the firmware, one image per chip (the WebAssembly build; roles and credentials go to each board\'s NVS)',
  flashing: 'Flashing every board in parallel with its own configuration partition (compressed, verified by MD5)',
  monitoring: 'Monitoring every board',
  following: 'Following the provisioning',
  succeeded: 'Provisioned: every initiator joined the Wi-Fi',
  failed: 'Provisioning failed',
};
