import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ProvisionError } from '../common/errors';
import { renderSdkconfig, type FirmwareConfig } from './sdkconfig';

export interface HostBuildRequest {
  /** The repository root (holds firmware/). */
  readonly repoRoot: string;
  /** esptool chip name: esp32, esp32s3, esp32c3. */
  readonly target: string;
  readonly config: FirmwareConfig;
  /** Where the idf.py-style build folder goes. It holds secrets: keep it out of the workspace. */
  readonly outDir: string;
}

/**
 * Builds the firmware for virtual boards: compiles the host program once (make, incremental) and packs
 * an idf.py-style image set for one role with the firmware's packer, through its command line, the same
 * contract as the real build. The sdkconfig with the secrets is written 0600 inside `outDir`.
 */
export async function buildHostFirmware(req: HostBuildRequest): Promise<string> {
  const hostDir = join(req.repoRoot, 'firmware', 'host');
  if (!existsSync(hostDir)) throw new ProvisionError('build', `No firmware host build at ${hostDir}.`, undefined, 'Run this from a checkout of the project (the VSIX does not ship the firmware sources).');
  await run('make', ['-C', hostDir, '-s', '-j2'], 'compiling the firmware host program (make -C firmware/host)');
  mkdirSync(req.outDir, { recursive: true, mode: 0o700 });
  const sdkconfig = join(req.outDir, 'sdkconfig');
  writeFileSync(sdkconfig, renderSdkconfig(req.config), { mode: 0o600 });
  chmodSync(sdkconfig, 0o600);
  await run(process.execPath, [join(hostDir, 'pack-image.mjs'), '--target', req.target, '--sdkconfig', sdkconfig, '--out', req.outDir], `packing the ${req.config.role} image for ${req.target}`);
  return req.outDir;
}

function run(cmd: string, args: string[], what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', (e) => reject(new ProvisionError('build', `Failed ${what}: ${e.message}`, undefined, cmd === 'make' ? 'Install make and gcc (scripts/setup.sh does).' : undefined, { cause: e })));
    child.on('close', (code) => (code === 0 ? resolve() : reject(new ProvisionError('build', `Failed ${what} (exit ${code}):\n${out.trim().split('\n').slice(-15).join('\n')}`))));
  });
}
