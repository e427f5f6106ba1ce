import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Disposable } from '../../core/common/disposable';

/** Grace between SIGTERM (power off) and SIGKILL, per docs/LAB-LINK.md. */
export const KILL_GRACE_MS = 500;

/** Relative path of the firmware's host build inside the repository (firmware/host/Makefile). */
const HOST_PROGRAM_IN_REPO = join('firmware', 'host', 'build', 'espnow_prov_host');

/**
 * The checkout holding `firmware/host`, found by walking up from this file and then from the current
 * folder, so it works from the sources (tsx), from the webpack bundle in dist/ and from a shell in the
 * repository. Undefined outside a checkout (an installed VSIX ships no firmware sources).
 */
export function findRepoRoot(): string | undefined {
  for (const start of [__dirname, process.cwd()]) {
    for (let dir = resolve(start); ; dir = dirname(dir)) {
      if (existsSync(join(dir, 'firmware', 'host'))) return dir;
      if (dirname(dir) === dir) break;
    }
  }
  return undefined;
}

/** `<repo>/firmware/host/build/espnow_prov_host` (relative to the current folder outside a checkout). */
export function defaultHostProgram(): string {
  const root = findRepoRoot();
  return root ? join(root, HOST_PROGRAM_IN_REPO) : resolve(HOST_PROGRAM_IN_REPO);
}

/** `<state>/run`: where the config files of running host programs live. */
function runDirOf(stateDir: string): string {
  return join(stateDir, 'run');
}

/** `config-<mac>-<pid>-<time>.cfg`; the pid tells whose run a file belongs to. */
const CONFIG_FILE = /^config-[0-9a-f]{12}-(\d+)-[0-9a-z]+\.cfg$/;

function isOtherLiveProcess(pid: number): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes config files (Wi-Fi password, pair key) that an earlier lab left behind because it died before
 * its cleanup ran. Files of another live process are kept: that lab may be about to start its program.
 * Our own pid is not spared, since in a container every run may get the same pid; a lab calls this before
 * it starts any board.
 */
export function removeStaleHostConfigs(stateDir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(runDirOf(stateDir));
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    if (!name.startsWith('config-')) continue;
    const pid = CONFIG_FILE.exec(name)?.[1];
    if (pid !== undefined && isOtherLiveProcess(Number(pid))) continue;
    rmSync(join(runDirOf(stateDir), name), { force: true });
    removed.push(name);
  }
  return removed;
}

/** How to start one board's host program and where its console goes. */
export interface HostRunOptions {
  readonly program: string;
  /** Folder for the config file (the lab's state folder). */
  readonly stateDir: string;
  /** The config blob from the image, copied unchanged. */
  readonly config: Uint8Array;
  readonly mac: string;
  readonly linkPort: number;
  /** UART TX: the program's stdout. */
  readonly onOutput: (data: Uint8Array) => void;
  /** Lab diagnostics: stderr, exit status. */
  readonly log: (message: string) => void;
}

/**
 * The firmware's host program running as a virtual board's app (docs/LAB-LINK.md): config file 0600 in
 * the state folder. The program removes it once read; removing it again at exit covers a program that
 * failed before reading it. Disposing is powering off (SIGTERM, then SIGKILL).
 */
export class HostRun implements Disposable {
  private readonly child: ChildProcess;
  private readonly configPath: string;
  private killTimer: NodeJS.Timeout | undefined;
  private exited = false;
  private lastByte = 0;
  /** Resolves once the process is gone and its config file removed. */
  readonly whenExited: Promise<void>;

  constructor(private readonly o: HostRunOptions) {
    const dir = runDirOf(o.stateDir);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.configPath = join(dir, `config-${o.mac.replace(/:/g, '')}-${process.pid}-${Date.now().toString(36)}.cfg`);
    // wx + 0600: the file holds the Wi-Fi password and pair key; never reuse or widen an existing file.
    writeFileSync(this.configPath, o.config, { mode: 0o600, flag: 'wx' });
    let resolveExit!: () => void;
    this.whenExited = new Promise((r) => (resolveExit = r));
    this.child = spawn(o.program, ['--config', this.configPath, '--mac', o.mac, '--link', `127.0.0.1:${o.linkPort}`], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child.stdout!.on('data', (d: Buffer) => o.onOutput(this.crlf(d)));
    this.child.stderr!.on('data', (d: Buffer) => o.log(`host program: ${d.toString('utf8').trimEnd()}`));
    // Writing to a program that just died raises EPIPE on stdin; the exit handler reports the death.
    this.child.stdin!.on('error', () => undefined);
    this.child.on('error', (e) => {
      o.log(`host program ${o.program} failed to start: ${e.message}`);
      this.finish();
      resolveExit();
    });
    this.child.on('close', (code, signal) => {
      if (!this.exited) o.log(`host program exited (${signal ?? `code ${code}`})`);
      this.finish();
      resolveExit();
    });
  }

  /**
   * An ESP-IDF app's stdout goes through newlib, which turns "\n" into "\r\n" on the UART by default
   * (CONFIG_NEWLIB_STDOUT_LINE_ENDING_CRLF); the host program writes plain "\n", so the board does it.
   */
  private crlf(d: Buffer): Uint8Array {
    const out: number[] = [];
    for (const b of d) {
      if (b === 0x0a && this.lastByte !== 0x0d) out.push(0x0d);
      out.push(b);
      this.lastByte = b;
    }
    return Uint8Array.from(out);
  }

  /** UART RX: bytes go to the program's stdin. */
  write(data: Uint8Array): void {
    if (!this.exited && this.child.stdin?.writable) this.child.stdin.write(data);
  }

  private finish(): void {
    this.exited = true;
    if (this.killTimer) clearTimeout(this.killTimer);
    this.killTimer = undefined;
    rmSync(this.configPath, { force: true });
  }

  dispose(): void {
    if (this.exited || this.killTimer) return;
    this.child.stdin?.destroy();
    this.child.kill('SIGTERM');
    this.killTimer = setTimeout(() => {
      this.o.log(`host program ignored SIGTERM for ${KILL_GRACE_MS} ms, killing it`);
      this.child.kill('SIGKILL');
    }, KILL_GRACE_MS);
  }
}
