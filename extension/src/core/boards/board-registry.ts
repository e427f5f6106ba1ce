import { DisposableStore, type Disposable } from '../common/disposable';
import { Emitter } from '../common/emitter';
import { ProvisionError } from '../common/errors';
import { defaultBoardName, identityOf, type Board, type BoardActivity, type ChipInfo, type Role } from './board';
import { BoardNames } from './board-names';
import type { BoardDiscovery } from './board-discovery';
import type { DetectedPort } from './detected-port';
import type { KeyValueStore } from './key-value-store';
import type { RoleStore } from './role-store';

const CHIP_CACHE_KEY = 'espnow.chipInfo.v1';

/**
 * The boards connected now, joined with what we know of them: chip and MAC (cached by a key that
 * survives re-plugs), role, and current activity. Every front end (tree, status bar, CLI) reads this.
 */
export class BoardRegistry implements Disposable {
  private readonly store = new DisposableStore();
  private readonly changeEmitter = this.store.add(new Emitter<void>());
  private readonly activities = new Map<string, BoardActivity>();
  private readonly firmware = new Map<string, string>();
  /** Chip info of boards whose only identity is their path: valid while they stay plugged in. */
  private readonly volatileChipInfo = new Map<string, ChipInfo>();
  private readonly names: BoardNames;

  readonly onDidChange = this.changeEmitter.event;

  constructor(
    private readonly discovery: BoardDiscovery,
    private readonly roles: RoleStore,
    private readonly kv: KeyValueStore,
  ) {
    this.names = new BoardNames(kv);
    this.store.add(
      discovery.onDidChange((diff) => {
        for (const p of diff.removed) {
          this.activities.delete(p.path);
          this.firmware.delete(p.path);
          this.volatileChipInfo.delete(p.path);
        }
        this.changeEmitter.fire();
      }),
    );
  }

  list(): Board[] {
    return this.discovery.ports.map((p) => this.toBoard(p));
  }

  /** Finds a connected board by port path or identity. */
  find(pathOrIdentity: string): Board | undefined {
    return this.list().find((b) => b.port.path === pathOrIdentity || b.identity === pathOrIdentity || b.identity === this.roles.resolve(pathOrIdentity));
  }

  /** Like find, but a missing board is an error that names it. */
  get(pathOrIdentity: string): Board {
    const b = this.find(pathOrIdentity);
    if (!b) {
      throw new ProvisionError('port-missing', `No connected board matches "${pathOrIdentity}".`, undefined, 'Check that it is plugged in (ESP-NOW: Refresh Boards) or use a path the board list shows.');
    }
    return b;
  }

  async setChipInfo(path: string, info: ChipInfo): Promise<void> {
    const port = this.portAt(path);
    const before = identityOf(port);
    const after = identityOf(port, info.mac);
    if (before.startsWith('path:')) this.volatileChipInfo.set(path, info);
    else await this.kv.update(CHIP_CACHE_KEY, { ...this.chipCache(), [before]: info });
    await this.roles.link(before, after);
    await this.names.link(before, after);
    this.changeEmitter.fire();
  }

  setActivity(path: string, activity: BoardActivity): void {
    this.activities.set(path, activity);
    this.changeEmitter.fire();
  }

  /** Records what was built for the board at `path` (shown in its tooltip until it goes away). */
  setFirmware(path: string, description: string): void {
    this.firmware.set(path, description);
    this.changeEmitter.fire();
  }

  /** Names a board (kept per identity, like its role); '' gives it back its default name. */
  async setName(path: string, name: string): Promise<void> {
    await this.names.set(this.get(path).identity, name);
    this.changeEmitter.fire();
  }

  /** Sets a role; returns the boards (connected or not) that lost the responder role to it. */
  async setRole(path: string, role: Role): Promise<string[]> {
    const board = this.get(path);
    const demoted = await this.roles.set(board.identity, role);
    this.changeEmitter.fire();
    return demoted;
  }

  private toBoard(port: DetectedPort): Board {
    const chipInfo = this.chipInfoFor(port);
    const identity = this.roles.resolve(identityOf(port, chipInfo?.mac));
    return {
      port,
      identity,
      name: this.names.get(identity) ?? defaultBoardName(port, chipInfo),
      chipInfo,
      role: this.roles.get(identity),
      activity: this.activities.get(port.path) ?? { kind: 'idle' },
      ...(this.firmware.has(port.path) ? { firmware: this.firmware.get(port.path) } : {}),
    };
  }

  private chipInfoFor(port: DetectedPort): ChipInfo | undefined {
    const key = identityOf(port);
    if (key.startsWith('path:')) return this.volatileChipInfo.get(port.path);
    return this.chipCache()[key] ?? this.chipCache()[this.roles.resolve(key)];
  }

  private portAt(path: string): DetectedPort {
    const port = this.discovery.ports.find((p) => p.path === path);
    if (!port) throw new ProvisionError('port-missing', `No board is connected at ${path}.`, path, 'It may have been unplugged.');
    return port;
  }

  private chipCache(): Record<string, ChipInfo> {
    return this.kv.get<Record<string, ChipInfo>>(CHIP_CACHE_KEY) ?? {};
  }

  dispose(): void {
    this.store.dispose();
  }
}
