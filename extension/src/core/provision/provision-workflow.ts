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
import type { CredentialsIn, SecurityMode } from '../config/settings';
import { describeOutcome, isFault, reasonOfError, type BoardOutcome } from './failure-reasons';
import { judgeProvisioning, type FollowedBoard } from './provisioning-outcome';
import type { BoardConfig } from './board-config';
import { boardConfigOnly, withBoardConfig } from './board-config-plan';

export type { CredentialsIn };

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
  /** The folder of an identical earlier build, or undefined; never builds. Update Credentials looks here first. */
  findBuild(board: ProvisionBoard, config: FirmwareConfig): Promise<string | undefined>;
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
  /** Default 'nvs'. */
  readonly credentialsIn?: CredentialsIn;
  /**
   * Update Credentials: no build stage and only each board's NVS partition is written (the app on the board
   * stays), then the boards are reset and followed as usual. Needs 'nvs' and the images of an earlier run.
   */
  readonly updateOnly?: boolean;
}

export interface ProvisionResult {
  readonly outcome: 'succeeded' | 'failed' | 'cancelled';
  /** The stage the run ended in (for a failure: where it failed). */
  readonly stage: ProvisionStage;
  readonly ips: ReadonlyMap<string, string>;
  /**
   * How each board ended, successes included, as reasons of failure-reasons.ts: the tree's and the CLI's
   * words and the CLI's exit code come from there. "all boards" stands for a cause no single board owns.
   */
  readonly boards: readonly BoardOutcome[];
  /** The faults among `boards`, one line each naming the board (describeOutcome). */
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
    // The run owns its subscriptions to the monitors: a state change wakes the follow stage, and they end with the run.
    const subscriptions = new DisposableStore();
    const changed = subscriptions.add(new Emitter<void>());
    try {
      // Update Credentials reuses the images of the earlier run; only when the cache lost one is there a build stage.
      const builds =
        (this.request.updateOnly ? await this.findAll() : undefined) ??
        (await this.timed('building', `building the firmware for ${describeBuilds(this.request.boards, this.byRole)}`, () => this.buildAll(signal)));
      const targets = await Promise.all(this.request.boards.map(async (b) => ({ path: b.path, label: b.name, plan: await this.planFor(b, builds.get(this.buildKey(b))!) })));
      const flashed = await this.timed('flashing', `flashing ${this.request.boards.length} boards in parallel`, () =>
        this.deps.flash(targets, signal, (overall, changed) => this.flashEmitter.fire({ overall, changed })),
      );
      if (!flashed.ok) {
        const cancelled = flashed.cancelled.length > 0 && flashed.failed.length === 0;
        return this.end(cancelled ? 'cancelled' : 'failed', flashed.results.map(flashOutcome));
      }
      const followed = await this.timed('monitoring', 'opening a monitor per board', async () => {
        const list = new Map<string, FollowedBoard>();
        for (const b of this.request.boards) {
          const m = await this.deps.monitor(b);
          monitors.push(m);
          await m.whenOpen(signal);
          m.resetState();
          list.set(b.name, { name: b.name, role: b.role, state: m.state });
          subscriptions.add(
            m.onDidChangeState((state) => {
              list.set(b.name, { name: b.name, role: b.role, state });
              changed.fire();
            }),
          );
        }
        // Reset after every monitor listens, so no board's boot log is missed.
        for (const m of monitors) await m.resetBoard();
        return list;
      });
      return await this.timed('following', 'following the provisioning in the logs', () => this.follow(followed, changed.event, signal));
    } catch (e) {
      if (signal.aborted || (isProvisionError(e) && e.kind === 'cancelled')) return this.end('cancelled', this.request.boards.map((b) => ({ board: b.name, reason: 'cancelled', detail: `while ${this.stage}` })));
      const err = isProvisionError(e) ? e : new ProvisionError('internal', e instanceof Error ? e.message : String(e));
      return this.end('failed', [{ board: err.board ?? 'all boards', reason: reasonOfError(err), detail: `${err.message}${err.hint ? ` ${err.hint}` : ''}` }]);
    } finally {
      subscriptions.dispose();
      for (const m of monitors) m.dispose();
    }
  }

  /** Credentials in menuconfig need an image per role; in NVS one image per chip serves every role. */
  private get byRole(): boolean {
    return this.request.credentialsIn === 'menuconfig';
  }

  private buildKey(b: ProvisionBoard): string {
    return this.byRole ? `${b.role}:${b.target}` : b.target;
  }

  private async buildAll(signal: AbortSignal): Promise<Map<string, string>> {
    const builds = new Map<string, string>();
    // One build per key: a fleet of identical initiators (or, with NVS, every board of a chip) builds once.
    for (const b of this.request.boards) {
      const k = this.buildKey(b);
      if (builds.has(k)) continue;
      throwIfAborted(signal);
      const { buildDir } = await this.deps.build(b, this.imageConfigOf(b), signal);
      builds.set(k, buildDir);
    }
    return builds;
  }

  /** Every image from the build cache, or undefined as soon as one is missing. */
  private async findAll(): Promise<Map<string, string> | undefined> {
    const builds = new Map<string, string>();
    for (const b of this.request.boards) {
      const k = this.buildKey(b);
      if (builds.has(k)) continue;
      const dir = await this.deps.findBuild(b, this.imageConfigOf(b));
      if (dir === undefined) return undefined;
      builds.set(k, dir);
    }
    return builds;
  }

  private imageConfigOf(b: ProvisionBoard): FirmwareConfig {
    return this.byRole ? this.imageConfigFor(b.role) : this.sharedImageConfig();
  }

  /** The plan of one board: the image's regions and its NVS partition (its configuration, or erased). */
  private async planFor(b: ProvisionBoard, buildDir: string) {
    const plan = await readFlashPlan(buildDir);
    if (this.byRole) return withBoardConfig(plan, undefined);
    const config = this.boardConfigFor(b.role);
    return this.request.updateOnly ? boardConfigOnly(plan, config) : withBoardConfig(plan, config);
  }

  /** What a board's role needs at run time: only the responder holds credentials, compat modes no key. */
  private boardConfigFor(role: FirmwareRole): BoardConfig {
    const r = this.request;
    const responder = role === 'responder';
    return {
      role,
      security: r.security,
      ...(responder ? { ssid: r.ssid, password: r.password } : {}),
      channel: responder ? r.channel : 0,
      ...(r.security === 'secure' ? { pairKey: r.pairKey } : {}),
      ...(r.beaconWindowS !== undefined ? { beaconWindowS: r.beaconWindowS } : {}),
      ...(r.scanTimeoutS !== undefined ? { scanTimeoutS: r.scanTimeoutS } : {}),
    };
  }

  /** Credentials in menuconfig: the role's values compiled in (an initiator's image carries no credentials). */
  private imageConfigFor(role: FirmwareRole): FirmwareConfig {
    const c = this.boardConfigFor(role);
    return { ...c, ssid: c.ssid ?? '', password: c.password ?? '', pairKey: c.pairKey ?? '' };
  }

  /** Credentials in NVS: one image per chip with no secret and no role of its own (NVS sets both). */
  private sharedImageConfig(): FirmwareConfig {
    const r = this.request;
    return { role: 'initiator', security: r.security, ssid: '', password: '', channel: 0, pairKey: '' };
  }

  /** Ends on the monitors' state events, or at the run's one deadline timer, or on cancel. */
  private follow(boards: ReadonlyMap<string, FollowedBoard>, changed: Event<void>, signal: AbortSignal): Promise<ProvisionResult> {
    return new Promise((resolve, reject) => {
      const waiting = new DisposableStore();
      const judge = (timedOut: boolean) => {
        const verdict = judgeProvisioning([...boards.values()], timedOut);
        if (verdict.kind === 'running') return;
        waiting.dispose();
        resolve(this.end(verdict.kind, verdict.boards));
      };
      const onAbort = () => {
        waiting.dispose();
        reject(new ProvisionError('cancelled', 'Cancelled.'));
      };
      if (signal.aborted) return onAbort();
      const deadline = setTimeout(() => judge(true), this.request.followTimeoutMs ?? 90_000);
      waiting.add({ dispose: () => clearTimeout(deadline) });
      signal.addEventListener('abort', onAbort, { once: true });
      waiting.add({ dispose: () => signal.removeEventListener('abort', onAbort) });
      waiting.add(changed(() => judge(false)));
      judge(false); // the boards may have decided while their monitors opened
    });
  }

  private timed<T>(stage: ProvisionStage, detail: string, fn: () => Promise<T>): Promise<T> {
    this.setStage(stage, detail);
    return fn();
  }

  private end(outcome: ProvisionResult['outcome'], boards: readonly BoardOutcome[]): ProvisionResult {
    const at = this.stage;
    const reasons = boards.filter(isFault).map(describeOutcome);
    const ips = new Map(boards.flatMap((o) => (o.reason === 'provisioned' && o.detail ? [[o.board, o.detail] as const] : [])));
    this.setStage(outcome, outcome === 'succeeded' ? 'every initiator has an IP address' : reasons.join(' '));
    return { outcome, stage: outcome === 'succeeded' ? 'succeeded' : at, ips, boards, reasons, timings: { ...this.timings } };
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

function describeBuilds(boards: readonly ProvisionBoard[], byRole: boolean): string {
  return [...new Set(boards.map((b) => (byRole ? `${b.role} (${b.target})` : b.target)))].join(', ');
}

/** A board's flash as a run outcome: a fault's reason from its error kind, else no fault of its own. */
function flashOutcome(r: FlashBoardsResult['results'][number]): BoardOutcome {
  if (r.outcome === 'flashed' || r.outcome === 'unchanged') return { board: r.board, reason: 'unaffected', detail: r.stateNote };
  if (r.outcome === 'cancelled') return { board: r.board, reason: 'cancelled', detail: `while flashing (${r.stateNote})` };
  return { board: r.board, reason: reasonOfError(r.error), detail: `${r.error ? `${r.error.message}${r.error.hint ? ` ${r.error.hint}` : ''}` : 'flash failed'} (${r.stateNote})` };
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
  if (r.updateOnly && r.credentialsIn === 'menuconfig') throw new ProvisionError('config', 'Update Credentials writes the boards\' NVS partitions, but setting espnow.credentialsIn is "menuconfig" (credentials compiled into the images).', undefined, 'Set espnow.credentialsIn to "nvs", or run Provision Pair to rebuild.');
}
