import * as fs from 'node:fs';
import * as net from 'node:net';
import type { Disposable } from '../core/common/disposable';
import { Emitter } from '../core/common/emitter';
import { ProvisionError } from '../core/common/errors';
import { LineSplitter } from '../core/monitor/line-splitter';
import type { Position } from './air/air';
import type { BoardFaults } from './chip/chip-program';
import { controlFileOf, type ControlEvent, type ControlFile, type ControlHello, type ControlOp, type ControlResponse } from './control-protocol';
import type { LabBoardInfo, LabBoardSpec, LabControl } from './lab-types';

/** A whole flash image in base64 fits; anything longer is a broken peer. */
const MAX_LINE = 1 << 26;
const REQUEST_TIMEOUT_MS = 10_000;

/**
 * Drives a lab running in another process (`espnow-prov lab`) through its control socket. Same operations
 * as the in-process Lab, so callers do not care where the lab runs.
 */
export class LabClient implements LabControl, Disposable {
  private readonly changeEmitter = new Emitter<void>();
  private readonly closeEmitter = new Emitter<void>();
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  private nextId = 1;

  readonly onDidChangeBoards = this.changeEmitter.event;
  /** The lab went away (stopped or crashed). */
  readonly onDidClose = this.closeEmitter.event;

  private constructor(private readonly socket: net.Socket) {
    const lines = new LineSplitter({ maxLineLength: MAX_LINE });
    socket.on('data', (chunk: Buffer) => {
      for (const line of lines.push(chunk)) this.onLine(line.text);
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      for (const p of this.pending.values()) {
        clearTimeout(p.timer);
        p.reject(new ProvisionError('port-io', 'The lab closed its control connection.', undefined, 'Is the lab still running?'));
      }
      this.pending.clear();
      this.closeEmitter.fire();
    });
  }

  /** Connects to the lab whose control.json is in `stateDir`. */
  static async connectToStateDir(stateDir: string): Promise<LabClient> {
    let file: ControlFile;
    try {
      file = JSON.parse(fs.readFileSync(controlFileOf(stateDir), 'utf8')) as ControlFile;
    } catch {
      throw new ProvisionError('port-missing', `No lab is running for ${stateDir} (no control.json).`, undefined, 'Start one with: espnow-prov lab --boards 2');
    }
    if (typeof file.socket !== 'string' || typeof file.token !== 'string') {
      throw new ProvisionError('config', `${controlFileOf(stateDir)} is not a control file of this version.`, undefined, 'Restart the lab.');
    }
    return LabClient.connect(file.socket, file.token);
  }

  /** Connects to a control socket (path or Windows pipe name) and presents the lab's token. */
  static connect(socketPath: string, token: string): Promise<LabClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ path: socketPath });
      socket.once('connect', () => {
        socket.removeAllListeners('error');
        socket.write(JSON.stringify({ token } satisfies ControlHello) + '\n');
        resolve(new LabClient(socket));
      });
      socket.once('error', (e: NodeJS.ErrnoException) => {
        socket.destroy();
        reject(
          e.code === 'ECONNREFUSED' || e.code === 'ENOENT'
            ? new ProvisionError('port-missing', `No lab control socket at ${socketPath} (${e.code}).`, undefined, 'The lab may have stopped; start it again.', { cause: e })
            : new ProvisionError('port-io', `Connecting to the lab at ${socketPath} failed: ${e.message}`, undefined, undefined, { cause: e }),
        );
      });
    });
  }

  listBoards(): Promise<LabBoardInfo[]> {
    return this.call('listBoards') as Promise<LabBoardInfo[]>;
  }

  createBoard(spec: LabBoardSpec): Promise<LabBoardInfo> {
    return this.call('createBoard', spec) as Promise<LabBoardInfo>;
  }

  async removeBoard(index: number): Promise<void> {
    await this.call('removeBoard', index);
  }

  async resetBoard(index: number): Promise<void> {
    await this.call('resetBoard', index);
  }

  async readFlash(index: number, offset: number, length: number): Promise<Uint8Array> {
    return new Uint8Array(Buffer.from(String(await this.call('readFlash', index, offset, length)), 'base64'));
  }

  setFaults(index: number, faults: Partial<BoardFaults>): Promise<LabBoardInfo> {
    return this.call('setFaults', index, faults) as Promise<LabBoardInfo>;
  }

  async setPosition(index: number, position: Position): Promise<void> {
    await this.call('setPosition', index, position);
  }

  async moveOutOfRange(index: number): Promise<void> {
    await this.call('moveOutOfRange', index);
  }

  async moveIntoRange(index: number): Promise<void> {
    await this.call('moveIntoRange', index);
  }

  async setChannel(channel: number): Promise<void> {
    await this.call('setChannel', channel);
  }

  dispose(): void {
    this.socket.destroy();
    this.changeEmitter.dispose();
  }

  private call(op: ControlOp, ...args: unknown[]): Promise<unknown> {
    if (this.socket.destroyed) return Promise.reject(new ProvisionError('port-io', 'The lab control connection is closed.'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new ProvisionError('timeout', `The lab did not answer "${op}" within ${REQUEST_TIMEOUT_MS / 1000} s.`));
      }, REQUEST_TIMEOUT_MS);
      this.pending.set(id, { resolve, reject, timer });
      this.socket.write(JSON.stringify({ id, op, args }) + '\n');
    });
  }

  private onLine(line: string): void {
    let parsed: ControlResponse | ControlEvent;
    try {
      parsed = JSON.parse(line) as ControlResponse | ControlEvent;
    } catch {
      return;
    }
    if ('event' in parsed) {
      if (parsed.event === 'boardsChanged') this.changeEmitter.fire();
      return;
    }
    const msg = parsed;
    const p = this.pending.get(msg.id);
    if (!p) return;
    this.pending.delete(msg.id);
    clearTimeout(p.timer);
    if (msg.ok) p.resolve(msg.result);
    else p.reject(new ProvisionError(msg.error.kind, msg.error.message, undefined, msg.error.hint));
  }
}
