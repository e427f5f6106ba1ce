import * as fs from 'node:fs';
import { join } from 'node:path';
import { DisposableStore, type Disposable } from '../core/common/disposable';
import { Emitter } from '../core/common/emitter';
import { ProvisionError } from '../core/common/errors';
import { AccessPoint, type AccessPointConfig } from './air/access-point';
import { Air, type AirOptions, type Position } from './air/air';
import { VirtualBoard } from './board/virtual-board';
import { formatMac, parseMac } from './air/mac';
import { CHIP_LABELS, macForIndex } from './board-identity';
import type { BoardFaults } from './chip/chip-program';
import { openFlashStore } from './flash/flash-store';
import { flashFileOf, readLabState, writeLabState, type SavedBoard } from './lab-state';
import type { LabBoardInfo, LabBoardSpec, LabControl, LabEnvironment, ProgramsFactory } from './lab-types';

/** 4 MB: the flash of the common DevKitC / DevKitM modules. */
export const LAB_FLASH_SIZE = 4 * 1024 * 1024;

/** The lab's access point unless the caller configures one. */
export const DEFAULT_ACCESS_POINT: AccessPointConfig = { ssid: 'lab-wifi', password: 'lab-password', channel: 6, security: 'wpa2-psk' };

export interface LabOptions {
  /** Holds lab.json and every board's flash file; created if missing. */
  readonly stateDir: string;
  /**
   * Boards to run. Omitted: the boards recorded in lab.json. Given: board i reuses the MAC and port that
   * lab.json recorded for board i when the chip matches, so `lab --boards 2` twice gives the same boards.
   */
  readonly boards?: readonly LabBoardSpec[];
  readonly programs: ProgramsFactory;
  readonly accessPoint?: AccessPointConfig;
  readonly air?: AirOptions;
  readonly log?: (message: string) => void;
}

/**
 * A running virtual lab: boards (each with its RFC2217 server and flash file), the simulated air and the
 * access point that the boards' firmware, running in this process, uses. `dispose()` stops all of it.
 */
export class Lab implements LabControl, Disposable {
  private readonly store = new DisposableStore();
  private readonly boards = new Map<number, VirtualBoard>();
  private readonly changeEmitter = this.store.add(new Emitter<void>());
  private accessPoint: AccessPoint;
  private accessPointConfig: AccessPointConfig;
  readonly onDidChangeBoards = this.changeEmitter.event;

  private constructor(
    readonly stateDir: string,
    readonly air: Air,
    private readonly programs: ProgramsFactory,
    accessPoint: AccessPointConfig,
    private readonly logFn: (message: string) => void,
  ) {
    this.accessPoint = new AccessPoint(accessPoint);
    this.accessPointConfig = accessPoint;
    this.store.add(air);
    this.store.add({ dispose: () => this.disposeBoards() });
  }

  static async start(options: LabOptions): Promise<Lab> {
    // The state folder holds flash files with credentials in them: owner only.
    fs.mkdirSync(options.stateDir, { recursive: true, mode: 0o700 });
    fs.chmodSync(options.stateDir, 0o700);
    const log = options.log ?? (() => undefined);
    const stale = removeLegacyConfigFiles(options.stateDir);
    if (stale) log(`removed ${stale} config file(s) an older lab left behind`);
    const saved = readLabState(options.stateDir);
    const air = new Air(options.air);
    const lab: Lab = new Lab(options.stateDir, air, options.programs, options.accessPoint ?? DEFAULT_ACCESS_POINT, log);
    try {
      const specs: SavedBoard[] = options.boards
        ? options.boards.map((b, i) => {
            const old = saved[i]?.chip === b.chip ? saved[i] : undefined;
            return { index: i + 1, chip: b.chip, mac: b.mac ?? old?.mac ?? macForIndex(i + 1), port: b.port ?? old?.port ?? 0, wiring: b.wiring ?? old?.wiring ?? 'uart-bridge' };
          })
        : saved;
      for (const s of specs) await lab.addBoard(s);
      lab.save();
    } catch (e) {
      lab.dispose();
      throw e;
    }
    return lab;
  }

  /** The boards, by index. */
  get boardList(): readonly VirtualBoard[] {
    return [...this.boards.values()];
  }

  board(index: number): VirtualBoard {
    const b = this.boards.get(index);
    if (!b) throw new ProvisionError('config', `The lab has no board ${index}.`, undefined, `Boards: ${[...this.boards.keys()].join(', ') || 'none'}.`);
    return b;
  }

  async listBoards(): Promise<LabBoardInfo[]> {
    return this.boardList.map(infoOf);
  }

  async createBoard(spec: LabBoardSpec): Promise<LabBoardInfo> {
    const index = Math.max(0, ...this.boards.keys()) + 1;
    const board = await this.addBoard({ index, chip: spec.chip, mac: spec.mac ?? this.freeMac(index), port: spec.port ?? 0, wiring: spec.wiring ?? 'uart-bridge' });
    this.save();
    this.changeEmitter.fire();
    return infoOf(board);
  }

  async removeBoard(index: number): Promise<void> {
    const board = this.board(index);
    const mac = formatMac(board.mac);
    this.boards.delete(index);
    board.dispose();
    // A removed board's firmware goes with it; a new board never inherits it by reusing the MAC.
    fs.rmSync(flashFileOf(this.stateDir, mac), { force: true });
    this.save();
    this.changeEmitter.fire();
  }

  async resetBoard(index: number): Promise<void> {
    this.board(index).reboot();
  }

  async readFlash(index: number, offset: number, length: number): Promise<Uint8Array> {
    const b = this.board(index);
    if (!Number.isInteger(offset) || !Number.isInteger(length) || offset < 0 || length < 0 || offset + length > b.flash.size) {
      throw new ProvisionError('config', `Flash range 0x${offset.toString(16)}+${length} is outside board ${index}'s ${b.flash.size} bytes.`);
    }
    return b.readFlash(offset, length);
  }

  async setFaults(index: number, faults: Partial<BoardFaults>): Promise<LabBoardInfo> {
    const b = this.board(index);
    b.setFaults(faults);
    this.changeEmitter.fire();
    return infoOf(b);
  }

  async setPosition(index: number, position: Position): Promise<void> {
    this.air.setPosition(formatMac(this.board(index).mac), position);
  }

  async moveOutOfRange(index: number): Promise<void> {
    this.air.moveOutOfRange(formatMac(this.board(index).mac));
  }

  async moveIntoRange(index: number): Promise<void> {
    this.air.moveIntoRange(formatMac(this.board(index).mac));
  }

  /**
   * Replaces the access point (SSID, password, channel, security): the lab's AP stands for the user's
   * network, so Provision Pair sets it to the configured credentials before a run. Leases start afresh.
   */
  setAccessPoint(config: AccessPointConfig): void {
    const next = new AccessPoint(config);
    this.accessPoint = next;
    this.accessPointConfig = config;
  }

  /** The access point's SSID and channel (not its password). */
  get accessPointInfo(): { ssid: string; channel: number } {
    return { ssid: this.accessPointConfig.ssid, channel: this.accessPointConfig.channel };
  }

  async setChannel(channel: number): Promise<void> {
    const config = { ...this.accessPointConfig, channel, bssid: this.accessPoint.bssid };
    try {
      this.accessPoint = new AccessPoint(config);
      this.accessPointConfig = config;
    } catch (e) {
      throw new ProvisionError('config', `Channel ${channel} is not a Wi-Fi channel.`, undefined, 'Use 1..13.', { cause: e });
    }
  }

  dispose(): void {
    this.store.dispose();
  }

  private async addBoard(s: SavedBoard): Promise<VirtualBoard> {
    const mac = parseMac(s.mac, `board ${s.index}`);
    const macText = formatMac(mac);
    if (this.boardList.some((b) => formatMac(b.mac) === macText)) {
      throw new ProvisionError('config', `MAC ${macText} is already used by another lab board.`);
    }
    const env: LabEnvironment = { stateDir: this.stateDir, air: this.air, accessPoints: () => [this.accessPoint], log: this.logFn };
    const options = {
      index: s.index,
      chip: s.chip,
      mac,
      programs: this.programs(env, { index: s.index, chip: s.chip, mac: macText }),
      wiring: s.wiring,
      log: this.logFn,
    };
    let board: VirtualBoard;
    try {
      board = await VirtualBoard.create({ ...options, port: s.port, flash: openFlashStore(flashFileOf(this.stateDir, macText), LAB_FLASH_SIZE) });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE' || !s.port) throw e;
      // The port of the last run is taken by another program now: a new port beats no board.
      this.logFn(`board ${s.index}: port ${s.port} is in use, taking another one`);
      board = await VirtualBoard.create({ ...options, port: 0, flash: openFlashStore(flashFileOf(this.stateDir, macText), LAB_FLASH_SIZE) });
    }
    this.boards.set(s.index, board);
    board.onDidChangeState(() => this.changeEmitter.fire());
    // hostConnected is part of a board's info: a host coming or going is a change listeners must hear.
    board.onDidChangeHost(() => this.changeEmitter.fire());
    return board;
  }

  private freeMac(index: number): string {
    const used = new Set(this.boardList.map((b) => formatMac(b.mac)));
    let n = index;
    while (used.has(macForIndex(n))) n++;
    return macForIndex(n);
  }

  private save(): void {
    writeLabState(
      this.stateDir,
      this.boardList.map((b) => ({ index: b.index, chip: b.chip, mac: formatMac(b.mac), port: b.port, wiring: b.wiring })),
    );
  }

  private disposeBoards(): void {
    const boards = [...this.boards.values()];
    this.boards.clear();
    for (const b of boards) b.dispose();
  }
}

/**
 * Labs before the WebAssembly firmware handed each native firmware program its config (Wi-Fi password, pair
 * key) as a file under `<state>/run/`; one killed before its cleanup left them there. Today's lab writes
 * none, and removes what an older one left behind.
 */
function removeLegacyConfigFiles(stateDir: string): number {
  const run = join(stateDir, 'run');
  let names: string[];
  try {
    names = fs.readdirSync(run);
  } catch {
    return 0;
  }
  fs.rmSync(run, { recursive: true, force: true });
  return names.filter((n) => n.startsWith('config-')).length;
}

function infoOf(b: VirtualBoard): LabBoardInfo {
  return {
    index: b.index,
    chip: b.chip,
    chipLabel: CHIP_LABELS[b.chip],
    mac: formatMac(b.mac),
    port: b.port,
    url: b.url,
    wiring: b.wiring,
    state: b.state,
    hostConnected: b.hostConnected,
    faults: { ...b.faults },
  };
}
