import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { writePrivateFileSync } from '../core/common/private-file';
import type { Disposable } from '../core/common/disposable';
import { isProvisionError, ProvisionError } from '../core/common/errors';
import { LineSplitter } from '../core/monitor/line-splitter';
import { checkControlArgs } from './control-args';
import {
  CONTROL_OPS,
  controlFileOf,
  newControlToken,
  sameToken,
  type ControlFile,
  type ControlHello,
  type ControlOp,
  type ControlRequest,
  type ControlResponse,
} from './control-protocol';
import type { LabControl } from './lab-types';

/** Requests are small; this only bounds memory against a peer that never sends a newline. */
const MAX_LINE = 1 << 20;
/** sun_path is 108 bytes on Linux and 104 on macOS, with the terminating NUL. */
const MAX_SOCKET_PATH = 100;

/**
 * Serves a LabControl over the control socket (see control-protocol.ts) so the CLI and the extension can
 * drive a lab running in another process. The socket sits in the lab's 0700 state folder (or, if that
 * path is too long for a socket, in a fresh 0700 folder under the temp folder) and wants the token of
 * control.json first; control.json (0600) says where the socket is.
 */
export class ControlServer implements Disposable {
  private readonly sockets = new Set<net.Socket>();
  private readonly authed = new Set<net.Socket>();
  private readonly subscription: Disposable;
  private disposed = false;

  private constructor(
    private readonly server: net.Server,
    private readonly lab: LabControl,
    private readonly stateDir: string,
    /** Where clients connect: a socket path or a Windows pipe name. */
    readonly socketPath: string,
    private readonly token: string,
    /** A folder this server made for its socket, removed on dispose. */
    private readonly ownDir: string | undefined,
  ) {
    server.on('connection', (s) => this.accept(s));
    this.subscription = lab.onDidChangeBoards(() => this.broadcast({ event: 'boardsChanged' }));
  }

  static async listen(lab: LabControl, stateDir: string): Promise<ControlServer> {
    fs.mkdirSync(stateDir, { recursive: true, mode: 0o700 });
    const { socketPath, ownDir } = placeSocket(stateDir);
    if (process.platform !== 'win32') await removeDeadSocket(socketPath, stateDir);
    const server = net.createServer();
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ path: socketPath, exclusive: true }, () => {
          server.off('error', reject);
          resolve();
        });
      });
      if (process.platform !== 'win32') fs.chmodSync(socketPath, 0o600);
    } catch (e) {
      server.close();
      if (ownDir) fs.rmSync(ownDir, { recursive: true, force: true });
      throw new ProvisionError('port-io', `The lab control socket ${socketPath} could not be opened: ${e instanceof Error ? e.message : String(e)}`, undefined, undefined, { cause: e });
    }
    const token = newControlToken();
    const s = new ControlServer(server, lab, stateDir, socketPath, token, ownDir);
    const file: ControlFile = { socket: socketPath, pid: process.pid, token };
    const target = controlFileOf(stateDir);
    writePrivateFileSync(target, JSON.stringify(file) + '\n');
    return s;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.subscription.dispose();
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    this.authed.clear();
    this.server.close();
    try {
      // Only our own file: another lab may have started on the same folder since.
      const file = JSON.parse(fs.readFileSync(controlFileOf(this.stateDir), 'utf8')) as ControlFile;
      if (file.pid === process.pid && file.socket === this.socketPath) fs.rmSync(controlFileOf(this.stateDir));
    } catch {
      // Already gone.
    }
    if (process.platform !== 'win32') fs.rmSync(this.socketPath, { force: true });
    if (this.ownDir) fs.rmSync(this.ownDir, { recursive: true, force: true });
  }

  private accept(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => {
      this.sockets.delete(socket);
      this.authed.delete(socket);
    });
    socket.on('error', () => socket.destroy());
    const lines = new LineSplitter({ maxLineLength: MAX_LINE });
    socket.on('data', (chunk: Buffer) => {
      for (const line of lines.push(chunk)) void this.handle(socket, line.text);
    });
  }

  private async handle(socket: net.Socket, line: string): Promise<void> {
    if (line.trim() === '') return;
    if (!this.authed.has(socket)) {
      // Refused already: the rest of what it sent is not read.
      if (socket.writableEnded) return;
      let hello: Partial<ControlHello> = {};
      try {
        hello = JSON.parse(line) as Partial<ControlHello>;
      } catch {
        // Not even JSON: refused below like a wrong token.
      }
      if (sameToken(hello?.token, this.token)) {
        this.authed.add(socket);
        return;
      }
      const refused: ControlResponse = { id: 0, ok: false, error: { kind: 'config', message: 'The lab control socket wants the token of control.json first.' } };
      socket.end(JSON.stringify(refused) + '\n');
      return;
    }
    let id = 0;
    let response: ControlResponse;
    try {
      const req = JSON.parse(line) as ControlRequest;
      id = Number(req.id) || 0;
      if (!CONTROL_OPS.includes(req.op)) throw new Error(`unknown operation "${String(req.op)}"`);
      if (req.args !== undefined && !Array.isArray(req.args)) throw new ProvisionError('config', `${req.op}: args must be an array.`);
      const result = await this.call(req.op, checkControlArgs(req.op, req.args ?? []));
      response = { id, ok: true, result };
    } catch (e) {
      response = isProvisionError(e)
        ? { id, ok: false, error: { kind: e.kind, message: e.message, hint: e.hint } }
        : { id, ok: false, error: { kind: 'protocol', message: e instanceof Error ? e.message : String(e) } };
    }
    if (!socket.destroyed) socket.write(JSON.stringify(response) + '\n');
  }

  private async call(op: ControlOp, args: unknown[]): Promise<unknown> {
    const lab = this.lab as unknown as Record<ControlOp, (...a: unknown[]) => Promise<unknown>>;
    const result = await lab[op].apply(this.lab, args);
    return result instanceof Uint8Array ? Buffer.from(result).toString('base64') : result;
  }

  private broadcast(event: object): void {
    const line = JSON.stringify(event) + '\n';
    for (const s of this.authed) if (!s.destroyed) s.write(line);
  }
}

/** The socket path for `stateDir`, or a fresh 0700 folder of our own when that path is too long. */
function placeSocket(stateDir: string): { socketPath: string; ownDir?: string } {
  if (process.platform === 'win32') return { socketPath: `\\\\.\\pipe\\espnow-prov-lab-${crypto.randomBytes(12).toString('hex')}` };
  const inState = path.join(stateDir, 'control.sock');
  if (Buffer.byteLength(inState) <= MAX_SOCKET_PATH) return { socketPath: inState };
  const ownDir = fs.mkdtempSync(path.join(os.tmpdir(), 'espnow-lab-')); // mkdtemp makes it 0700
  return { socketPath: path.join(ownDir, 'control.sock'), ownDir };
}

/** A socket file left by a killed lab is removed; one a live lab answers on is an error. */
async function removeDeadSocket(socketPath: string, stateDir: string): Promise<void> {
  if (!fs.existsSync(socketPath)) return;
  const alive = await new Promise<boolean>((resolve) => {
    const probe = net.connect({ path: socketPath });
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
  if (alive) throw new ProvisionError('config', `Another lab is already running for ${stateDir}.`, undefined, 'Stop it first, or give this one its own --state-dir.');
  fs.rmSync(socketPath, { force: true });
}
