import { DisposableStore, type Disposable } from '../common/disposable';
import { Emitter } from '../common/emitter';
import { isProvisionError, ProvisionError } from '../common/errors';
import type { FirmwareConfig, FirmwareRole } from '../build/sdkconfig';
import type { FlashBoardsResult } from '../flash/flash-boards';
import type { FlashTarget } from '../flash/flash-board';
import type { BoardProgress, OverallProgress } from '../flash/flash-progress';
import { readFlashPlan } from '../flash/flash-plan';
import type { BoardState } from '../monitor/board-state';
import type { Event } from '../common/emitter';
import type { SecurityMode } from '../config/settings';
import { judgeProvisioning, type FollowedBoard } from './provisioning-outcome';

/** The stages every front end shows, in order; the last three are final. */
export type ProvisionStage = 'building' | 'flashing' | 'monitoring' | 'following' | 'succeeded' | 'failed' | 'cancelled';

/** One board of a run. `target` is esptool's chip name (esp32, esp32s3, esp32c3). */
export interface ProvisionBoard {
  readonly path: string;
  readonly name: string;
  readonly role: FirmwareRole;
  readonly target: string;
}

/** What a run watches on a board: its monitor's parsed state. */
export interface BoardMonitor extends Disposable {
  readonly state: BoardState;
  readonly onDidChangeState: Event<BoardState>;
  /** Resolves when the monitor holds the port (after the flasher handed it back). */
  whenOpen(signal: AbortSignal): Promise<void>;
  /** Forget what was seen before, so an old "got IP" cannot pass for this run's. */
  resetState(): void;
  /** EN pulse: the board boots the new firmware while the monitor listens. */
  resetBoard(): Promise<void>;
}

/** The parts a run drives; the editor and the CLI pass their own (terminals vs. plain sessions). */
export interface ProvisionDeps {
  build(board: ProvisionBoard, config: FirmwareConfig, signal: AbortSignal): Promise<{ buildDir: string; cached: boolean }>;
  flash(targets: readonly FlashTarget[], signal: AbortSignal, onProgress: (overall: OverallProgress, changed: BoardProgress) => void): Promise<FlashBoardsResult>;
  monitor(board: ProvisionBoard): Promise<BoardMonitor>;
}

export interface ProvisionRequest {
  readonly boards: readonly ProvisionBoard[];
  readonly ssid: string;
  readonly password: string;
  readonly channel: number;
  readonly security: SecurityMode;
  readonly pairKey: string;
  /** How long to follow the logs for every initiator's IP. Default 90 s. */
  readonly followTimeoutMs?: number;
  /** Responder beacon window and initiator scan timeout baked into the firmware (default: its Kconfig defaults). */
  readonly beaconWindowS?: number;
  readonly scanTimeoutS?: number;
}

export interface ProvisionResult {
  readonly outcome: 'succeeded' | 'failed' | 'cancelled';
  /** The stage the run ended in (for a failure: where it failed). */
  readonly stage: ProvisionStage;
  readonly ips: ReadonlyMap<string, string>;
  /** Why it failed, one line per cause, naming the board. */
  readonly reasons: readonly string[];
  /** Milliseconds per stage that ran. */
  readonly timings: Readonly<Partial<Record<ProvisionStage, number>>>;
}

/**
 * Provision Pair / Fleet as an explicit state machine: build per (role, chip), flash every board in
 * parallel, monitor every board, follow the logs until every initiator has an IP or a diagnosis. Each
 * stage has a timeout or a cancel; the result says where it ended and why. Front ends only render events.
 */
export class ProvisionWorkflow implements Disposable {
  private readonly store = new DisposableStore();
  private readonly stageEmitter = this.store.add(new Emitter<{ stage: ProvisionStage; detail: string }>());
  private readonly flashEmitter = this.store.add(new Emitter<{ overall: OverallProgress; changed: BoardProgress }>());
  readonly onDidChangeStage = this.stageEmitter.event;
  readonly onDidFlashProgress = this.flashEmitter.event;
  private stage: ProvisionStage = 'building';
  private stageStarted: number | undefined;
  private readonly timings: Partial<Record<ProvisionStage, number>> = {};

  constructor(
    private readonly request: ProvisionRequest,
    private readonly deps: ProvisionDeps,
    private readonly now: () => number = () => performance.now(),
  ) {
    checkRequest(request);
  }

  get currentStage(): ProvisionStage {
    return this.stage;
  }

  async run(signal: AbortSignal = new AbortController().signal): Promise<ProvisionResult> {
    const monitors: BoardMonitor[] = [];
    try {
      const builds = await this.timed('building', `building the firmware for ${describeBuilds(this.request.boards)}`, () => this.buildAll(signal));
      const targets = await Promise.all(this.request.boards.map(async (b) => ({ path: b.path, label: b.name, plan: await readFlashPlan(builds.get(key(b))!) })));
      const flashed = await this.timed('flashing', `flashing ${this.request.boards.length} boards in parallel`, () =>
        this.deps.flash(targets, signal, (overall, changed) => this.flashEmitter.fire({ overall, changed })),
      );
      if (!flashed.ok) {
        const cancelled = flashed.cancelled.length > 0 && flashed.failed.length === 0;
        return this.end(cancelled ? 'cancelled' : 'failed', new Map(), [...flashed.failed, ...flashed.cancelled].map((r) => `${r.board}: ${r.error ? r.error.message : r.outcome}${r.error?.hint ? ` ${r.error.hint}` : ''} (${r.stateNote})`));
      }
      const followed = await this.timed('monitoring', 'opening a monitor per board', async () => {
        const list = new Map<string, FollowedBoard>();
        for (const b of this.request.boards) {
          const m = await this.deps.monitor(b);
          monitors.push(m);
          await m.whenOpen(signal);
          m.resetState();
          list.set(b.name, { name: b.name, role: b.role, state: m.state });
          m.onDidChangeState((state) => list.set(b.name, { name: b.name, role: b.role, state }));
        }
        // Reset after every monitor listens, so no board's boot log is missed.
        for (const m of monitors) await m.resetBoard();
        return list;
      });
      return await this.timed('following', 'following the provisioning in the logs', () => this.follow(followed, signal));
    } catch (e) {
      if (signal.aborted || (isProvisionError(e) && e.kind === 'cancelled')) return this.end('cancelled', new Map(), [`cancelled while ${this.stage}`]);
      const err = isProvisionError(e) ? e : new ProvisionError('internal', e instanceof Error ? e.message : String(e));
      return this.end('failed', new Map(), [`${this.stage}: ${err.describe()}`]);
    } finally {
      for (const m of monitors) m.dispose();
    }
  }

  private async buildAll(signal: AbortSignal): Promise<Map<string, string>> {
    const builds = new Map<string, string>();
    // One build per (role, chip): a fleet of identical initiators builds once.
    for (const b of this.request.boards) {
      if (builds.has(key(b))) continue;
      throwIfAborted(signal);
      const { buildDir } = await this.deps.build(b, this.configFor(b.role), signal);
      builds.set(key(b), buildDir);
    }
    return builds;
  }

  private configFor(role: FirmwareRole): FirmwareConfig {
    const r = this.request;
    const responder = role === 'responder';
    // Only the responder holds credentials: an initiator's image carries none.
    return {
      role,
      security: r.security,
      ssid: responder ? r.ssid : '',
      password: responder ? r.password : '',
      channel: responder ? r.channel : 0,
      pairKey: r.pairKey,
      ...(r.beaconWindowS !== undefined ? { beaconWindowS: r.beaconWindowS } : {}),
      ...(r.scanTimeoutS !== undefined ? { scanTimeoutS: r.scanTimeoutS } : {}),
    };
  }

  private async follow(boards: Map<string, FollowedBoard>, signal: AbortSignal): Promise<ProvisionResult> {
    const deadline = this.now() + (this.request.followTimeoutMs ?? 90_000);
    for (;;) {
      throwIfAborted(signal);
      const verdict = judgeProvisioning([...boards.values()], this.now() > deadline);
      if (verdict.kind === 'succeeded') return this.end('succeeded', verdict.ips, []);
      if (verdict.kind === 'failed') return this.end('failed', new Map(), [...verdict.reasons]);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  private timed<T>(stage: ProvisionStage, detail: string, fn: () => Promise<T>): Promise<T> {
    this.setStage(stage, detail);
    return fn();
  }

  private end(outcome: ProvisionResult['outcome'], ips: ReadonlyMap<string, string>, reasons: string[]): ProvisionResult {
    const at = this.stage;
    this.setStage(outcome, outcome === 'succeeded' ? 'every initiator has an IP address' : reasons.join(' '));
    return { outcome, stage: outcome === 'succeeded' ? 'succeeded' : at, ips, reasons, timings: { ...this.timings } };
  }

  /** Entering a stage closes the timing of the one before. */
  private setStage(stage: ProvisionStage, detail: string): void {
    const now = this.now();
    if (this.stageStarted !== undefined) this.timings[this.stage] = now - this.stageStarted;
    this.stageStarted = now;
    this.stage = stage;
    this.stageEmitter.fire({ stage, detail });
  }

  dispose(): void {
    this.store.dispose();
  }
}

const key = (b: ProvisionBoard) => `${b.role}:${b.target}`;

function describeBuilds(boards: readonly ProvisionBoard[]): string {
  return [...new Set(boards.map((b) => `${b.role} (${b.target})`))].join(', ');
}

function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw new ProvisionError('cancelled', 'Cancelled.');
}

/** A run needs exactly one responder, at least one initiator, and one board per port. */
function checkRequest(r: ProvisionRequest): void {
  const responders = r.boards.filter((b) => b.role === 'responder');
  if (responders.length !== 1) throw new ProvisionError('config', `A run needs exactly one responder; it has ${responders.length}.`, undefined, 'Set Role: Responder on one board.');
  if (!r.boards.some((b) => b.role === 'initiator')) throw new ProvisionError('config', 'A run needs at least one initiator.', undefined, 'Set Role: Initiator on the new device.');
  const paths = new Set(r.boards.map((b) => b.path));
  if (paths.size !== r.boards.length) throw new ProvisionError('config', 'A board is listed twice.', undefined, 'Give each board one role.');
  if (!r.ssid) throw new ProvisionError('config', 'Setting espnow.wifi.ssid is empty.', undefined, 'Set it to the network the new devices should join.');
}
