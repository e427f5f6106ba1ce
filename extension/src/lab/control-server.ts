import * as fs from 'node:fs';
import * as net from 'node:net';
import type { Disposable } from '../core/common/disposable';
import { isProvisionError, ProvisionError } from '../core/common/errors';
import { LineSplitter } from '../core/monitor/line-splitter';
import { checkControlArgs } from './control-args';
import { CONTROL_OPS, controlFileOf, type ControlFile, type ControlOp, type ControlRequest, type ControlResponse } from './control-protocol';
import type { LabControl } from './lab-types';

/** Requests are small; this only bounds memory against a peer that never sends a newline. */
const MAX_LINE = 1 << 20;

/**
 * Serves a LabControl over the control socket (see control-protocol.ts) so the CLI and the extension can
 * drive a lab running in another process. Listens on 127.0.0.1 only and writes control.json.
 */
export class ControlServer implements Disposable {
  private readonly sockets = new Set<net.Socket>();
  private readonly subscription: Disposable;
  private disposed = false;

  private constructor(
    private readonly server: net.Server,
    private readonly lab: LabControl,
    private readonly stateDir: string,
  ) {
    server.on('connection', (s) => this.accept(s));
    this.subscription = lab.onDidChangeBoards(() => this.broadcast({ event: 'boardsChanged' }));
  }

  static async listen(lab: LabControl, stateDir: string, port = 0): Promise<ControlServer> {
    const server = net.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: '127.0.0.1', port }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const s = new ControlServer(server, lab, stateDir);
    const file: ControlFile = { port: s.port, pid: process.pid };
    fs.writeFileSync(controlFileOf(stateDir), JSON.stringify(file) + '\n');
    return s;
  }

  get port(): number {
    const a = this.server.address();
    return typeof a === 'object' && a ? a.port : 0;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.subscription.dispose();
    const port = this.port;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    this.server.close();
    try {
      // Only our own file: another lab may have started on the same folder since.
      const file = JSON.parse(fs.readFileSync(controlFileOf(this.stateDir), 'utf8')) as ControlFile;
      if (file.pid === process.pid && file.port === port) fs.rmSync(controlFileOf(this.stateDir));
    } catch {
      // Already gone.
    }
  }

  private accept(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    const lines = new LineSplitter({ maxLineLength: MAX_LINE });
    socket.on('data', (chunk: Buffer) => {
      for (const line of lines.push(chunk)) void this.handle(socket, line.text);
    });
  }

  private async handle(socket: net.Socket, line: string): Promise<void> {
    if (line.trim() === '') return;
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
    for (const s of this.sockets) if (!s.destroyed) s.write(line);
  }
}
